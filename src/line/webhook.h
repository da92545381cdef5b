#pragma once
// LINE webhook bodies as typed structures. Every event type of LINE's webhook.yml plus
// `messageEdited` is parsed; types LINE adds later become EventKind::unknown and are ignored
// by the dispatcher, never an error.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/json.h"

namespace thesaban::line {

struct Source {
    enum class Type { user, group, room, unknown };
    Type type = Type::unknown;
    std::string user_id;   // may be empty in groups/rooms when the user has not consented
    std::string group_id;
    std::string room_id;
    // The conversation a reply or push goes to: group id, room id, else user id.
    const std::string& chat_id() const;
};

struct TextMessage {
    std::string text;
    std::string quote_token;
    std::optional<std::string> quoted_message_id;
    std::vector<std::string> mentioned_user_ids;  // mentionees of type "user" with a userId
    bool mentions_self = false;                   // a mentionee with isSelf = true (the bot)
};
struct ContentProvider {
    std::string type;  // "line" (download through the content API) or "external"
    std::string original_url;
    std::string preview_url;
};
struct ImageMessage {
    ContentProvider provider;
    std::string quote_token;
    std::optional<std::string> image_set_id;
    int image_set_index = 0;
    int image_set_total = 0;
};
struct VideoMessage { ContentProvider provider; int64_t duration_ms = 0; std::string quote_token; };
struct AudioMessage { ContentProvider provider; int64_t duration_ms = 0; };
struct FileMessage { std::string file_name; int64_t file_size = 0; };
struct LocationMessage { std::string title; std::string address; double latitude = 0; double longitude = 0; };
struct StickerMessage { std::string package_id; std::string sticker_id; std::string resource_type; std::vector<std::string> keywords; std::string text; std::string quote_token; };
struct UnknownMessage { std::string type; };

struct MessageContent {
    std::string id;
    std::variant<TextMessage, ImageMessage, VideoMessage, AudioMessage, FileMessage, LocationMessage, StickerMessage,
                 UnknownMessage>
        body;
};

struct Postback {
    std::string data;
    std::optional<std::string> date, time, datetime;               // datetime picker answers
    std::optional<std::string> new_rich_menu_alias_id, rich_menu_status;
};

struct Beacon { std::string hwid; std::string type; std::string dm; };
struct AccountLink { std::string result; std::string nonce; };
struct Members { std::vector<std::string> user_ids; };
struct Unsend { std::string message_id; };
struct VideoPlayComplete { std::string tracking_id; };
struct Follow { bool is_unblocked = false; };
struct Membership { std::string type; int64_t membership_id = 0; };
struct Module { std::string type; std::string json; };  // attached/detached: kept as JSON
struct PnpDelivery { std::string delivery_tag; };
struct NoPayload {};

enum class EventKind {
    message, message_edited, unsend, follow, unfollow, join, leave, member_joined, member_left, postback,
    video_play_complete, beacon, account_link, membership, module, activated, deactivated, bot_suspended,
    bot_resumed, pnp_delivery_completion, unknown
};

struct Event {
    EventKind kind = EventKind::unknown;
    std::string type;  // LINE's "type" string as received
    std::string webhook_event_id;
    int64_t timestamp_ms = 0;
    bool standby = false;      // mode == "standby": another channel answers, we send nothing
    bool is_redelivery = false;
    Source source;
    std::optional<std::string> reply_token;
    std::variant<NoPayload, MessageContent, Postback, Beacon, AccountLink, Members, Unsend, VideoPlayComplete, Follow,
                 Membership, Module, PnpDelivery>
        payload;
    std::string raw_json;  // the event object exactly as LINE sent it (compact), for durable queuing
};

struct WebhookBody {
    std::string destination;
    std::vector<Event> events;
};

enum class ParseStatus { ok, malformed };

// Parses a webhook body whose signature has already been verified. `malformed` only when the body
// is not JSON or lacks the top-level shape (object with an `events` array); a single event of
// unexpected shape is skipped and logged, an unknown type becomes EventKind::unknown.
ParseStatus parse_webhook(std::string_view body, WebhookBody& out, std::string* error = nullptr);
// Parses one event object (as stored in raw_json); nullopt if it is not an object.
std::optional<Event> parse_event(std::string_view event_json);

const char* event_kind_name(EventKind kind);

}  // namespace thesaban::line
