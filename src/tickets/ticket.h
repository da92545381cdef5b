#pragma once
// A resident's complaint or streetlight report, and the rules of its life cycle.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace thesaban::tickets {

// รอรับเรื่อง → รับเรื่องแล้ว → กำลังดำเนินการ → เสร็จสิ้น, plus ส่งต่อ (to another department, which
// then receives it as รอรับเรื่อง) and ปิดเรื่อง with a reason.
enum class Status { received, accepted, in_progress, done, forwarded, closed };

const char* status_key(Status status);                      // "received", "accepted", ...
std::optional<Status> status_from_key(std::string_view key);
bool is_open(Status status);                                // not done and not closed
// Whether an officer may move a ticket from `from` to `to`.
bool transition_allowed(Status from, Status to);

enum class CloseReason { out_of_scope, duplicate, cancelled_by_reporter };
const char* close_reason_key(CloseReason reason);  // "out_of_scope", "duplicate", "cancelled_by_reporter"
std::optional<CloseReason> close_reason_from_key(std::string_view key);

struct GeoPoint {
    double latitude = 0;
    double longitude = 0;
    std::string title;    // from a LINE location message
    std::string address;
};

struct HistoryEntry {
    int64_t at_ms = 0;
    std::string actor;       // LINE user id of the resident or officer, or "system"
    std::string actor_name;  // display name at the time (officers), for the history view
    Status status = Status::received;
    std::string department;
    std::string note;
};

// What a resident's conversation produces; the store turns it into a Ticket.
struct TicketDraft {
    std::string kind;        // "complaint" or "streetlight"
    std::string category;    // complaint category key, or "streetlight"
    std::string department;  // department key
    std::string description;
    std::optional<GeoPoint> location;
    std::string place_text;  // a typed pole number or landmark
    std::string fault;       // streetlight fault key
    std::vector<std::string> photo_tokens;  // media tokens (see MediaStore)
    std::string phone;       // only when the resident consented to give it
    std::string reporter_user_id;
    std::string reporter_name;
};

struct Ticket : TicketDraft {
    std::string id;  // PNK-2569-000123
    Status status = Status::received;
    int64_t created_ms = 0;
    int64_t updated_ms = 0;
    std::string assigned_officer;  // LINE user id of whoever accepted it
    std::string assigned_officer_name;
    std::string close_reason;      // close_reason_key when closed
    std::string resolution_note;
    std::vector<std::string> after_photo_tokens;
    int rating = 0;  // 1–5 once rated
    std::string rating_comment;
    std::vector<std::string> followers;  // LINE user ids told of changes besides the reporter
    std::vector<HistoryEntry> history;
};

// "PNK-2569-000123": prefix, Buddhist Era year, six-digit sequence.
std::string format_ticket_id(const std::string& prefix, int buddhist_year, long long sequence);
// The Buddhist Era year in Thailand (UTC+7) at `epoch_ms`.
int buddhist_year_at(int64_t epoch_ms);

}  // namespace thesaban::tickets
