#pragma once
// Webhook events between "LINE got its 200" and "the bot finished with them". Accepting an event
// is one atomic Redis script: it marks the webhookEventId as seen (so a redelivery is dropped) and
// stores the event; finishing removes it. Whatever a crash interrupts is still in the inbox and is
// processed again on the next sweep, so an accepted event is never lost.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "store/redis.h"

namespace thesaban::store {

struct InboxEntry {
    std::string event_id;
    std::string event_json;
    int64_t accepted_at_ms = 0;
};

class EventInbox {
public:
    EventInbox(Redis& redis, std::string key_prefix, std::chrono::seconds dedup_ttl);

    // For each (event_id, event_json): true when it is new and now stored, false when it was seen
    // before. One round trip for the whole webhook body. Throws RedisUnavailable.
    std::vector<bool> accept(const std::vector<std::pair<std::string, std::string>>& events, int64_t now_ms);
    // The event is done (answered, or deliberately dropped).
    void complete(const std::string& event_id);
    // Stored events accepted before `accepted_before_ms`, oldest first, at most `limit`.
    std::vector<InboxEntry> pending(int64_t accepted_before_ms, std::size_t limit);

private:
    Redis& redis_;
    std::string seen_prefix_;
    std::string data_key_;
    std::string order_key_;
    std::chrono::seconds dedup_ttl_;
};

}  // namespace thesaban::store
