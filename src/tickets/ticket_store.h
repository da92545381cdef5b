#pragma once
// Where tickets live. Every write is acknowledged by Redis (AOF on) before it returns, so a ticket
// the resident was told about survives a crash and a Redis restart. Implementations throw
// store::RedisUnavailable when the store cannot be reached.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "tickets/ticket.h"

namespace thesaban::tickets {

struct TransitionRequest {
    std::string ticket_id;
    Status expected;       // compare-and-set: the change applies only if the ticket is still in this state
    Status to;
    std::string actor;
    std::string actor_name;
    std::string note;
    std::string department;          // for forwarded: the new department
    std::string close_reason;        // for closed
    std::vector<std::string> after_photo_tokens;  // for done
};

struct TransitionResult {
    enum class Outcome { ok, not_found, conflict, not_allowed };
    Outcome outcome = Outcome::not_found;
    std::optional<Ticket> ticket;  // the ticket after the change (ok), or as it is now (conflict, not_allowed)
};

// A cap on the tickets one reporter files: at most `per_day` created since `since_ms` (the start of
// the day); 0: no cap.
struct ReporterCap {
    int per_day = 0;
    int64_t since_ms = 0;
};

// create() refused: the reporter already filed `cap.per_day` tickets today.
class ReporterCapReached : public std::runtime_error {
public:
    ReporterCapReached() : std::runtime_error("the reporter's daily ticket cap is reached") {}
};

class TicketStore {
public:
    virtual ~TicketStore() = default;
    // Creates a ticket with the next id of its Buddhist Era year. The same `idempotency_key` (the
    // webhook event that confirmed it) returns the ticket made the first time, never a second one,
    // also once the cap is reached. A new ticket over `cap` throws ReporterCapReached; the check
    // and the create are one atomic step, so two confirmations at once cannot both pass it.
    virtual Ticket create(const TicketDraft& draft, const std::string& idempotency_key, int64_t now_ms,
                          const ReporterCap& cap) = 0;
    Ticket create(const TicketDraft& draft, const std::string& idempotency_key, int64_t now_ms) {
        return create(draft, idempotency_key, now_ms, ReporterCap{});
    }
    virtual std::optional<Ticket> get(const std::string& id) = 0;
    // Atomic: two officers pressing at once → one ok, the other conflict with the winner's ticket.
    virtual TransitionResult transition(const TransitionRequest& request, int64_t now_ms) = 0;
    // Newest first.
    virtual std::vector<Ticket> by_reporter(const std::string& user_id, std::size_t limit) = 0;
    // Open tickets of a department, oldest first.
    virtual std::vector<Ticket> open_by_department(const std::string& department, std::size_t limit) = 0;
    // Open tickets of `kind` within `radius_m` metres of the point, nearest first.
    virtual std::vector<Ticket> open_nearby(const std::string& kind, double latitude, double longitude,
                                            double radius_m) = 0;
    // A resident who found an open report of the same problem follows it: they are told of its
    // status changes as the reporter is. False if the ticket does not exist or is not open.
    virtual bool follow(const std::string& ticket_id, const std::string& user_id) = 0;
    // A 1–5 rating by the reporter of a done ticket; false if not allowed (not theirs, not done, out of range).
    virtual bool rate(const std::string& ticket_id, const std::string& user_id, int stars, const std::string& comment,
                      int64_t now_ms) = 0;
};

}  // namespace thesaban::tickets
