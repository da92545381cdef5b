#include "store/leased_queue.h"

#include <stdexcept>

namespace thesaban::store {
namespace {

// KEYS[1] events (hash id → json), KEYS[2] leases (hash chat → owner), KEYS[3] activity (zset chat →
// last ms); ARGV[1] key base, ARGV[2] dedup ttl s, ARGV[3] now ms, ARGV[4] owner, then (id, chat,
// json) triples. Returns per event 0 duplicate, 1 run now, 2 queued; then the events pending in all
// (stored, not completed), for back-pressure.
const std::string kAcceptScript = R"lua(
local base, ttl, now, owner = ARGV[1], tonumber(ARGV[2]), ARGV[3], ARGV[4]
local out = {}
for i = 5, #ARGV, 3 do
  local id, chat = ARGV[i], ARGV[i + 1]
  if redis.call('SET', base .. 'seen:' .. id, '1', 'NX', 'EX', ttl) then
    redis.call('HSET', KEYS[1], id, ARGV[i + 2])
    redis.call('RPUSH', base .. 'chat:' .. chat, id)
    if redis.call('HSETNX', KEYS[2], chat, owner) == 1 then
      redis.call('ZADD', KEYS[3], now, chat)
      out[#out + 1] = 1
    else
      out[#out + 1] = 2
    end
  else
    out[#out + 1] = 0
  end
end
out[#out + 1] = redis.call('HLEN', KEYS[1])
return out
)lua";

// The chat's first event that still has data, skipping (and dropping) ids without any; nil when none.
// Shared by the completion and the take-over scripts.
const std::string kHeadFunction = R"lua(
local function head(list_key)
  while true do
    local id = redis.call('LINDEX', list_key, 0)
    if not id then return nil end
    local json = redis.call('HGET', KEYS[1], id)
    if json then return id, json end
    redis.call('LPOP', list_key)
  end
end
local function release(chat, list_key)
  redis.call('HDEL', KEYS[2], chat)
  redis.call('ZREM', KEYS[3], chat)
  redis.call('DEL', list_key)
end
)lua";

// ARGV[1] base, ARGV[2] chat, ARGV[3] event id, ARGV[4] owner, ARGV[5] now.
// Returns {-1} lease lost, {0} chat released, {1, next id, next json}.
const std::string kCompleteScript = kHeadFunction + R"lua(
local base, chat, id, owner, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
if redis.call('HGET', KEYS[2], chat) ~= owner then return {-1} end
local list_key = base .. 'chat:' .. chat
if redis.call('LINDEX', list_key, 0) == id then
  redis.call('LPOP', list_key)
else
  redis.call('LREM', list_key, 1, id)
end
redis.call('HDEL', KEYS[1], id)
local next_id, json = head(list_key)
if next_id then
  redis.call('ZADD', KEYS[3], now, chat)
  return {1, next_id, json}
end
release(chat, list_key)
return {0}
)lua";

// ARGV[1] base, ARGV[2] owner, ARGV[3] now, ARGV[4] only chats idle since before this ms, ARGV[5] limit.
// Returns {chat, id, json, chat, id, json, ...} for the chats now ours: a dead holder's, and our own
// idle ones (an accept whose answer we never read leased a chat to us that nothing runs; the caller
// skips those it is running).
const std::string kTakeOverScript = kHeadFunction + R"lua(
local base, owner, now = ARGV[1], ARGV[2], ARGV[3]
local chats = redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', ARGV[4], 'LIMIT', 0, tonumber(ARGV[5]))
local out = {}
for _, chat in ipairs(chats) do
  local holder = redis.call('HGET', KEYS[2], chat)
  if holder and holder ~= owner and redis.call('EXISTS', base .. 'owner:' .. holder) == 1 then
    redis.call('ZADD', KEYS[3], now, chat)  -- a live holder is still on it: look again later
  else
    local list_key = base .. 'chat:' .. chat
    local id, json = head(list_key)
    if id then
      redis.call('HSET', KEYS[2], chat, owner)
      redis.call('ZADD', KEYS[3], now, chat)
      out[#out + 1] = chat
      out[#out + 1] = id
      out[#out + 1] = json
    else
      release(chat, list_key)
    end
  end
end
return out
)lua";

// KEYS[1..3] as above, KEYS[4] legacy hash, KEYS[5] legacy order zset; ARGV[1] base, ARGV[2] limit.
// The chat comes from the stored event's source, as the webhook path derives it.
const std::string kAdoptLegacyScript = R"lua(
local ids = redis.call('ZRANGE', KEYS[5], 0, tonumber(ARGV[2]) - 1)
for _, id in ipairs(ids) do
  local json = redis.call('HGET', KEYS[4], id)
  if json then
    local ok, event = pcall(cjson.decode, json)
    local chat = 'event:' .. id
    if ok and type(event) == 'table' and type(event.source) == 'table' then
      local s = event.source
      chat = (type(s.groupId) == 'string' and s.groupId) or (type(s.roomId) == 'string' and s.roomId) or
             (type(s.userId) == 'string' and s.userId) or chat
    end
    redis.call('HSET', KEYS[1], id, json)
    redis.call('RPUSH', ARGV[1] .. 'chat:' .. chat, id)
    redis.call('ZADD', KEYS[3], 'NX', 0, chat)
  end
  redis.call('HDEL', KEYS[4], id)
  redis.call('ZREM', KEYS[5], id)
end
return #ids
)lua";

// KEYS as accept; ARGV[1] key base, ARGV[2] dedup ttl s, then (id, chat, json) triples. Returns how
// many were new.
const std::string kAdoptScript = R"lua(
local base, ttl = ARGV[1], tonumber(ARGV[2])
local stored = 0
for i = 3, #ARGV, 3 do
  local id, chat = ARGV[i], ARGV[i + 1]
  if redis.call('SET', base .. 'seen:' .. id, '1', 'NX', 'EX', ttl) then
    redis.call('HSET', KEYS[1], id, ARGV[i + 2])
    redis.call('RPUSH', base .. 'chat:' .. chat, id)
    redis.call('ZADD', KEYS[3], 'NX', 0, chat)
    stored = stored + 1
  end
end
return stored
)lua";

// `command`: what an operator reads in the log when Redis refuses (the scripts run as EVALSHA).
void throw_if_error(const RedisReply& reply, const char* what, const char* command = "EVALSHA") {
    if (reply.is_error()) throw_refused(std::string(command) + " leased queue " + what, reply);
}

std::runtime_error bad_shape(const char* what) {
    return std::runtime_error(std::string("leased queue ") + what + ": unexpected reply shape");
}

}  // namespace

std::string inbox_chat(const std::string& chat_id, const std::string& event_id) {
    return chat_id.empty() ? "event:" + event_id : chat_id;
}

LeasedQueue::LeasedQueue(Redis& redis, const std::string& key_prefix, std::chrono::seconds dedup_ttl,
                         std::string owner, std::chrono::milliseconds lease_ttl, const std::string& name)
    : redis_(redis),
      key_prefix_(key_prefix),
      base_("{" + key_prefix + name + "}:"),
      events_key_(base_ + "events"),
      leases_key_(base_ + "leases"),
      activity_key_(base_ + "activity"),
      dedup_ttl_(dedup_ttl),
      owner_(std::move(owner)),
      lease_ttl_(lease_ttl) {}

ScriptCall LeasedQueue::accept_call(const std::vector<InboxRecord>& records, int64_t now_ms) const {
    ScriptCall call;
    call.script = &kAcceptScript;
    call.keys = {events_key_, leases_key_, activity_key_};
    call.args.reserve(4 + records.size() * 3);
    call.args.push_back(base_);
    call.args.push_back(std::to_string(dedup_ttl_.count()));
    call.args.push_back(std::to_string(now_ms));
    call.args.push_back(owner_);
    for (const auto& r : records) {
        call.args.push_back(r.event_id);
        call.args.push_back(r.chat);
        call.args.push_back(r.event_json);
    }
    return call;
}

std::vector<Admission> LeasedQueue::read_accept(const RedisReply& reply, std::size_t count, std::size_t* pending) {
    throw_if_error(reply, "accept");
    if (reply.type != RedisReply::Type::array || reply.elements.size() != count + 1) throw bad_shape("accept");
    std::vector<Admission> out;
    out.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        const auto& e = reply.elements[i];
        if (e.type != RedisReply::Type::integer || e.integer < 0 || e.integer > 2) throw bad_shape("accept");
        out.push_back(e.integer == 1 ? Admission::run_now : e.integer == 2 ? Admission::queued : Admission::duplicate);
    }
    const auto& total = reply.elements[count];
    if (total.type != RedisReply::Type::integer || total.integer < 0) throw bad_shape("accept");
    if (pending) *pending = static_cast<std::size_t>(total.integer);
    return out;
}

std::vector<Admission> LeasedQueue::accept(const std::vector<InboxRecord>& records, int64_t now_ms,
                                           std::size_t* pending) {
    if (records.empty()) return {};
    auto call = accept_call(records, now_ms);
    return read_accept(redis_.eval(*call.script, call.keys, call.args), records.size(), pending);
}

Completion LeasedQueue::complete(const std::string& chat, const std::string& event_id, int64_t now_ms) {
    auto reply = redis_.eval(kCompleteScript, {events_key_, leases_key_, activity_key_},
                             {base_, chat, event_id, owner_, std::to_string(now_ms)});
    throw_if_error(reply, "complete");
    if (reply.type != RedisReply::Type::array || reply.elements.empty() ||
        reply.elements[0].type != RedisReply::Type::integer)
        throw bad_shape("complete");
    Completion out;
    switch (reply.elements[0].integer) {
        case -1: out.status = Completion::Status::lease_lost; break;
        case 0: out.status = Completion::Status::released; break;
        case 1:
            if (reply.elements.size() != 3) throw bad_shape("complete");
            out.status = Completion::Status::next;
            out.next = LeasedEvent{chat, reply.elements[1].str, reply.elements[2].str};
            break;
        default: throw bad_shape("complete");
    }
    return out;
}

void LeasedQueue::heartbeat() {
    throw_if_error(redis_.command({"SET", base_ + "owner:" + owner_, "1", "PX", std::to_string(lease_ttl_.count())}),
                   "heartbeat", "SET");
}

void LeasedQueue::resign() { throw_if_error(redis_.command({"DEL", base_ + "owner:" + owner_}), "resign", "DEL"); }

std::vector<LeasedEvent> LeasedQueue::take_over(int64_t now_ms, std::size_t limit) {
    auto reply = redis_.eval(kTakeOverScript, {events_key_, leases_key_, activity_key_},
                             {base_, owner_, std::to_string(now_ms), std::to_string(now_ms - lease_ttl_.count()),
                              std::to_string(limit)});
    throw_if_error(reply, "take-over");
    if (reply.type != RedisReply::Type::array || reply.elements.size() % 3 != 0) throw bad_shape("take-over");
    std::vector<LeasedEvent> out;
    for (std::size_t i = 0; i + 2 < reply.elements.size(); i += 3)
        out.push_back({reply.elements[i].str, reply.elements[i + 1].str, reply.elements[i + 2].str});
    return out;
}

std::size_t LeasedQueue::adopt_legacy(std::size_t limit) {
    auto reply = redis_.eval(kAdoptLegacyScript,
                             {events_key_, leases_key_, activity_key_, key_prefix_ + "webhook:inbox",
                              key_prefix_ + "webhook:inbox:order"},
                             {base_, std::to_string(limit)});
    throw_if_error(reply, "legacy adoption");
    if (reply.type != RedisReply::Type::integer || reply.integer < 0) throw bad_shape("legacy adoption");
    return static_cast<std::size_t>(reply.integer);
}

std::size_t LeasedQueue::adopt(const std::vector<InboxRecord>& records) {
    if (records.empty()) return 0;
    std::vector<std::string> args{base_, std::to_string(dedup_ttl_.count())};
    for (const auto& r : records) {
        args.push_back(r.event_id);
        args.push_back(r.chat);
        args.push_back(r.event_json);
    }
    auto reply = redis_.eval(kAdoptScript, {events_key_, leases_key_, activity_key_}, args);
    throw_if_error(reply, "adopt");
    if (reply.type != RedisReply::Type::integer || reply.integer < 0) throw bad_shape("adopt");
    return static_cast<std::size_t>(reply.integer);
}

std::size_t LeasedQueue::pending() {
    auto reply = redis_.command({"HLEN", events_key_});
    throw_if_error(reply, "pending", "HLEN");
    if (reply.type != RedisReply::Type::integer || reply.integer < 0) throw bad_shape("pending");
    return static_cast<std::size_t>(reply.integer);
}

}  // namespace thesaban::store
