#include "handlers/common/main_menu.h"

#include <utility>

#include "core/text.h"

namespace thesaban::handlers {

void attach_quick_reply(json::Document& message, const std::vector<config::MenuItem>& items) {
    auto& a = message.GetAllocator();
    json::Value list(rapidjson::kArrayType);
    std::size_t count = 0;
    for (const auto& item : items) {
        if (++count > 13) break;
        json::Value action(rapidjson::kObjectType);
        action.AddMember("type", "message", a);
        action.AddMember("label", json::make_string(text::truncate_utf16(item.label, 20), a), a);
        action.AddMember("text", json::make_string(item.text, a), a);
        list.PushBack(quick_reply_item(std::move(action), a), a);
    }
    set_quick_reply(message, list);
}

json::Value quick_reply_item(json::Value action, json::Document::AllocatorType& a) {
    json::Value item(rapidjson::kObjectType);
    item.AddMember("type", "action", a);
    item.AddMember("action", action, a);
    return item;
}

void set_quick_reply(json::Document& message, json::Value& items) {
    if (items.Empty()) return;
    auto& a = message.GetAllocator();
    json::Value quick_reply(rapidjson::kObjectType);
    quick_reply.AddMember("items", items, a);
    message.RemoveMember("quickReply");
    message.AddMember("quickReply", quick_reply, a);
}

json::Document text_message(const std::string& text) {
    json::Document message;
    message.SetObject();
    auto& a = message.GetAllocator();
    message.AddMember("type", "text", a);
    message.AddMember("text", json::make_string(text::truncate_utf16(text, 5000), a), a);
    return message;
}

}  // namespace thesaban::handlers
