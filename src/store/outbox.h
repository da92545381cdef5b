#pragma once
// Durable pushes. `push` only stores the message (one Lua script: HSETNX by dedup key + ZADD of its
// due time), so it is cheap, safe to repeat, and survives a crash or a LINE outage; OutboxWorker
// (src/app/outbox_worker.h) delivers it. A worker claims due entries by moving their due time into
// the future (a lease), so two workers, or two processes, never send the same entry at once, and an
// entry whose worker died is sent again when its lease runs out (with the same retry key, so LINE
// answers 409 instead of delivering it twice).
//
// Keys, under the prefix: outbox:entries (hash dedup key → entry JSON), outbox:due (zset dedup key by
// due time), outbox:sent:{dedup key} (a day: the same dedup key enqueued again after delivery is a no-op).
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "handlers/common/ports.h"
#include "store/redis.h"

namespace thesaban::store {

struct OutboxEntry {
    std::string to;
    std::vector<std::string> messages;  // LINE message objects as JSON text
    std::string dedup_key;
    int attempts = 0;        // failed sends so far
    int64_t next_at_ms = 0;  // when it is due (again)
};

class RedisOutbox final : public handlers::Notifier {
public:
    using NowMs = std::function<int64_t()>;
    // `now_ms` defaults to the system clock.
    RedisOutbox(Redis& redis, std::string key_prefix, NowMs now_ms = {});

    // Stores the push, due now; a dedup key already stored (or delivered within a day) is ignored.
    // Throws RedisUnavailable: the caller must not consider the message sent.
    void push(const std::string& to, const std::vector<std::string>& messages, const std::string& dedup_key) override;
    // As push; true when the entry was new.
    bool enqueue(const std::string& to, const std::vector<std::string>& messages, const std::string& dedup_key);

    // Up to `limit` entries due now, leased for `lease`: nobody else claims them before it runs out.
    std::vector<OutboxEntry> claim_due(std::size_t limit, std::chrono::milliseconds lease);
    // Delivered, or refused for good.
    void remove(const std::string& dedup_key);
    // Stores the entry's attempts and makes it due at its next_at_ms; ignored when it was removed.
    void reschedule(const OutboxEntry& entry);
    std::size_t size();
    int64_t now_ms() const { return now_ms_(); }

    // Called after each new entry (the worker's wake-up); empty to unset. Not called once unset returns.
    void set_on_enqueued(std::function<void()> callback);

private:
    Redis& redis_;
    std::string entries_key_;
    std::string due_key_;
    std::string sent_prefix_;
    NowMs now_ms_;

    std::mutex callback_mutex_;
    std::function<void()> on_enqueued_;
};

std::string outbox_entry_to_json(const OutboxEntry& entry);
bool outbox_entry_from_json(std::string_view text, OutboxEntry& entry);

}  // namespace thesaban::store
