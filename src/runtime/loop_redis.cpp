#include "runtime/loop_redis.h"

#include "runtime/event_loops.h"
#include "runtime/fiber.h"
#include "store/async_redis.h"

namespace thesaban::runtime {
namespace {

store::AsyncRedis* loop_connection() {
    Loop* loop = current_loop();
    return loop && in_fiber() && loop->redis ? loop->redis.get() : nullptr;
}

store::RedisReply checked(const boost::system::error_code& ec, store::RedisReply reply) {
    // A lost connection or a deadline: the command may or may not have run, as with the blocking pool.
    if (ec) throw store::RedisUnavailable("redis: " + ec.message());
    return reply;
}

}  // namespace

store::RedisReply LoopRedis::command(const std::vector<std::string>& args) {
    auto* redis = loop_connection();
    if (!redis) return off_loop_.command(args);
    boost::system::error_code ec;
    auto reply = suspend([&](Yield& yield) { return redis->async_command(args, yield[ec]); });
    return checked(ec, std::move(reply));
}

store::RedisReply LoopRedis::eval(const std::string& script, const std::vector<std::string>& keys,
                                  const std::vector<std::string>& args) {
    auto* redis = loop_connection();
    if (!redis) return off_loop_.eval(script, keys, args);
    boost::system::error_code ec;
    auto reply = suspend([&](Yield& yield) { return redis->async_eval(script, keys, args, yield[ec]); });
    return checked(ec, std::move(reply));
}

bool LoopRedis::ping() {
    if (!loop_connection()) return off_loop_.ping();
    try {
        auto reply = command({"PING"});
        return !reply.is_error();
    } catch (const store::RedisUnavailable&) {
        return false;
    }
}

}  // namespace thesaban::runtime
