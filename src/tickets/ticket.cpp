#include "tickets/ticket.h"

#include <cstdio>
#include <ctime>

namespace thesaban::tickets {

const char* status_key(Status status) {
    switch (status) {
        case Status::received: return "received";
        case Status::accepted: return "accepted";
        case Status::in_progress: return "in_progress";
        case Status::done: return "done";
        case Status::forwarded: return "forwarded";
        case Status::closed: return "closed";
    }
    return "received";
}

std::optional<Status> status_from_key(std::string_view key) {
    for (Status s : {Status::received, Status::accepted, Status::in_progress, Status::done, Status::forwarded,
                     Status::closed})
        if (key == status_key(s)) return s;
    return std::nullopt;
}

bool is_open(Status status) { return status != Status::done && status != Status::closed; }

bool transition_allowed(Status from, Status to) {
    if (!is_open(from)) return false;
    switch (to) {
        case Status::accepted: return from == Status::received || from == Status::forwarded;
        case Status::in_progress: return from == Status::received || from == Status::accepted || from == Status::forwarded;
        case Status::done: return from == Status::accepted || from == Status::in_progress;
        case Status::forwarded: return true;  // any open ticket may be sent to another department
        case Status::closed: return true;     // with a reason
        case Status::received: return false;
    }
    return false;
}

const char* close_reason_key(CloseReason reason) {
    switch (reason) {
        case CloseReason::out_of_scope: return "out_of_scope";
        case CloseReason::duplicate: return "duplicate";
        case CloseReason::cancelled_by_reporter: return "cancelled_by_reporter";
    }
    return "out_of_scope";
}

std::optional<CloseReason> close_reason_from_key(std::string_view key) {
    for (CloseReason r : {CloseReason::out_of_scope, CloseReason::duplicate, CloseReason::cancelled_by_reporter})
        if (key == close_reason_key(r)) return r;
    return std::nullopt;
}

std::string format_ticket_id(const std::string& prefix, int buddhist_year, long long sequence) {
    char digits[32];
    std::snprintf(digits, sizeof digits, "%04d-%06lld", buddhist_year, sequence);
    return prefix + "-" + digits;
}

int buddhist_year_at(int64_t epoch_ms) {
    std::time_t thai = static_cast<std::time_t>(epoch_ms / 1000 + 7 * 3600);  // Thailand: UTC+7, no DST
    std::tm tm{};
    gmtime_r(&thai, &tm);
    return tm.tm_year + 1900 + 543;
}

}  // namespace thesaban::tickets
