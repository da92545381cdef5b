#pragma once
// `Redis` over a pool of synchronous hiredis connections: each call borrows one connection, runs
// one command with a socket timeout and returns it. A connection that saw an I/O error or a
// timeout is freed, never reused (its late reply would otherwise answer the next command), and
// an idle connection the server closed (restart) is noticed before use, so the bot recovers by
// itself after a Redis restart. Connections are made lazily, at most `pool_size` of them.
// With RedisOptions::sentinels, each new connection asks the sentinels for the master and checks
// ROLE; a READONLY reply drops its connection, so the pool follows a failover by itself.
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "store/redis.h"

struct redisContext;

namespace thesaban::store {

class RedisPool final : public Redis {
  public:
    // Does not connect yet; throws std::invalid_argument for a zero pool size or timeout.
    explicit RedisPool(RedisOptions options);
    RedisPool(const RedisPool&) = delete;
    RedisPool& operator=(const RedisPool&) = delete;
    // Every call must have returned before the pool is destroyed.
    ~RedisPool() override;

    RedisReply command(const std::vector<std::string>& args) override;
    RedisReply eval(const std::string& script, const std::vector<std::string>& keys,
                    const std::vector<std::string>& args) override;
    bool ping() override;

    // "127.0.0.1:6379" or "unix:/run/redis.sock"; never the password.
    const std::string& endpoint() const { return endpoint_; }
    // Connections currently open (idle or in use); for tests and metrics.
    std::size_t open_connections() const;

  private:
    class Lease;

    Lease acquire();
    void release(redisContext* context);
    void discard(redisContext* context);
    redisContext* connect();
    std::optional<std::pair<std::string, int>> discover_master(std::string& why);
    RedisReply run(Lease& lease, const std::vector<std::string>& args);
    std::string script_sha1(const std::string& script);
    void note_failure(const std::string& what);

    const RedisOptions options_;
    const std::string endpoint_;

    mutable std::mutex mutex_;
    std::condition_variable available_;
    std::vector<redisContext*> idle_;
    std::size_t open_ = 0;  // idle + lent + being connected

    std::mutex sha_mutex_;
    std::unordered_map<std::string, std::string> sha_by_script_;

    std::atomic<bool> reachable_{true};  // logs the first failure and the recovery, not every call
};

// Lowercase hex SHA1, as Redis names scripts for EVALSHA.
std::string redis_script_sha1(const std::string& script);

}  // namespace thesaban::store
