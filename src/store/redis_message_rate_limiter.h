#pragma once
// handlers::MessageRateLimiter in Redis, shared by every bot process: a fixed one-minute window
// per resident (a minute by default), and a quiet flag set by the first message over the limit.
//
// Keys, under the prefix:
//   limits:messages:{LINE user id}   integer, TTL one minute from the window's first message
//   limits:quiet:{LINE user id}      "1", TTL the quiet period
// A rerun of an event after a crash counts it again; the limit errs toward quiet, never toward
// a second flood.
#include <chrono>
#include <string>

#include "handlers/common/ports.h"
#include "store/redis.h"

namespace thesaban::store {

class RedisMessageRateLimiter final : public handlers::MessageRateLimiter {
public:
    // At most `limit` messages a `window` (one minute in the bot); `limit` < 1 turns the limit off
    // (check always allows, without a Redis call).
    RedisMessageRateLimiter(Redis& redis, std::string key_prefix, int limit, std::chrono::milliseconds quiet,
                            std::chrono::milliseconds window = std::chrono::minutes(1));
    Verdict check(const std::string& user_id) override;

private:
    Redis& redis_;
    std::string prefix_;
    int limit_;
    std::chrono::milliseconds quiet_;
    std::chrono::milliseconds window_;
};

}  // namespace thesaban::store
