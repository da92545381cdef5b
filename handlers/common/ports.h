#pragma once
// The narrow interfaces conversation handlers work through. Production implementations sit in
// src/ (Redis, LINE); unit tests give in-memory ones. None of them exposes a socket.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tickets/ticket.h"

namespace thesaban::handlers {

class Clock {
public:
    virtual ~Clock() = default;
    virtual int64_t now_ms() const = 0;
};

// Per-conversation state (JSON text) that expires after the configured idle time. The key is the
// chat for a 1:1 chat, and chat + user inside a group (each officer has their own conversation).
class ConversationStore {
public:
    virtual ~ConversationStore() = default;
    virtual std::optional<std::string> load(const std::string& key) = 0;
    virtual void save(const std::string& key, const std::string& state_json) = 0;
    virtual void clear(const std::string& key) = 0;
};

// Durable pushes: stored first, then delivered with retries, so a LINE outage delays a message
// but never loses it. `dedup_key` makes a repeated enqueue (an event processed again after a
// crash) a no-op and becomes the X-Line-Retry-Key.
class Notifier {
public:
    virtual ~Notifier() = default;
    virtual void push(const std::string& to, const std::vector<std::string>& messages, const std::string& dedup_key) = 0;
    // A reply whose outcome is unknown (LINE timed out or failed): tried again with the same token
    // until `reply_until_ms` (a spent token then means it had gone out), then pushed.
    virtual void reply_or_push(const std::string& to, const std::vector<std::string>& messages,
                               const std::string& dedup_key, const std::string& reply_token, int64_t reply_until_ms) {
        (void)reply_token;
        (void)reply_until_ms;
        push(to, messages, dedup_key);
    }
};

// How many messages a resident may send: each 1:1 message or button tap is counted; past the
// limit the first gets a notice, the rest are ignored until a quiet period is over.
class MessageRateLimiter {
public:
    enum class Verdict { allowed, notice, ignore };
    virtual ~MessageRateLimiter() = default;
    virtual Verdict check(const std::string& user_id) = 0;
};

// Photos residents and officers send: fetched from LINE's content API, checked and kept under
// DATA_DIR, addressed by an unguessable token.
class MediaStore {
public:
    virtual ~MediaStore() = default;
    // The token of the stored image, or nullopt when it could not be fetched or is not an image.
    virtual std::optional<std::string> save_line_image(const std::string& message_id) = 0;
    // True while the last save failed because the disk would not take the file (full, read-only):
    // the resident is told to try later, not that the photo was bad.
    virtual bool storage_unavailable() const { return false; }
    // PUBLIC_BASE_URL/media/<token>
    virtual std::string public_url(const std::string& token) const = 0;
};

// Images made for one resident (payment QR codes): served at an unguessable link that stops
// working after `ttl`, so an old chat screenshot does not keep a payment link alive.
class ExpiringImages {
public:
    virtual ~ExpiringImages() = default;
    // The public URL of the stored PNG, or nullopt when it could not be stored.
    virtual std::optional<std::string> publish_png(std::string_view png, std::chrono::seconds ttl) = 0;
};

class ProfileLookup {
public:
    virtual ~ProfileLookup() = default;
    // The LINE display name, or empty when unknown.
    virtual std::string display_name(const std::string& user_id) = 0;
};

// Tells the department a new ticket has arrived (its LINE group gets the officers' card).
class TicketAnnouncer {
public:
    virtual ~TicketAnnouncer() = default;
    virtual void ticket_created(const tickets::Ticket& ticket, const std::string& dedup_key) = 0;
};

}  // namespace thesaban::handlers
