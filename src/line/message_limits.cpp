#include "line/message_limits.h"

#include <cstring>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "core/json.h"
#include "core/text.h"

namespace thesaban::line {
namespace {

using Problem = std::optional<std::string>;

// Messages that passed check_message, by length, so a lookup compares only same-length candidates.
// Written at start-up, read on every send.
struct Prechecked {
    std::shared_mutex mutex;
    std::unordered_map<std::size_t, std::vector<std::string>> by_size;
    std::size_t count = 0;
};
Prechecked& prechecked() {
    static Prechecked registry;
    return registry;
}

bool is_prechecked(const std::string& message) {
    auto& registry = prechecked();
    std::shared_lock lock(registry.mutex);
    if (registry.count == 0) return false;
    auto it = registry.by_size.find(message.size());
    if (it == registry.by_size.end()) return false;
    for (const auto& known : it->second) {
        if (std::memcmp(known.data(), message.data(), message.size()) == 0) return true;
    }
    return false;
}

std::string units_text(std::size_t units) { return std::to_string(units) + " UTF-16 units"; }

Problem check_alt_text(const json::Value& message) {
    auto alt = json::get_string(message, "altText");
    if (!alt || alt->empty()) return "altText missing or empty";
    std::size_t units = text::utf16_length(*alt);
    if (units > kMaxAltTextUnits) return "altText has " + units_text(units) + ", limit " + units_text(kMaxAltTextUnits);
    return std::nullopt;
}

// Counts the bytes a Writer would produce without keeping them: LINE's limits are on the compact JSON.
struct CountingStream {
    using Ch = char;
    std::size_t bytes = 0;
    void Put(char) { ++bytes; }
    void Flush() {}
};

std::size_t compact_size(const json::Value& value) {
    CountingStream counter;
    rapidjson::Writer<CountingStream> writer(counter);
    value.Accept(writer);
    return counter.bytes;
}

Problem check_bubble(const json::Value& bubble, std::string_view where) {
    std::size_t bytes = compact_size(bubble);
    if (bytes > kMaxBubbleBytes) {
        return std::string(where) + " is " + std::to_string(bytes) + " bytes of JSON, limit " +
               std::to_string(kMaxBubbleBytes);
    }
    return std::nullopt;
}

Problem check_flex(const json::Value& message) {
    if (auto p = check_alt_text(message)) return p;
    const json::Value* contents = json::get_object(message, "contents");
    if (!contents) return "flex message without contents object";
    auto type = json::get_string(*contents, "type");
    if (type == "bubble") return check_bubble(*contents, "bubble");
    if (type != "carousel") return "flex contents type must be bubble or carousel";
    const json::Value* bubbles = json::get_array(*contents, "contents");
    if (!bubbles || bubbles->Empty()) return "carousel without bubbles";
    if (bubbles->Size() > kMaxCarouselBubbles) {
        return "carousel has " + std::to_string(bubbles->Size()) + " bubbles, limit " +
               std::to_string(kMaxCarouselBubbles);
    }
    for (rapidjson::SizeType i = 0; i < bubbles->Size(); ++i) {
        if (auto p = check_bubble((*bubbles)[i], "carousel bubble " + std::to_string(i + 1))) return p;
    }
    std::size_t bytes = compact_size(*contents);
    if (bytes > kMaxCarouselBytes) {
        return "carousel is " + std::to_string(bytes) + " bytes of JSON, limit " + std::to_string(kMaxCarouselBytes);
    }
    return std::nullopt;
}

Problem check_quick_reply(const json::Value& message) {
    if (!message.HasMember("quickReply")) return std::nullopt;
    const json::Value* quick_reply = json::get_object(message, "quickReply");
    const json::Value* items = quick_reply ? json::get_array(*quick_reply, "items") : nullptr;
    if (!items) return "quickReply without items array";
    if (items->Size() > kMaxQuickReplyItems) {
        return "quickReply has " + std::to_string(items->Size()) + " items, limit " +
               std::to_string(kMaxQuickReplyItems);
    }
    for (rapidjson::SizeType i = 0; i < items->Size(); ++i) {
        std::string where = "quickReply item " + std::to_string(i + 1);
        const json::Value* action = json::get_object((*items)[i], "action");
        if (!action) return where + " has no action";
        auto label = json::get_string(*action, "label");
        if (!label || label->empty()) return where + " has no label";
        std::size_t units = text::utf16_length(*label);
        if (units > kMaxQuickReplyLabelUnits) {
            return where + " label has " + std::to_string(units) + " characters, limit " +
                   std::to_string(kMaxQuickReplyLabelUnits);
        }
    }
    return std::nullopt;
}

Problem check_message(std::string_view text) {
    json::Document doc;
    std::string parse_error;
    if (!json::parse(text, doc, &parse_error)) return "not valid JSON (" + parse_error + ")";
    if (!doc.IsObject()) return "not a JSON object";
    auto type = json::get_string(doc, "type");
    if (!type || type->empty()) return "no type";
    if (*type == "text" || *type == "textV2") {
        auto body = json::get_string(doc, "text");
        if (!body || body->empty()) return "text missing or empty";
        std::size_t units = text::utf16_length(*body);
        if (units > kMaxTextUnits) return "text has " + units_text(units) + ", limit " + units_text(kMaxTextUnits);
    } else if (*type == "flex") {
        if (auto p = check_flex(doc)) return p;
    } else if (*type == "template" || *type == "imagemap") {
        if (auto p = check_alt_text(doc)) return p;
    }
    return check_quick_reply(doc);
}

}  // namespace

std::optional<std::string> check_messages(const std::vector<std::string>& messages) {
    if (messages.empty()) return "no messages";
    if (messages.size() > kMaxMessagesPerRequest) {
        return std::to_string(messages.size()) + " messages, limit " + std::to_string(kMaxMessagesPerRequest);
    }
    for (std::size_t i = 0; i < messages.size(); ++i) {
        if (is_prechecked(messages[i])) continue;
        if (auto p = check_message(messages[i])) return "message " + std::to_string(i + 1) + ": " + *p;
    }
    return std::nullopt;
}

std::optional<std::string> precheck_message(const std::string& message) {
    if (auto p = check_message(message)) return p;
    if (is_prechecked(message)) return std::nullopt;
    auto& registry = prechecked();
    std::unique_lock lock(registry.mutex);
    if (registry.count >= kMaxPrecheckedMessages) return std::nullopt;
    registry.by_size[message.size()].push_back(message);
    ++registry.count;
    return std::nullopt;
}

std::string clamp_text(std::string_view text, std::size_t max_units) { return text::truncate_utf16(text, max_units); }

}  // namespace thesaban::line
