#pragma once
// A municipal announcement (plan items 5.5 and 13.2): what an officer wrote, whom it goes to, and
// how its delivery is split. A broadcast is one chunk with no recipients; a topic's announcement is
// multicast in chunks of at most 500 (LINE's limit). Chunk membership and each chunk's
// X-Line-Retry-Key are fixed once, when the announcement is planned, so a send repeated after a
// crash reuses the same key and LINE answers 409 instead of delivering twice.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace thesaban::announcements {

// Limits chosen so the rendered bubble stays far below LINE's 30 KB (a Thai character is 3 bytes of
// UTF-8, and JSON escaping can double that) and the altText below 1500 UTF-16 units.
inline constexpr std::size_t kMaxTitleUnits = 100;
inline constexpr std::size_t kMaxBodyUnits = 2000;
inline constexpr std::size_t kMaxUrlBytes = 1000;  // LINE's URI action limit
inline constexpr std::size_t kMulticastChunkSize = 500;
// A send_at this far in the past is refused (a clock skew or a typo, not "send now").
inline constexpr int64_t kSendAtGraceMs = 60 * 1000;

struct Draft {
    std::string title;
    std::string body;
    std::string image_url;   // optional, https
    std::string link_url;    // optional, https
    std::string topic;       // empty: broadcast to every friend
    int64_t send_at_ms = 0;  // 0: now
};

enum class ChunkState { pending, sent, failed };
std::string_view chunk_state_key(ChunkState state);
std::optional<ChunkState> chunk_state_from_key(std::string_view key);

// One LINE request: a broadcast (no `to`) or a multicast to at most 500 users.
struct Chunk {
    std::vector<std::string> to;
    std::string retry_key;  // a UUID, saved with the chunk
};

// What happened to a chunk (kept apart from its recipient list, which never changes).
struct ChunkDelivery {
    ChunkState state = ChunkState::pending;
    std::string request_id;  // LINE's X-Line-Request-Id of the accepted request
    int attempts = 0;
    int status = 0;  // the last HTTP status
    std::string error;
    int64_t at_ms = 0;  // when it was sent or failed for good
    std::size_t recipients = 0;
};

enum class Status { scheduled, sending, sent, failed };
std::string_view status_key(Status status);
std::optional<Status> status_from_key(std::string_view key);

struct Announcement {
    std::string id;
    Draft draft;
    std::string created_by;  // "api" or the officer's LINE user id
    int64_t created_at_ms = 0;
    Status status = Status::scheduled;
    bool planned = false;
    int64_t finished_at_ms = 0;
    std::vector<ChunkDelivery> chunks;  // filled once planned
};

struct ValidationError {
    std::string field;
    std::string message;
};

// Checks a draft against the limits above and the configured topic keys.
std::optional<ValidationError> validate(const Draft& draft, const std::vector<std::string>& topics, int64_t now_ms);

// Reads the admin API's JSON body {title, body, image_url?, link_url?, topic?, send_at?} and validates it.
std::optional<ValidationError> parse_draft(std::string_view json_text, const std::vector<std::string>& topics,
                                           int64_t now_ms, Draft& out);

// "2026-12-02T10:30:00+07:00", "...Z", optional fractional seconds; nullopt when not ISO 8601 with an offset.
std::optional<int64_t> parse_iso8601(std::string_view text);
// UTC, "2026-12-02T03:30:00Z".
std::string format_iso8601(int64_t epoch_ms);

// Splits the recipients into multicast chunks of at most `chunk_size`, each with a fresh retry key.
// Duplicates are dropped first, so nobody is in two chunks.
std::vector<Chunk> plan_multicast(std::vector<std::string> recipients, std::size_t chunk_size = kMulticastChunkSize);
Chunk plan_broadcast();

// JSON for the store and the admin API.
std::string announcement_to_json(const Announcement& announcement, bool with_chunks = true);
bool announcement_from_json(std::string_view text, Announcement& out);
std::string chunk_to_json(const Chunk& chunk);
bool chunk_from_json(std::string_view text, Chunk& out);
std::string delivery_to_json(const ChunkDelivery& delivery);
bool delivery_from_json(std::string_view text, ChunkDelivery& out);

}  // namespace thesaban::announcements
