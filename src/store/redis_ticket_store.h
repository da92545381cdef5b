#pragma once
// Tickets in Redis. Each ticket is a hash `{prefix}ticket:{id}` holding the ticket as one JSON blob
// (serialised in C++, see ticket_json.h) beside its `status` and a revision counter `rev`. Every write
// is one Lua script that checks the status/revision it was computed from and swaps the blob and the
// indexes together, so a reader never sees a ticket missing from an index, and two officers pressing
// at once get one ok and one conflict.
//
// Keys, under the prefix:
//   ticket:{id}                 hash {json, status, rev}
//   ticket:idem:{key}           id made for an idempotency key (30 days)
//   ticket:seq:{BE year}        sequence of the year's ids
//   tickets:open:{department}   zset of open ids by created_ms
//   tickets:reporter:{user}     zset of ids by created_ms
//   tickets:status:{status}     set of ids
//   tickets:geo:{kind}          geo set of open ids that have a location
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <chrono>

#include "store/redis.h"
#include "tickets/ticket_store.h"

namespace thesaban::store {

class RedisTicketStore final : public tickets::TicketStore {
public:
    // `id_prefix` starts every ticket id ("PNK" → PNK-2569-000001); letters and digits only, else
    // std::invalid_argument.
    RedisTicketStore(Redis& redis, std::string key_prefix, std::string id_prefix);
    // With replicas, a new ticket is returned (and so confirmed to the resident) only once `replicas`
    // of them have it (WAIT), so a failover cannot lose a ticket a resident was told about. Until
    // then create() throws RedisUnavailable and the event is run again: the idempotency key gives
    // back the same ticket. The WAIT covers the writes of the connection the create went out on:
    // on the event loops, each fiber's commands share their loop's one connection.
    void confirm_on_replicas(int replicas, std::chrono::milliseconds timeout) {
        confirm_replicas_ = replicas;
        confirm_timeout_ = timeout;
    }

    using tickets::TicketStore::create;
    tickets::Ticket create(const tickets::TicketDraft& draft, const std::string& idempotency_key, int64_t now_ms,
                           const tickets::ReporterCap& cap) override;
    std::optional<tickets::Ticket> get(const std::string& id) override;
    tickets::TransitionResult transition(const tickets::TransitionRequest& request, int64_t now_ms) override;
    std::vector<tickets::Ticket> by_reporter(const std::string& user_id, std::size_t limit) override;
    std::vector<tickets::Ticket> open_by_department(const std::string& department, std::size_t limit) override;
    std::vector<tickets::Ticket> open_nearby(const std::string& kind, double latitude, double longitude,
                                             double radius_m) override;
    bool follow(const std::string& ticket_id, const std::string& user_id) override;
    bool rate(const std::string& ticket_id, const std::string& user_id, int stars, const std::string& comment,
              int64_t now_ms) override;

    // For /metrics: tickets in each state, and open ones of each department; one round trip.
    struct Counts {
        std::vector<std::pair<tickets::Status, long long>> by_status;
        std::vector<std::pair<std::string, long long>> open_by_department;
    };
    Counts counts(const std::vector<std::string>& departments);

private:
    int confirm_replicas_ = 0;
    std::chrono::milliseconds confirm_timeout_{1000};
    struct Stored {
        tickets::Ticket ticket;
        std::string rev;
    };

    std::optional<Stored> load(const std::string& id);
    // Writes `ticket` if the stored revision is still `rev`; false when someone wrote in between.
    bool replace_if_unchanged(const tickets::Ticket& ticket, const std::string& rev);
    std::vector<tickets::Ticket> fetch(const std::vector<std::string>& ids);
    std::vector<std::string> ids_of(const RedisReply& reply) const;

    std::string ticket_key(const std::string& id) const { return prefix_ + "ticket:" + id; }
    std::string open_key(const std::string& department) const { return prefix_ + "tickets:open:" + department; }
    std::string reporter_key(const std::string& user) const { return prefix_ + "tickets:reporter:" + user; }
    std::string status_key(tickets::Status s) const { return prefix_ + "tickets:status:" + tickets::status_key(s); }
    std::string geo_key(const std::string& kind) const { return prefix_ + "tickets:geo:" + kind; }

    Redis& redis_;
    std::string prefix_;
    std::string id_prefix_;
};

}  // namespace thesaban::store
