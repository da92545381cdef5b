#include "support/resident.h"

#include <atomic>
#include <stdexcept>
#include <thread>

#include "core/json.h"

namespace thesaban::testing {
namespace {

void collect(const json::Value& v, BotMessage& out, bool inside_action) {
    if (v.IsObject()) {
        for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
            std::string key(it->name.GetString(), it->name.GetStringLength());
            if ((key == "action" || key == "defaultAction") && it->value.IsObject()) {
                const auto& a = it->value;
                Action action;
                action.type = json::get_string(a, "type").value_or("");
                action.label = json::get_string(a, "label").value_or("");
                action.text = json::get_string(a, "text").value_or("");
                action.data = json::get_string(a, "data").value_or("");
                action.uri = json::get_string(a, "uri").value_or("");
                if (key == "action") out.actions.push_back(action);
                continue;
            }
            if (!inside_action && (key == "text" || key == "altText") && it->value.IsString()) {
                out.visible_text += std::string(it->value.GetString(), it->value.GetStringLength()) + "\n";
                continue;
            }
            collect(it->value, out, inside_action || key == "quickReply");
        }
    } else if (v.IsArray()) {
        for (const auto& e : v.GetArray()) collect(e, out, inside_action);
    }
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

}  // namespace

std::string sample_jpeg() {
    std::string bytes = "\xFF\xD8\xFF\xE0";
    bytes += std::string("\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00", 16);
    bytes += std::string(512, '\x11');
    bytes += "\xFF\xD9";
    return bytes;
}

std::vector<BotMessage> Resident::messages() {
    const std::string chat = source_.group_id.empty() ? source_.user_id : source_.group_id;
    std::vector<BotMessage> out;
    auto calls = line_.requests();
    for (const auto& call : calls.GetArray()) {
        auto status = json::get_int(call, "status").value_or(0);
        if (status < 200 || status >= 300) continue;
        std::string path(json::get_string(call, "path").value_or(""));
        bool to_chat = false;
        if (path == "/v2/bot/message/reply") {
            // A reply lands in the chat its token came from: the group for a group event.
            if (const json::Value* reply_to = json::get_object(call, "replyTo")) {
                auto group = json::get_string(*reply_to, "groupId");
                to_chat = source_.group_id.empty()
                              ? (!group && json::get_string(*reply_to, "userId").value_or("") == chat)
                              : (group.value_or("") == chat);
            }
        } else if (path == "/v2/bot/message/push") {
            const json::Value* body = json::get_object(call, "body");
            to_chat = body && json::get_string(*body, "to").value_or("") == chat;
        } else if (path == "/v2/bot/message/multicast" || path == "/v2/bot/message/broadcast") {
            const json::Value* body = json::get_object(call, "body");
            if (body && source_.group_id.empty()) {
                if (path == "/v2/bot/message/broadcast") {
                    to_chat = true;
                } else if (const json::Value* to = json::get_array(*body, "to")) {
                    for (const auto& id : to->GetArray())
                        if (id.IsString() && id.GetString() == chat) to_chat = true;
                }
            }
        }
        if (!to_chat) continue;
        const json::Value* body = json::get_object(call, "body");
        const json::Value* list = body ? json::get_array(*body, "messages") : nullptr;
        if (!list) continue;
        for (const auto& m : list->GetArray()) {
            BotMessage message;
            message.json = json::to_string(m);
            collect(m, message, false);
            out.push_back(std::move(message));
        }
    }
    return out;
}

std::vector<BotMessage> Resident::wait_for_messages_after(std::size_t seen, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::size_t count = seen;
    auto quiet_since = std::chrono::steady_clock::now();
    bool any = false;
    while (std::chrono::steady_clock::now() < deadline) {
        std::size_t now_count = messages().size();
        if (now_count != count) {
            count = now_count;
            quiet_since = std::chrono::steady_clock::now();
            any = count > seen;
        }
        if (any && std::chrono::steady_clock::now() - quiet_since > std::chrono::milliseconds(300)) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
    }
    auto all = messages();
    return std::vector<BotMessage>(all.begin() + static_cast<long>(std::min(seen, all.size())), all.end());
}

std::vector<BotMessage> Resident::send(const std::string& event_json) {
    std::size_t seen = messages().size();
    sent_events_.push_back(event_json);
    auto result = bots_[sent_++ % bots_.size()]->post_webhook(webhook_body({event_json}));
    if (result.status != 200) throw std::runtime_error("webhook refused: " + std::to_string(result.status));
    return wait_for_messages_after(seen);
}

std::string fresh_token(FakeLine& line, const EventSource& source) {
    std::string token = new_reply_token();
    line.register_reply_token(token, source.user_id, source.group_id);
    return token;
}

std::vector<BotMessage> Resident::say(const std::string& text) {
    return send(text_event(source_, text, fresh_token(line_, source_)));
}

std::vector<BotMessage> Resident::postback(const std::string& data) {
    return send(postback_event(source_, data, fresh_token(line_, source_)));
}

std::vector<BotMessage> Resident::send_location(double latitude, double longitude, const std::string& title) {
    return send(location_event(source_, latitude, longitude, title, "ต.พรรณา อ.พรรณานิคม จ.สกลนคร",
                               fresh_token(line_, source_)));
}

std::vector<BotMessage> Resident::send_sticker() { return send(sticker_event(source_, fresh_token(line_, source_))); }

std::vector<BotMessage> Resident::send_image(const std::string& bytes, const std::string& content_type) {
    static std::atomic<long long> next_id{700000000000000000LL};
    std::string id = std::to_string(++next_id);
    line_.put_content(id, content_type, bytes);
    return send(image_event(source_, id, fresh_token(line_, source_)));
}

std::vector<BotMessage> Resident::act(const Action& action, const Plan* plan) {
    if (action.type == "postback") return postback(action.data);
    if (action.type == "message") return say(action.text);
    if (action.type == "location") {
        if (!plan || !plan->location) throw std::runtime_error("a location button, but no location to send");
        return send_location(plan->location->first, plan->location->second);
    }
    if (action.type == "camera" || action.type == "cameraRoll") {
        if (!plan || plan->image_bytes.empty()) throw std::runtime_error("a photo button, but no photo to send");
        return send_image(plan->image_bytes);
    }
    throw std::runtime_error("cannot tap a " + action.type + " action");
}

std::vector<BotMessage> Resident::tap(const std::string& label) {
    auto all = messages();
    for (auto m = all.rbegin(); m != all.rend(); ++m)
        for (const auto& action : m->actions)
            if (contains(action.label, label)) return act(action, nullptr);
    std::string labels;
    if (!all.empty())
        for (const auto& a : all.back().actions) labels += "[" + a.label + "]";
    throw std::runtime_error("no button labelled " + label + "; the last message shows " + labels);
}

std::optional<std::string> Resident::converse(const std::regex& goal, const Plan& plan, std::string* transcript) {
    std::vector<BotMessage> turn = plan.text.empty() ? std::vector<BotMessage>{} : say(plan.text);
    if (transcript && !plan.text.empty()) *transcript += "resident: " + plan.text + "\n";
    std::string last_event;
    int repeats = 0;
    for (int i = 0; i < plan.max_turns; ++i) {
        std::string said;
        for (const auto& m : turn) said += m.visible_text;
        if (transcript) *transcript += "bot: " + said + "\n";
        std::smatch match;
        if (std::regex_search(said, match, goal)) return match[match.size() > 1 ? 1 : 0].str();
        if (turn.empty()) return std::nullopt;
        const BotMessage& latest = turn.back();
        auto avoided = [&](const Action& a) {
            for (const auto& word : plan.avoid)
                if (contains(a.label, word)) return true;
            return a.type == "uri" || a.type == "clipboard" || (a.type == "location" && !plan.location) ||
                   ((a.type == "camera" || a.type == "cameraRoll") && plan.image_bytes.empty());
        };
        const Action* choice = nullptr;
        for (const auto& word : plan.prefer) {
            for (const auto& m : turn)
                for (const auto& a : m.actions)
                    if (!choice && contains(a.label, word) && !avoided(a)) choice = &a;
            if (choice) break;
        }
        if (!choice && plan.location)
            for (const auto& a : latest.actions)
                if (!choice && a.type == "location") choice = &a;
        if (!choice && !plan.image_bytes.empty())
            for (const auto& a : latest.actions)
                if (!choice && (a.type == "camera" || a.type == "cameraRoll")) choice = &a;
        if (!choice)
            for (const auto& a : latest.actions)
                if (!choice && !avoided(a)) choice = &a;
        std::string event = choice ? choice->type + ":" + choice->label : "text:" + plan.text;
        // Stuck: the bot asks the same thing a third time and we would answer the same way.
        std::string situation = said + "\n" + event;
        repeats = situation == last_event ? repeats + 1 : 0;
        if (repeats >= 2) return std::nullopt;
        last_event = situation;
        if (transcript) *transcript += "resident taps: " + event + "\n";
        turn = choice ? act(*choice, &plan) : say(plan.text);
    }
    return std::nullopt;
}

}  // namespace thesaban::testing
