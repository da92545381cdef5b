#include "store/outbox.h"

#include <utility>

#include "core/json.h"

namespace thesaban::store {
namespace {

// A dedup key is remembered as long as LINE honours a retry key (24 h).
constexpr std::chrono::seconds kDedupTtl{86400};

int64_t system_now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
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
    if (!entry.reply_token.empty()) {
        json::write_key(w, "reply_token");
        json::write_string(w, entry.reply_token);
        json::write_key(w, "reply_until");
        w.Int64(entry.reply_until_ms);
    }
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
    entry.reply_token = std::string(json::get_string(doc, "reply_token").value_or(""));
    entry.reply_until_ms = json::get_int(doc, "reply_until").value_or(0);
    return true;
}

RedisOutbox::RedisOutbox(Redis& redis, const std::string& key_prefix, std::string owner,
                         std::chrono::milliseconds lease_ttl, NowMs now_ms)
    : redis_(redis),
      legacy_entries_key_(key_prefix + "outbox:entries"),
      legacy_due_key_(key_prefix + "outbox:due"),
      queue_(redis, key_prefix, kDedupTtl, std::move(owner), lease_ttl, "outbox"),
      now_ms_(now_ms ? std::move(now_ms) : NowMs(system_now_ms)) {}

void RedisOutbox::push(const std::string& to, const std::vector<std::string>& messages, const std::string& dedup_key) {
    enqueue(to, messages, dedup_key);
}

void RedisOutbox::reply_or_push(const std::string& to, const std::vector<std::string>& messages,
                                const std::string& dedup_key, const std::string& reply_token, int64_t reply_until_ms) {
    enqueue(OutboxEntry{to, messages, dedup_key, reply_token, reply_until_ms});
}

bool RedisOutbox::enqueue(const std::string& to, const std::vector<std::string>& messages,
                          const std::string& dedup_key) {
    return enqueue(OutboxEntry{to, messages, dedup_key, {}, 0});
}

bool RedisOutbox::enqueue(const OutboxEntry& entry) {
    std::string json = outbox_entry_to_json(entry);
    auto admission = queue_.accept({InboxRecord{entry.dedup_key, entry.to, json}}, now_ms_()).at(0);
    if (admission == Admission::run_now) {
        std::lock_guard lock(callback_mutex_);
        if (on_ready_) on_ready_(LeasedEvent{entry.to, entry.dedup_key, std::move(json)});
    }
    return admission != Admission::duplicate;
}

void RedisOutbox::set_on_ready(std::function<void(LeasedEvent)> callback) {
    std::lock_guard lock(callback_mutex_);
    on_ready_ = std::move(callback);
}

std::size_t RedisOutbox::adopt_legacy() {
    std::size_t moved = 0;
    for (;;) {
        // Oldest first, so each recipient's pushes keep their order in the queue.
        RedisReply ids = redis_.command({"ZRANGE", legacy_due_key_, "0", "499"});
        if (ids.is_error()) throw RedisUnavailable("legacy outbox refused: " + ids.str);
        if (ids.elements.empty()) return moved;
        std::vector<std::string> hmget{"HMGET", legacy_entries_key_};
        for (const auto& id : ids.elements) hmget.push_back(id.str);
        RedisReply entries = redis_.command(hmget);
        if (entries.is_error()) throw RedisUnavailable("legacy outbox refused: " + entries.str);
        std::vector<InboxRecord> records;
        for (const auto& e : entries.elements) {
            OutboxEntry entry;
            if (e.type == RedisReply::Type::string && outbox_entry_from_json(e.str, entry))
                records.push_back({entry.dedup_key, entry.to, outbox_entry_to_json(entry)});
        }
        moved += queue_.adopt(records);
        // Only now forget them: a crash in between adopts them again, which the queue ignores.
        std::vector<std::string> hdel{"HDEL", legacy_entries_key_}, zrem{"ZREM", legacy_due_key_};
        for (const auto& id : ids.elements) {
            hdel.push_back(id.str);
            zrem.push_back(id.str);
        }
        redis_.command(hdel);
        redis_.command(zrem);
    }
}

}  // namespace thesaban::store
