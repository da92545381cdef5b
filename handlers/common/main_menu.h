#pragma once
// The main menu as LINE quick reply buttons, attached to any message the bot sends.
#include <string>
#include <vector>

#include "config/config.h"
#include "core/json.h"

namespace thesaban::handlers {

// Adds `quickReply` with one message action per menu item (at most 13, LINE's limit).
void attach_quick_reply(json::Document& message, const std::vector<config::MenuItem>& items);

// One quick reply item, {"type":"action","action":...}, around `action`.
json::Value quick_reply_item(json::Value action, json::Document::AllocatorType& a);

// Replaces `message`'s quickReply with `items` (an array of quick_reply_item); leaves the message as
// it is when `items` is empty, as LINE refuses a quick reply without items.
void set_quick_reply(json::Document& message, json::Value& items);

// A plain text message (clamped to LINE's 5000 UTF-16 units).
json::Document text_message(const std::string& text);

}  // namespace thesaban::handlers
