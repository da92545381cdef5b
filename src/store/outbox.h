#pragma once
// Durable pushes, in order per recipient, on the bot's one durable queue (store/leased_queue.h,
// the queue named "outbox"; the recipient is its chat). `push` stores the message under its dedup
// key (a key seen within a day is ignored) and, when no process holds that recipient, leases it to
// this process in the same script and hands the entry to whoever set_on_ready (the sender,
// app/outbox_sender.h) to send at once; otherwise the push waits behind the recipient's earlier
// ones. A sender that dies leaves its recipients to the lease keeper's take-over in another
// process, with the same retry key, so LINE answers 409 instead of delivering twice.
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "handlers/common/ports.h"
#include "store/leased_queue.h"
#include "store/redis.h"

namespace thesaban::store {

struct OutboxEntry {
    std::string to;
    std::vector<std::string> messages;  // LINE message objects as JSON text
    std::string dedup_key;
    // Set: first try this reply token, while before reply_until_ms (see Notifier::reply_or_push).
    std::string reply_token;
    int64_t reply_until_ms = 0;
};

class RedisOutbox final : public handlers::Notifier {
public:
    using NowMs = std::function<int64_t()>;
    // `owner` and `lease_ttl` as for the inbox: this process's id and how long a silent one keeps
    // its recipients. `now_ms` defaults to the system clock.
    RedisOutbox(Redis& redis, const std::string& key_prefix, std::string owner, std::chrono::milliseconds lease_ttl,
                NowMs now_ms = {});

    // Stores the push; a dedup key already stored or sent within a day is ignored.
    // Throws RedisUnavailable: the caller must not consider the message sent.
    void push(const std::string& to, const std::vector<std::string>& messages, const std::string& dedup_key) override;
    void reply_or_push(const std::string& to, const std::vector<std::string>& messages, const std::string& dedup_key,
                       const std::string& reply_token, int64_t reply_until_ms) override;
    // As push; true when the entry was new.
    bool enqueue(const std::string& to, const std::vector<std::string>& messages, const std::string& dedup_key);
    bool enqueue(const OutboxEntry& entry);

    // Called, on the pushing thread, with each entry this process must now send (its recipient was
    // free and is now leased to us). Empty to unset; not called once unset returns.
    void set_on_ready(std::function<void(LeasedEvent)> callback);

    LeasedQueue& queue() { return queue_; }
    std::size_t size() { return queue_.pending(); }
    int64_t now_ms() const { return now_ms_(); }

    // Moves the pushes that the previous release's outbox (prefix + "outbox:entries") still holds
    // into the queue, as recipients nobody holds (the take-over sends them). Returns how many moved.
    std::size_t adopt_legacy();

private:
    Redis& redis_;
    std::string legacy_entries_key_;
    std::string legacy_due_key_;
    LeasedQueue queue_;
    NowMs now_ms_;

    std::mutex callback_mutex_;
    std::function<void(LeasedEvent)> on_ready_;
};

std::string outbox_entry_to_json(const OutboxEntry& entry);
bool outbox_entry_from_json(std::string_view text, OutboxEntry& entry);

}  // namespace thesaban::store
