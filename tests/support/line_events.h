#pragma once
// Webhook bodies shaped as LINE sends them (webhook.yml), for integration tests.
#include <string>
#include <vector>

namespace thesaban::testing {

struct EventSource {
    std::string user_id = "U0123456789abcdef0123456789abcdef";
    std::string group_id;  // set: the event comes from this group
};

// A unique webhookEventId (ULID-like, 26 characters) and a 32-hex reply token.
std::string new_event_id();
std::string new_reply_token();
long long now_ms();

// Each returns one event object; `event_id` and `reply_token` empty → fresh ones; reply_token "-" → none.
std::string follow_event(const EventSource& source, const std::string& reply_token, const std::string& event_id = {});
std::string text_event(const EventSource& source, const std::string& text, const std::string& reply_token,
                       const std::string& event_id = {}, bool standby = false, bool redelivery = false);
std::string sticker_event(const EventSource& source, const std::string& reply_token);
std::string postback_event(const EventSource& source, const std::string& data, const std::string& reply_token);
std::string location_event(const EventSource& source, double latitude, double longitude, const std::string& title,
                           const std::string& address, const std::string& reply_token);
// An image message whose content LINE serves under `message_id`.
std::string image_event(const EventSource& source, const std::string& message_id, const std::string& reply_token);
std::string raw_event(const std::string& type, const EventSource& source, const std::string& extra_members);

std::string webhook_body(const std::vector<std::string>& events);

}  // namespace thesaban::testing
