#pragma once
// The one check every unit test applies to the messages the bot produces (is it one LINE would
// accept, with nothing left unfilled?), and small readers of those messages.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/json.h"
#include "core/text.h"
#include "line/message_limits.h"

namespace thesaban::testing {

// Problems LINE (or a resident) would have with one message we send; empty when it is fine.
// Beyond what line::check_messages refuses before sending: no unfilled {{placeholder}}, image URLs
// over HTTPS, only text/image/flex messages, quick reply of 1..13 items, every action label (quick
// reply and flex buttons) of 1..20 UTF-16 units, postback data of at most 300 bytes, no empty text
// component anywhere in a flex message.
inline std::vector<std::string> line_message_problems(const std::string& message_json) {
    std::vector<std::string> problems;
    if (auto problem = line::check_messages({message_json})) problems.push_back(*problem);
    json::Document doc;
    std::string error;
    if (!json::parse(message_json, doc, &error) || !doc.IsObject() || !json::get_string(doc, "type")) {
        problems.push_back("not a JSON message object (" + error + "): " + message_json);
        return problems;
    }
    const std::string type(*json::get_string(doc, "type"));
    if (message_json.find("{{") != std::string::npos) problems.push_back("unfilled placeholder");
    if (type == "text") {
        auto t = json::get_string(doc, "text");
        if (!t || t->empty() || text::utf16_length(*t) > line::kMaxTextUnits) problems.push_back("text of 1..5000");
    } else if (type == "image") {
        // LINE fetches both over HTTPS; a 2000-character URL limit applies to each.
        for (const char* key : {"originalContentUrl", "previewImageUrl"}) {
            auto url = json::get_string(doc, key).value_or("");
            if (url.rfind("https://", 0) != 0 || url.size() > 2000)
                problems.push_back(std::string(key) +
                                   " is not an https URL of at most 2000 bytes: " + std::string(url));
        }
    } else if (type == "flex") {
        if (json::get_string(doc, "altText").value_or("").empty()) problems.push_back("flex without altText");
    } else {
        problems.push_back("unexpected message type " + type);
    }
    if (const json::Value* qr = json::get_object(doc, "quickReply")) {
        const json::Value* items = json::get_array(*qr, "items");
        if (!items || items->Empty() || items->Size() > line::kMaxQuickReplyItems)
            problems.push_back("quick reply must have 1..13 items");
    }
    std::vector<const json::Value*> stack{&doc};
    while (!stack.empty()) {
        const json::Value* v = stack.back();
        stack.pop_back();
        if (v->IsObject()) {
            const auto v_type = json::get_string(*v, "type").value_or("");
            const json::Value* action = json::get_object(*v, "action");
            const bool shows_label = v_type == "button" || v_type == "action";  // flex button, quick reply item
            if (shows_label && !action) problems.push_back(std::string(v_type) + " without action");
            if (action) {
                // A uri action on a box or image needs no label; every other action shows one.
                auto label = json::get_string(*action, "label");
                if (json::get_string(*action, "type").value_or("") != "uri" || label || shows_label) {
                    if (!label || label->empty() || text::utf16_length(*label) > 20)
                        problems.push_back("action label of 1..20: " + std::string(label.value_or("(none)")));
                }
            }
            if (auto data = json::get_string(*v, "data"); data && data->size() > 300)
                problems.push_back("data over 300 bytes");
            if (v_type == "text" && v != &doc && json::get_string(*v, "text").value_or("").empty())
                problems.push_back("empty flex text");
            for (auto it = v->MemberBegin(); it != v->MemberEnd(); ++it) stack.push_back(&it->value);
        } else if (v->IsArray()) {
            for (const auto& item : v->GetArray()) stack.push_back(&item);
        }
    }
    return problems;
}

inline void expect_valid_line_message(const std::string& message_json) {
    const auto problems = line_message_problems(message_json);
    std::string listed;
    for (const auto& p : problems) listed += p + "\n";
    EXPECT_TRUE(problems.empty()) << listed << message_json;
}

inline json::Document parsed(const std::string& message_json) {
    json::Document doc;
    json::parse(message_json, doc);
    return doc;
}

// The text of a text message; empty for any other message.
inline std::string text_of(const std::string& message_json) {
    auto doc = parsed(message_json);
    return std::string(json::get_string(doc, "text").value_or(""));
}

// `field` of each quick reply button's action ("" where it has none), in order.
inline std::vector<std::string> quick_reply_actions(const std::string& message_json, const char* field) {
    std::vector<std::string> out;
    auto doc = parsed(message_json);
    const json::Value* qr = json::get_object(doc, "quickReply");
    const json::Value* items = qr ? json::get_array(*qr, "items") : nullptr;
    if (!items) return out;
    for (const auto& item : items->GetArray()) {
        const json::Value* action = json::get_object(item, "action");
        out.emplace_back(action ? json::get_string(*action, field).value_or("") : "");
    }
    return out;
}

}  // namespace thesaban::testing
