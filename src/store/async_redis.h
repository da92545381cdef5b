#pragma once
// One pipelined, asynchronous Redis connection for one event loop (an io_context run by exactly
// one thread). Every member is called on that thread only, so there is no mutex. Commands issued
// during one turn of the loop leave in one socket write; replies answer handlers in FIFO order.
// Completions are always posted (never called from inside command()/eval()), each with the reply
// by value. While the connection is down, commands fail at once with RedisErrc::disconnected
// instead of queueing; the client reconnects by itself with backoff until stop().
#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/system/error_code.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "store/redis.h"  // RedisReply, RedisOptions

namespace boost::asio {
class io_context;
}

namespace thesaban::store {

enum class RedisErrc {
    disconnected = 1,  // no connection, or it was lost before the reply came
    timeout,           // no reply within RedisOptions::command_timeout (the connection is dropped)
    protocol,          // Redis sent bytes that are not RESP, or a reply nobody asked for
    stopped,           // stop() was called
};
const boost::system::error_category& redis_category();
boost::system::error_code make_error_code(RedisErrc e);

}  // namespace thesaban::store

template <>
struct boost::system::is_error_code_enum<thesaban::store::RedisErrc> : std::true_type {};

namespace thesaban::store {

class AsyncRedis {
public:
    using Signature = void(boost::system::error_code, RedisReply);
    using Handler = boost::asio::any_completion_handler<Signature>;

    // Does not connect yet; throws std::invalid_argument for a zero timeout, an empty host, or
    // sentinels without a master name.
    AsyncRedis(boost::asio::io_context& ioc, RedisOptions options);
    AsyncRedis(const AsyncRedis&) = delete;
    AsyncRedis& operator=(const AsyncRedis&) = delete;
    ~AsyncRedis();  // stop()s; handlers still pending are posted with RedisErrc::stopped

    void start();            // connects in the background, reconnects with backoff forever
    void stop();             // fails what is pending with RedisErrc::stopped; no more reconnects
    // Connection up and AUTH/SELECT (and, with sentinels, ROLE) done; the one call safe from any thread.
    bool connected() const;

    // A Redis error reply arrives as RedisReply::Type::error with a success error_code.
    void command(std::vector<std::string> args, Handler handler);
    // EVALSHA by the script's SHA1 (computed once per script text and cached); on NOSCRIPT it loads
    // the script (SCRIPT LOAD) and retries once, so callers never see NOSCRIPT.
    void eval(const std::string& script, std::vector<std::string> keys, std::vector<std::string> args, Handler handler);

    template <typename Token>
    auto async_command(std::vector<std::string> args, Token&& token) {
        return boost::asio::async_initiate<Token, Signature>(
            [this](Handler handler, std::vector<std::string> a) { command(std::move(a), std::move(handler)); }, token,
            std::move(args));
    }
    template <typename Token>
    auto async_eval(const std::string& script, std::vector<std::string> keys, std::vector<std::string> args,
                    Token&& token) {
        // The script is copied: a deferred token (use_awaitable) initiates after this returns.
        return boost::asio::async_initiate<Token, Signature>(
            [this](Handler handler, std::string s, std::vector<std::string> k, std::vector<std::string> a) {
                eval(s, std::move(k), std::move(a), std::move(handler));
            },
            token, std::string(script), std::move(keys), std::move(args));
    }

    // For tests and metrics.
    std::uint64_t commands_sent() const;  // commands written to Redis, the client's own included
    std::uint64_t writes() const;         // socket writes made (fewer than commands: pipelining)
    std::uint64_t reconnects() const;     // connections established after the first one

private:
    class Impl;
    std::shared_ptr<Impl> impl_;  // shared with the operations in flight, which may outlive us
};

}  // namespace thesaban::store
