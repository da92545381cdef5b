#pragma once
// Redis for one event loop: one connection, pipelined. Every command issued during a loop turn
// leaves in one write; replies are matched to their callers in order. Each command has a deadline:
// when the oldest one passes, everything pending fails with `timeout` and the connection is
// replaced, so a late reply can never answer a newer command. A lost connection fails what is
// pending with `disconnected`, new commands fail at once until it is back, and it is remade with
// backoff (through the sentinels, when configured: a failover is followed by itself). Error replies
// (WRONGTYPE, OOM, ...) are returned as replies: they reached Redis and were refused.
// Included by the runtime only: it brings in Asio's completion-token machinery.
#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/system/error_code.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "store/redis.h"

namespace boost::asio {
class io_context;
}

namespace thesaban::store {

enum class RedisErrc { disconnected = 1, timeout, protocol, stopped };
const boost::system::error_category& redis_category();
boost::system::error_code make_error_code(RedisErrc e);

struct AsyncRedisStats {
    uint64_t commands = 0;    // commands sent (AUTH/SELECT/discovery not counted)
    uint64_t writes = 0;      // socket writes: far fewer than commands when pipelining works
    uint64_t reconnects = 0;  // connections made after the first
};

// One per event loop; every call on that loop's thread only (no mutex). Destroy before its io_context.
class AsyncRedis {
public:
    using Handler = boost::asio::any_completion_handler<void(boost::system::error_code, RedisReply)>;

    AsyncRedis(boost::asio::io_context& ioc, RedisOptions options);
    ~AsyncRedis();
    AsyncRedis(const AsyncRedis&) = delete;
    AsyncRedis& operator=(const AsyncRedis&) = delete;

    void start();  // connects in the background and keeps reconnecting
    void stop();   // fails what is pending with RedisErrc::stopped; no more reconnects
    bool connected() const;  // the one call that is safe from any thread

    // The handler is never called inside these: completions are posted to the loop.
    void command(std::vector<std::string> args, Handler handler);
    // EVALSHA by the script's SHA1 (cached); NOSCRIPT is answered by sending the script itself once.
    void eval(const std::string& script, std::vector<std::string> keys, std::vector<std::string> args,
              Handler handler);

    template <typename Token>
    auto async_command(std::vector<std::string> args, Token&& token) {
        return boost::asio::async_initiate<Token, void(boost::system::error_code, RedisReply)>(
            [this](auto handler, std::vector<std::string> a) { command(std::move(a), Handler(std::move(handler))); },
            token, std::move(args));
    }
    template <typename Token>
    auto async_eval(const std::string& script, std::vector<std::string> keys, std::vector<std::string> args,
                    Token&& token) {
        return boost::asio::async_initiate<Token, void(boost::system::error_code, RedisReply)>(
            [this, &script](auto handler, std::vector<std::string> k, std::vector<std::string> a) {
                eval(script, std::move(k), std::move(a), Handler(std::move(handler)));
            },
            token, std::move(keys), std::move(args));
    }

    const AsyncRedisStats& stats() const;

    struct State;

private:
    std::shared_ptr<State> state_;
};

}  // namespace thesaban::store

namespace boost::system {
template <>
struct is_error_code_enum<thesaban::store::RedisErrc> : std::true_type {};
}  // namespace boost::system
