#pragma once
// The tax lookup's guard against guessing other people's notices, in Redis: one counter a LINE
// user, created with an expiry of `window` by the first failure, so the count runs from that
// failure and the lock lifts by itself when the key expires.
//
// Keys, under the prefix:
//   tax:lookup_failures:{LINE user id}   integer, TTL = window from the first failure
#include <chrono>
#include <string>

#include "store/redis.h"
#include "tax/tax_store.h"

namespace thesaban::store {

class RedisLookupGuard final : public tax::LookupGuard {
public:
    // Throws std::invalid_argument for a window under a second or max_failures < 1.
    RedisLookupGuard(Redis& redis, std::string key_prefix, std::chrono::seconds window = std::chrono::hours(1),
                     int max_failures = 5);

    bool locked(const std::string& user_id) override;
    int record_failure(const std::string& user_id) override;

    std::string failures_key(const std::string& user_id) const { return prefix_ + "tax:lookup_failures:" + user_id; }

private:
    Redis& redis_;
    std::string prefix_;
    std::chrono::seconds window_;
    int max_failures_;
};

}  // namespace thesaban::store
