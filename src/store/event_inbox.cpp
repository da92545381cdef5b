#include "store/event_inbox.h"

namespace thesaban::store {
namespace {

// KEYS[1] inbox hash, KEYS[2] inbox order zset; ARGV[1] seen prefix, ARGV[2] ttl seconds,
// ARGV[3] now ms, then (event id, event json) pairs. Returns 1/0 per event.
const std::string kAcceptScript = R"lua(
local result = {}
local n = 0
for i = 4, #ARGV, 2 do
  n = n + 1
  local id = ARGV[i]
  if redis.call('SET', ARGV[1] .. id, '1', 'NX', 'EX', tonumber(ARGV[2])) then
    redis.call('HSET', KEYS[1], id, ARGV[i + 1])
    redis.call('ZADD', KEYS[2], tonumber(ARGV[3]), id)
    result[n] = 1
  else
    result[n] = 0
  end
end
return result
)lua";

const std::string kCompleteScript = R"lua(
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
)lua";

}  // namespace

EventInbox::EventInbox(Redis& redis, std::string key_prefix, std::chrono::seconds dedup_ttl)
    : redis_(redis),
      seen_prefix_(key_prefix + "webhook:seen:"),
      data_key_(key_prefix + "webhook:inbox"),
      order_key_(key_prefix + "webhook:inbox:order"),
      dedup_ttl_(dedup_ttl) {}

std::vector<bool> EventInbox::accept(const std::vector<std::pair<std::string, std::string>>& events, int64_t now_ms) {
    std::vector<bool> out;
    if (events.empty()) return out;
    std::vector<std::string> args{seen_prefix_, std::to_string(dedup_ttl_.count()), std::to_string(now_ms)};
    args.reserve(3 + events.size() * 2);
    for (const auto& [id, json] : events) {
        args.push_back(id);
        args.push_back(json);
    }
    RedisReply reply = redis_.eval(kAcceptScript, {data_key_, order_key_}, args);
    if (reply.is_error()) throw RedisUnavailable("inbox accept refused: " + reply.str);
    out.reserve(events.size());
    for (std::size_t i = 0; i < events.size(); ++i)
        out.push_back(i < reply.elements.size() && reply.elements[i].integer == 1);
    return out;
}

void EventInbox::complete(const std::string& event_id) {
    RedisReply reply = redis_.eval(kCompleteScript, {data_key_, order_key_}, {event_id});
    if (reply.is_error()) throw RedisUnavailable("inbox complete refused: " + reply.str);
}

std::vector<InboxEntry> EventInbox::pending(int64_t accepted_before_ms, std::size_t limit) {
    std::vector<InboxEntry> out;
    RedisReply ids = redis_.command({"ZRANGEBYSCORE", order_key_, "-inf", "(" + std::to_string(accepted_before_ms),
                                     "WITHSCORES", "LIMIT", "0", std::to_string(limit)});
    if (ids.is_error()) throw RedisUnavailable("inbox pending refused: " + ids.str);
    if (ids.elements.empty()) return out;
    std::vector<std::string> hmget{"HMGET", data_key_};
    for (std::size_t i = 0; i + 1 < ids.elements.size(); i += 2) hmget.push_back(ids.elements[i].str);
    RedisReply data = redis_.command(hmget);
    if (data.is_error()) throw RedisUnavailable("inbox read refused: " + data.str);
    for (std::size_t i = 0, j = 0; i + 1 < ids.elements.size(); i += 2, ++j) {
        if (j >= data.elements.size() || data.elements[j].is_nil()) {
            // Order entry without data (should not happen): drop it so it cannot block the sweep.
            redis_.command({"ZREM", order_key_, ids.elements[i].str});
            continue;
        }
        InboxEntry entry;
        entry.event_id = ids.elements[i].str;
        entry.event_json = data.elements[j].str;
        entry.accepted_at_ms = std::stoll(ids.elements[i + 1].str);
        out.push_back(std::move(entry));
    }
    return out;
}

}  // namespace thesaban::store
