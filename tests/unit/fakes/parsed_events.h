#pragma once
// Events as the webhook parser produces them (line::Event, not webhook JSON: for that see
// tests/support/line_events.h), for unit tests that hand events straight to a handler.
#include <string>

#include "line/webhook.h"

namespace thesaban::testing::parsed_events {

// An event of `kind` from `user_id`, in `group_id` when not empty, with a reply token.
inline line::Event event_from(line::EventKind kind, const std::string& user_id, const std::string& group_id = "") {
    line::Event e;
    e.kind = kind;
    e.type = line::event_kind_name(kind);
    e.source.type = group_id.empty() ? line::Source::Type::user : line::Source::Type::group;
    e.source.user_id = user_id;
    e.source.group_id = group_id;
    e.reply_token = "r";
    return e;
}

inline line::Event postback_event(const std::string& user_id, const std::string& group_id, const std::string& data) {
    line::Event e = event_from(line::EventKind::postback, user_id, group_id);
    e.payload = line::Postback{data, {}, {}, {}, {}, {}};
    return e;
}

inline line::Event text_event(const std::string& user_id, const std::string& group_id, const std::string& text) {
    line::Event e = event_from(line::EventKind::message, user_id, group_id);
    line::TextMessage body;
    body.text = text;
    e.payload = line::MessageContent{"m1", body};
    return e;
}

inline line::Event image_event(const std::string& user_id, const std::string& group_id, const std::string& message_id) {
    line::Event e = event_from(line::EventKind::message, user_id, group_id);
    line::ImageMessage body;
    body.provider.type = "line";
    e.payload = line::MessageContent{message_id, body};
    return e;
}

// follow or unfollow, without a reply token (unfollow events never have one).
inline line::Event follow_event(const std::string& user_id, line::EventKind kind) {
    line::Event e = event_from(kind, user_id);
    e.reply_token.reset();
    return e;
}

}  // namespace thesaban::testing::parsed_events
