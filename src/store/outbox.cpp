#include "store/outbox.h"

#include <utility>

#include "core/json.h"

namespace thesaban::store {
namespace {

// A delivered dedup key is remembered as long as LINE honours a retry key (24 h).
constexpr const char* kSentTtlSeconds = "86400";

// KEYS[1] entries, [2] due, [3] sent marker; ARGV[1] dedup key, [2] entry json, [3] due ms.
const std::string kPushScript = R"lua(
if redis.call('EXISTS', KEYS[3]) == 1 then return 0 end
if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
return 1
)lua";

// KEYS[1] entries, [2] due; ARGV[1] now ms, [2] lease end ms, [3] limit. Returns the claimed entries' json.
const std::string kClaimScript = R"lua(
local ids = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, id in ipairs(ids) do
  local json = redis.call('HGET', KEYS[1], id)
  if json then
    redis.call('ZADD', KEYS[2], ARGV[2], id)
    out[#out + 1] = json
  else
    redis.call('ZREM', KEYS[2], id)
  end
end
return out
)lua";

// KEYS[1] entries, [2] due, [3] sent marker; ARGV[1] dedup key, [2] marker ttl.
const std::string kRemoveScript = R"lua(
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('SET', KEYS[3], '1', 'EX', tonumber(ARGV[2]))
return 1
)lua";

// KEYS[1] entries, [2] due; ARGV[1] dedup key, [2] entry json, [3] due ms.
const std::string kRescheduleScript = R"lua(
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
return 1
)lua";

int64_t system_now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

RedisReply checked(RedisReply reply, const char* what) {
    if (reply.is_error()) throw RedisUnavailable(std::string(what) + " refused: " + reply.str);
    return reply;
}

}  // namespace

std::string outbox_entry_to_json(const OutboxEntry& entry) {
    json::StringBuffer buffer;
    json::Writer w(buffer);
    w.StartObject();
    json::write_key(w, "to");
    json::write_string(w, entry.to);
    json::write_key(w, "messages");
    w.StartArray();
    for (const auto& m : entry.messages) json::write_string(w, m);
    w.EndArray();
    json::write_key(w, "dedup_key");
    json::write_string(w, entry.dedup_key);
    json::write_key(w, "attempts");
    w.Int(entry.attempts);
    json::write_key(w, "next_at");
    w.Int64(entry.next_at_ms);
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize());
}

bool outbox_entry_from_json(std::string_view text, OutboxEntry& entry) {
    json::Document doc;
    if (!json::parse(text, doc) || !doc.IsObject()) return false;
    auto to = json::get_string(doc, "to");
    auto key = json::get_string(doc, "dedup_key");
    const json::Value* messages = json::get_array(doc, "messages");
    if (!to || !key || !messages) return false;
    entry.to = std::string(*to);
    entry.dedup_key = std::string(*key);
    entry.messages.clear();
    for (const auto& m : messages->GetArray())
        if (m.IsString()) entry.messages.emplace_back(m.GetString(), m.GetStringLength());
    entry.attempts = static_cast<int>(json::get_int(doc, "attempts").value_or(0));
    entry.next_at_ms = json::get_int(doc, "next_at").value_or(0);
    return true;
}

RedisOutbox::RedisOutbox(Redis& redis, std::string key_prefix, NowMs now_ms)
    : redis_(redis),
      entries_key_(key_prefix + "outbox:entries"),
      due_key_(key_prefix + "outbox:due"),
      sent_prefix_(key_prefix + "outbox:sent:"),
      now_ms_(now_ms ? std::move(now_ms) : NowMs(system_now_ms)) {}

void RedisOutbox::push(const std::string& to, const std::vector<std::string>& messages, const std::string& dedup_key) {
    enqueue(to, messages, dedup_key);
}

bool RedisOutbox::enqueue(const std::string& to, const std::vector<std::string>& messages,
                          const std::string& dedup_key) {
    OutboxEntry entry{to, messages, dedup_key, 0, now_ms_()};
    RedisReply reply = checked(redis_.eval(kPushScript, {entries_key_, due_key_, sent_prefix_ + dedup_key},
                                           {dedup_key, outbox_entry_to_json(entry), std::to_string(entry.next_at_ms)}),
                               "outbox push");
    const bool stored = reply.integer == 1;
    if (stored) {
        std::lock_guard lock(callback_mutex_);
        if (on_enqueued_) on_enqueued_();
    }
    return stored;
}

std::vector<OutboxEntry> RedisOutbox::claim_due(std::size_t limit, std::chrono::milliseconds lease) {
    std::vector<OutboxEntry> out;
    if (limit == 0) return out;
    const int64_t now = now_ms_();
    RedisReply reply =
        checked(redis_.eval(kClaimScript, {entries_key_, due_key_},
                            {std::to_string(now), std::to_string(now + lease.count()), std::to_string(limit)}),
                "outbox claim");
    for (const auto& e : reply.elements) {
        OutboxEntry entry;
        if (outbox_entry_from_json(e.str, entry)) out.push_back(std::move(entry));
    }
    return out;
}

void RedisOutbox::remove(const std::string& dedup_key) {
    checked(
        redis_.eval(kRemoveScript, {entries_key_, due_key_, sent_prefix_ + dedup_key}, {dedup_key, kSentTtlSeconds}),
        "outbox remove");
}

void RedisOutbox::reschedule(const OutboxEntry& entry) {
    checked(redis_.eval(kRescheduleScript, {entries_key_, due_key_},
                        {entry.dedup_key, outbox_entry_to_json(entry), std::to_string(entry.next_at_ms)}),
            "outbox reschedule");
}

std::size_t RedisOutbox::size() {
    RedisReply reply = checked(redis_.command({"HLEN", entries_key_}), "outbox size");
    return static_cast<std::size_t>(reply.integer);
}

void RedisOutbox::set_on_enqueued(std::function<void()> callback) {
    std::lock_guard lock(callback_mutex_);
    on_enqueued_ = std::move(callback);
}

}  // namespace thesaban::store
