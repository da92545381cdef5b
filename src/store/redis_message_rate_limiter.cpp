#include "store/redis_message_rate_limiter.h"

#include <utility>

namespace thesaban::store {
namespace {

// KEYS[1] the window's counter, [2] the quiet flag; ARGV[1] limit, [2] window ms, [3] quiet ms.
// Returns 1 allowed, 0 the first over the limit (notice), -1 quiet (ignore).
const std::string kCheckScript = R"lua(
if redis.call('EXISTS', KEYS[2]) == 1 then return -1 end
local n = redis.call('INCR', KEYS[1])
if n == 1 or redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if n <= tonumber(ARGV[1]) then return 1 end
redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
redis.call('DEL', KEYS[1])
return 0
)lua";

}  // namespace

RedisMessageRateLimiter::RedisMessageRateLimiter(Redis& redis, std::string key_prefix, int limit,
                                                 std::chrono::milliseconds quiet, std::chrono::milliseconds window)
    : redis_(redis), prefix_(std::move(key_prefix)), limit_(limit), quiet_(quiet), window_(window) {}

handlers::MessageRateLimiter::Verdict RedisMessageRateLimiter::check(const std::string& user_id) {
    if (limit_ < 1) return Verdict::allowed;
    RedisReply reply = redis_.eval(kCheckScript, {prefix_ + "limits:messages:" + user_id, prefix_ + "limits:quiet:" + user_id},
                                   {std::to_string(limit_), std::to_string(window_.count()),
                                    std::to_string(quiet_.count())});
    if (reply.is_error()) throw RedisUnavailable("message rate limit refused: " + reply.str);
    if (reply.type != RedisReply::Type::integer) throw RedisUnavailable("message rate limit: unexpected reply");
    return reply.integer > 0 ? Verdict::allowed : reply.integer == 0 ? Verdict::notice : Verdict::ignore;
}

}  // namespace thesaban::store
