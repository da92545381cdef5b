#pragma once
// LINE's documented request rules, written from the Messaging API reference and its OpenAPI file,
// deliberately independent of src/line/: a bug in the bot's own limit checks must not hide behind
// the same bug here. Pure functions, no I/O.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"

namespace fake_line {

// The JSON endpoints whose bodies are checked.
enum class Endpoint { reply, push, multicast, broadcast, narrowcast, loading };

// One entry of the 400 answer's "details": property in LINE's form ("messages[0].text").
struct Violation {
    std::string message;
    std::string property;
};

namespace limits {
inline constexpr std::size_t kRequestBytes = 2 * 1024 * 1024;  // #status-codes: "max size of 2MB" (413)
inline constexpr std::size_t kMessagesMax = 5;                 // messages: minItems 1, maxItems 5
inline constexpr std::size_t kMulticastToMax = 500;            // MulticastRequest.to: 1..500
inline constexpr std::size_t kTextUnits = 5000;                // #text-message: max 5000 (UTF-16 units)
inline constexpr std::size_t kAltTextUnits = 1500;             // #flex-message, #template-messages, #imagemap-message
inline constexpr std::size_t kBubbleBytes = 30 * 1024;         // #bubble: "maximum size of JSON data ... 30 KB"
inline constexpr std::size_t kCarouselBytes = 50 * 1024;       // #f-carousel: 50 KB
inline constexpr std::size_t kCarouselBubbles = 12;            // #f-carousel: max 12 bubbles
inline constexpr std::size_t kQuickReplyItems = 13;            // #items-object: max 13
inline constexpr std::size_t kQuickReplyLabel = 20;            // #quick-reply-button-object, label spec
inline constexpr std::size_t kFlexButtonLabel = 40;            // #action-objects: Flex button label 40
inline constexpr std::size_t kTemplateLabel = 20;              // #action-objects: template label 20
inline constexpr std::size_t kImageCarouselLabel = 12;         // #action-objects: image carousel label 12
}  // namespace limits

// Checks a parsed request body against LINE's rules for `endpoint`; empty when valid.
std::vector<Violation> validate_request(Endpoint endpoint, const thesaban::json::Value& body);

// Characters as the "Character counting in a text" docs page counts labels: grapheme clusters,
// approximated by code points that do not combine with the one before (Thai vowels and tone
// marks, combining diacritics, variation selectors, emoji modifiers, ZWJ sequences).
std::size_t grapheme_count(std::string_view utf8);

// 8-4-4-4-12 hex digits, either case (#retry-api-request: the key is a UUID).
bool is_uuid(std::string_view s);

}  // namespace fake_line
