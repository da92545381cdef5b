#include "store/redis_lookup_guard.h"

#include <stdexcept>
#include <utility>

namespace thesaban::store {
namespace {

// KEYS[1] the user's counter; ARGV[1] window in seconds. The expiry is set when the key has none,
// which is on the first failure (also repairs a counter that somehow lost its expiry, so no user
// is locked out for ever).
const std::string kRecordFailureScript = R"lua(
local n = redis.call('INCR', KEYS[1])
if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1])) end
return n
)lua";

RedisReply checked(RedisReply reply, const char* what) {
    if (reply.is_error()) throw RedisUnavailable(std::string(what) + " refused: " + reply.str);
    return reply;
}

}  // namespace

RedisLookupGuard::RedisLookupGuard(Redis& redis, std::string key_prefix, std::chrono::seconds window, int max_failures)
    : redis_(redis), prefix_(std::move(key_prefix)), window_(window), max_failures_(max_failures) {
    if (window_.count() < 1) throw std::invalid_argument("lookup guard window must be at least one second");
    if (max_failures_ < 1) throw std::invalid_argument("lookup guard max_failures must be at least 1");
}

bool RedisLookupGuard::locked(const std::string& user_id) {
    RedisReply reply = checked(redis_.command({"GET", failures_key(user_id)}), "lookup guard get");
    if (reply.is_nil()) return false;
    try {
        return std::stoll(reply.str) >= max_failures_;
    } catch (const std::exception&) {
        return false;  // not a counter: nothing this guard wrote
    }
}

int RedisLookupGuard::record_failure(const std::string& user_id) {
    RedisReply reply =
        checked(redis_.eval(kRecordFailureScript, {failures_key(user_id)}, {std::to_string(window_.count())}),
                "lookup guard record");
    if (reply.type != RedisReply::Type::integer) throw RedisUnavailable("lookup guard record: unexpected reply");
    return static_cast<int>(reply.integer);
}

}  // namespace thesaban::store
