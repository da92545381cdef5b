#include "support/line_events.h"

#include <atomic>
#include <chrono>

#include "core/json.h"
#include "core/random.h"

namespace thesaban::testing {
namespace {

std::string json_string(const std::string& s) {
    json::StringBuffer buffer;
    json::Writer writer(buffer);
    json::write_string(writer, s);
    return std::string(buffer.GetString(), buffer.GetSize());
}

std::string source_json(const EventSource& s) {
    if (!s.group_id.empty())
        return R"({"type":"group","groupId":)" + json_string(s.group_id) + R"(,"userId":)" + json_string(s.user_id) + "}";
    return R"({"type":"user","userId":)" + json_string(s.user_id) + "}";
}

std::string common(const std::string& type, const EventSource& source, const std::string& reply_token,
                   const std::string& event_id, bool standby, bool redelivery) {
    std::string out = R"({"type":")" + type + R"(","mode":")" + (standby ? "standby" : "active") +
                      R"(","timestamp":)" + std::to_string(now_ms()) + R"(,"source":)" + source_json(source) +
                      R"(,"webhookEventId":")" + (event_id.empty() ? new_event_id() : event_id) +
                      R"(","deliveryContext":{"isRedelivery":)" + (redelivery ? "true" : "false") + "}";
    if (reply_token != "-") out += R"(,"replyToken":")" + (reply_token.empty() ? new_reply_token() : reply_token) + "\"";
    return out;
}

std::string digits(int n) {
    static std::atomic<long long> counter{100000000000000000LL};
    std::string s = std::to_string(++counter);
    return s.substr(s.size() - static_cast<std::size_t>(n));
}

}  // namespace

long long now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string new_event_id() {
    static const char* alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    std::string token = random_token(32);
    std::string out = "01";
    for (std::size_t i = 0; out.size() < 26; ++i) out += alphabet[static_cast<unsigned char>(token[i]) % 32];
    return out;
}

std::string new_reply_token() {
    std::string uuid = random_uuid();
    std::string out;
    for (char c : uuid)
        if (c != '-') out += c;
    return out;
}

std::string follow_event(const EventSource& source, const std::string& reply_token, const std::string& event_id) {
    return common("follow", source, reply_token, event_id, false, false) + R"(,"follow":{"isUnblocked":false}})";
}

std::string text_event(const EventSource& source, const std::string& text, const std::string& reply_token,
                       const std::string& event_id, bool standby, bool redelivery) {
    return common("message", source, reply_token, event_id, standby, redelivery) + R"(,"message":{"id":")" +
           digits(18) + R"(","type":"text","quoteToken":"q)" + digits(10) + R"(","text":)" + json_string(text) + "}}";
}

std::string sticker_event(const EventSource& source, const std::string& reply_token) {
    return common("message", source, reply_token, {}, false, false) + R"(,"message":{"id":")" + digits(18) +
           R"(","type":"sticker","quoteToken":"q1","packageId":"446","stickerId":"1988","stickerResourceType":"STATIC"}})";
}

std::string postback_event(const EventSource& source, const std::string& data, const std::string& reply_token) {
    return common("postback", source, reply_token, {}, false, false) + R"(,"postback":{"data":)" + json_string(data) +
           "}}";
}

std::string location_event(const EventSource& source, double latitude, double longitude, const std::string& title,
                           const std::string& address, const std::string& reply_token) {
    return common("message", source, reply_token, {}, false, false) + R"(,"message":{"id":")" + digits(18) +
           R"(","type":"location","title":)" + json_string(title) + R"(,"address":)" + json_string(address) +
           R"(,"latitude":)" + std::to_string(latitude) + R"(,"longitude":)" + std::to_string(longitude) + "}}";
}

std::string image_event(const EventSource& source, const std::string& message_id, const std::string& reply_token) {
    return common("message", source, reply_token, {}, false, false) + R"(,"message":{"id":")" + message_id +
           R"(","type":"image","quoteToken":"q1","contentProvider":{"type":"line"}}})";
}

std::string raw_event(const std::string& type, const EventSource& source, const std::string& extra_members) {
    return common(type, source, "-", {}, false, false) + (extra_members.empty() ? "" : "," + extra_members) + "}";
}

std::string webhook_body(const std::vector<std::string>& events) {
    std::string out = R"({"destination":"U0b070b070b070b070b070b070b070b07","events":[)";
    for (std::size_t i = 0; i < events.size(); ++i) out += (i ? "," : "") + events[i];
    return out + "]}";
}

}  // namespace thesaban::testing
