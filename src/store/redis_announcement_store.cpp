#include "store/redis_announcement_store.h"

#include <algorithm>
#include <map>
#include <stdexcept>

namespace thesaban::store {
namespace {

using announcements::Announcement;
using announcements::Chunk;
using announcements::ChunkDelivery;

constexpr const char* kIdempotencyTtlSeconds = "86400";
constexpr int64_t kHourMs = 3600LL * 1000;

// KEYS[1] idempotency key (or a dummy), [2] seq, [3] history, [4] due.
// ARGV[1] key prefix for records ("...ann:"), [2] json after its id, [3] created_ms, [4] due_ms,
// [5] '1' when the idempotency key is used, [6] its ttl. Returns the id.
const std::string kCreateScript = R"lua(
if ARGV[5] == '1' then
  local existing = redis.call('GET', KEYS[1])
  if existing then return existing end
end
local id = tostring(redis.call('INCR', KEYS[2]))
redis.call('HSET', ARGV[1] .. id, 'json', '{"id":"' .. id .. '"' .. ARGV[2], 'status', 'scheduled')
redis.call('ZADD', KEYS[3], ARGV[3], id)
redis.call('ZADD', KEYS[4], ARGV[4], id)
if ARGV[5] == '1' then redis.call('SET', KEYS[1], id, 'EX', tonumber(ARGV[6])) end
return id
)lua";

// KEYS[1] due. ARGV[1] now, [2] lease ms, [3] limit, [4] lease key prefix. Returns the claimed ids.
const std::string kClaimScript = R"lua(
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]) * 4)
local out = {}
for _, id in ipairs(ids) do
  if #out >= tonumber(ARGV[3]) then break end
  if redis.call('SET', ARGV[4] .. id, '1', 'NX', 'PX', tonumber(ARGV[2])) then table.insert(out, id) end
end
return out
)lua";

// KEYS[1] due. ARGV[1] lease key prefix.
const std::string kReleaseAllScript = R"lua(
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
for _, id in ipairs(ids) do redis.call('DEL', ARGV[1] .. id) end
return #ids
)lua";

// KEYS[1] record hash, [2] delivery hash. ARGV[1] chunk key prefix, ARGV[2] count, then per chunk:
// chunk json, delivery json. The "chunks" field is the plan's commit mark.
const std::string kPlanScript = R"lua(
if redis.call('HEXISTS', KEYS[1], 'chunks') == 1 then return 0 end
local n = tonumber(ARGV[2])
for i = 0, n - 1 do
  redis.call('SET', ARGV[1] .. i, ARGV[3 + i * 2])
  redis.call('HSET', KEYS[2], tostring(i), ARGV[4 + i * 2])
end
redis.call('HSET', KEYS[1], 'chunks', tostring(n), 'status', 'sending')
return 1
)lua";

// KEYS[1] broadcast window zset. ARGV[1] now, [2] hour ms, [3] per hour, [4] retry key.
const std::string kBroadcastSlotScript = R"lua(
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[2]))
if redis.call('ZSCORE', KEYS[1], ARGV[4]) then return 0 end
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[4])
  redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]))
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return tonumber(oldest[2]) + tonumber(ARGV[2])
)lua";

// KEYS[1] record hash, [2] due, [3] lease. ARGV[1] status, [2] now, [3] id, [4] chunk key prefix,
// [5] seconds the recipient lists are kept after the last send (the history keeps the counts).
const std::string kFinishScript = R"lua(
redis.call('HSET', KEYS[1], 'status', ARGV[1], 'finished_at', ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[3])
redis.call('DEL', KEYS[3])
local n = tonumber(redis.call('HGET', KEYS[1], 'chunks') or '0')
for i = 0, n - 1 do redis.call('EXPIRE', ARGV[4] .. i, tonumber(ARGV[5])) end
return n
)lua";

// Who got an announcement is kept a month for questions, then only the per-chunk counts remain.
constexpr const char* kRecipientsTtlSeconds = "2592000";

std::vector<std::string> strings_of(const RedisReply& reply) {
    std::vector<std::string> out;
    for (const auto& e : reply.elements)
        if (!e.is_nil()) out.push_back(e.str);
    return out;
}

}  // namespace

RedisAnnouncementStore::RedisAnnouncementStore(Redis& redis, std::string key_prefix, std::vector<std::string> topics)
    : redis_(redis), prefix_(std::move(key_prefix)), topics_(std::move(topics)) {}

RedisReply RedisAnnouncementStore::checked(const RedisReply& reply, const char* what) {
    if (reply.is_error()) throw std::runtime_error(std::string("redis refused ") + what + ": " + reply.str);
    return reply;
}

std::string RedisAnnouncementStore::create(const announcements::Draft& draft, const std::string& created_by,
                                           int64_t now_ms, const std::string& idempotency_key) {
    Announcement a;
    a.id = "x";
    a.draft = draft;
    a.created_by = created_by;
    a.created_at_ms = now_ms;
    std::string json = announcements::announcement_to_json(a, false);
    // The script prepends {"id":"<id>": keep everything after the placeholder id.
    const std::string head = R"({"id":"x")";
    std::string rest = json.substr(head.size());
    int64_t due = draft.send_at_ms ? draft.send_at_ms : now_ms;
    auto reply = checked(redis_.eval(kCreateScript,
                                     {key("ann:idem:" + (idempotency_key.empty() ? "-" : idempotency_key)),
                                      key("ann:seq"), key("ann:history"), key("ann:due")},
                                     {key("ann:"), rest, std::to_string(now_ms), std::to_string(due),
                                      idempotency_key.empty() ? "0" : "1", kIdempotencyTtlSeconds}),
                         "create");
    return reply.type == RedisReply::Type::integer ? std::to_string(reply.integer) : reply.str;
}

std::optional<Announcement> RedisAnnouncementStore::get(const std::string& id) {
    auto record = checked(redis_.command({"HGETALL", key("ann:" + id)}), "get");
    if (record.elements.empty()) return std::nullopt;
    std::map<std::string, std::string> fields;
    for (std::size_t i = 0; i + 1 < record.elements.size(); i += 2)
        fields[record.elements[i].str] = record.elements[i + 1].str;
    Announcement a;
    if (!announcements::announcement_from_json(fields["json"], a)) return std::nullopt;
    a.status = announcements::status_from_key(fields["status"]).value_or(announcements::Status::scheduled);
    if (!fields["finished_at"].empty()) a.finished_at_ms = std::stoll(fields["finished_at"]);
    if (!fields["chunks"].empty()) {
        a.planned = true;
        std::size_t count = std::stoul(fields["chunks"]);
        auto deliveries = checked(redis_.command({"HGETALL", key("ann:" + id + ":delivery")}), "deliveries");
        a.chunks.resize(count);
        for (std::size_t i = 0; i + 1 < deliveries.elements.size(); i += 2) {
            std::size_t index = std::stoul(deliveries.elements[i].str);
            if (index < count) announcements::delivery_from_json(deliveries.elements[i + 1].str, a.chunks[index]);
        }
    }
    return a;
}

std::vector<Announcement> RedisAnnouncementStore::history(std::size_t limit) {
    if (limit == 0) return {};
    auto ids = checked(redis_.command({"ZREVRANGE", key("ann:history"), "0", std::to_string(limit - 1)}), "history");
    std::vector<Announcement> out;
    for (const auto& id : strings_of(ids))
        if (auto a = get(id)) out.push_back(std::move(*a));
    return out;
}

std::vector<Announcement> RedisAnnouncementStore::latest_published(std::size_t limit) {
    std::vector<Announcement> out;
    // Scheduled ones are not news yet; look a little further back than `limit` to skip them.
    for (auto& a : history(limit * 4)) {
        if (a.status == announcements::Status::scheduled) continue;
        // One LINE refused outright reached nobody: it is not news residents have seen.
        bool reached_someone = std::any_of(a.chunks.begin(), a.chunks.end(), [](const ChunkDelivery& c) {
            return c.state == announcements::ChunkState::sent;
        });
        if (a.status == announcements::Status::failed && !reached_someone) continue;
        out.push_back(std::move(a));
        if (out.size() == limit) break;
    }
    return out;
}

std::vector<std::string> RedisAnnouncementStore::claim_due(int64_t now_ms, std::chrono::milliseconds lease,
                                                           std::size_t limit) {
    auto reply = checked(
        redis_.eval(kClaimScript, {key("ann:due")},
                    {std::to_string(now_ms), std::to_string(lease.count()), std::to_string(limit), key("ann:lease:")}),
        "claim");
    return strings_of(reply);
}

void RedisAnnouncementStore::renew_lease(const std::string& id, std::chrono::milliseconds lease) {
    checked(redis_.command({"PEXPIRE", key("ann:lease:" + id), std::to_string(lease.count())}), "renew");
}

void RedisAnnouncementStore::reschedule(const std::string& id, int64_t due_ms) {
    checked(redis_.command({"ZADD", key("ann:due"), "XX", std::to_string(due_ms), id}), "reschedule");
    checked(redis_.command({"DEL", key("ann:lease:" + id)}), "release");
}

void RedisAnnouncementStore::release_all_leases() {
    checked(redis_.eval(kReleaseAllScript, {key("ann:due")}, {key("ann:lease:")}), "release leases");
}

bool RedisAnnouncementStore::plan(const std::string& id, const std::vector<Chunk>& chunks) {
    std::vector<std::string> args{key("ann:" + id + ":chunk:"), std::to_string(chunks.size())};
    for (const auto& c : chunks) {
        args.push_back(announcements::chunk_to_json(c));
        ChunkDelivery pending;
        pending.recipients = c.to.size();
        args.push_back(announcements::delivery_to_json(pending));
    }
    auto reply = checked(redis_.eval(kPlanScript, {key("ann:" + id), key("ann:" + id + ":delivery")}, args), "plan");
    return reply.integer == 1;
}

std::optional<Chunk> RedisAnnouncementStore::chunk(const std::string& id, std::size_t index) {
    auto reply = checked(redis_.command({"GET", key("ann:" + id + ":chunk:" + std::to_string(index))}), "chunk");
    Chunk c;
    if (reply.is_nil() || !announcements::chunk_from_json(reply.str, c)) return std::nullopt;
    return c;
}

void RedisAnnouncementStore::record_delivery(const std::string& id, std::size_t index, const ChunkDelivery& delivery) {
    checked(redis_.command({"HSET", key("ann:" + id + ":delivery"), std::to_string(index),
                            announcements::delivery_to_json(delivery)}),
            "delivery");
}

void RedisAnnouncementStore::finish(const std::string& id, announcements::Status status, int64_t now_ms) {
    checked(redis_.eval(kFinishScript, {key("ann:" + id), key("ann:due"), key("ann:lease:" + id)},
                        {std::string(announcements::status_key(status)), std::to_string(now_ms), id,
                         key("ann:" + id + ":chunk:"), kRecipientsTtlSeconds}),
            "finish");
}

std::vector<std::string> RedisAnnouncementStore::recipients(const std::string& topic) {
    return strings_of(checked(redis_.command({"SDIFF", topic_key(topic), key("news:unfollowed")}), "recipients"));
}

int64_t RedisAnnouncementStore::take_broadcast_slot(const std::string& retry_key, int64_t now_ms, int per_hour) {
    auto reply =
        checked(redis_.eval(kBroadcastSlotScript, {key("ann:broadcasts")},
                            {std::to_string(now_ms), std::to_string(kHourMs), std::to_string(per_hour), retry_key}),
                "broadcast slot");
    return reply.integer;
}

void RedisAnnouncementStore::follow(const std::string& user_id) {
    checked(redis_.command({"SADD", key("news:followers"), user_id}), "follow");
    checked(redis_.command({"SREM", key("news:unfollowed"), user_id}), "follow");
}

void RedisAnnouncementStore::unfollow(const std::string& user_id) {
    checked(redis_.command({"SREM", key("news:followers"), user_id}), "unfollow");
    checked(redis_.command({"SADD", key("news:unfollowed"), user_id}), "unfollow");
    for (const auto& topic : topics_) checked(redis_.command({"SREM", topic_key(topic), user_id}), "unfollow");
}

void RedisAnnouncementStore::subscribe(const std::string& user_id, const std::string& topic) {
    // Only a friend can write to the account, so whoever subscribes follows it.
    follow(user_id);
    checked(redis_.command({"SADD", topic_key(topic), user_id}), "subscribe");
}

void RedisAnnouncementStore::unsubscribe(const std::string& user_id, const std::string& topic) {
    checked(redis_.command({"SREM", topic_key(topic), user_id}), "unsubscribe");
}

std::vector<std::string> RedisAnnouncementStore::subscriptions(const std::string& user_id) {
    std::vector<std::string> out;
    for (const auto& topic : topics_) {
        auto reply = checked(redis_.command({"SISMEMBER", topic_key(topic), user_id}), "subscriptions");
        if (reply.integer == 1) out.push_back(topic);
    }
    return out;
}

}  // namespace thesaban::store
