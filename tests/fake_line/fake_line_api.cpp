#include "fake_line_api.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <random>

#include "core/json.h"
#include "core/random.h"
#include "line_rules.h"

namespace fake_line {
namespace {

namespace json = thesaban::json;
using json::Value;

constexpr int64_t kDayMs = 24LL * 3600 * 1000;  // #retry-api-request: keys are remembered for 24 hours
const char* const kBotUserId = "U0b070b070b070b070b070b070b070b07";

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

std::string trim(std::string_view s) {
    auto b = s.find_first_not_of(" \t");
    if (b == std::string_view::npos) return {};
    auto e = s.find_last_not_of(" \t");
    return std::string(s.substr(b, e - b + 1));
}

std::string header(const Request& r, const std::string& name) {
    auto it = r.headers.find(name);
    return it == r.headers.end() ? std::string() : it->second;
}
bool has_header(const Request& r, const std::string& name) { return r.headers.count(name) > 0; }

std::string quote(std::string_view s) {
    json::StringBuffer buffer;
    json::Writer w(buffer);
    json::write_string(w, s);
    return std::string(buffer.GetString(), buffer.GetSize());
}

Response json_answer(int status, std::string body) {
    Response r;
    r.status = status;
    r.body = std::move(body);
    return r;
}
// LINE's error shape (#error-responses): {"message": "..."} plus optional extra members.
Response error(int status, std::string_view message, std::string_view extra_members = {}) {
    std::string body = "{\"message\":" + quote(message);
    if (!extra_members.empty()) body += "," + std::string(extra_members);
    return json_answer(status, body + "}");
}

std::string random_digits(std::size_t n) {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    std::uniform_int_distribution<int> digit(0, 9), first(1, 9);
    std::string s(1, static_cast<char>('0' + first(rng)));
    while (s.size() < n) s += static_cast<char>('0' + digit(rng));
    return s;
}

// "Get quote tokens": only these message types get a quoteToken in sentMessages.
bool quotable(std::string_view type) {
    return type == "text" || type == "textV2" || type == "sticker" || type == "image" || type == "video" ||
           type == "template" || type == "flex";
}

std::string iso_time(int64_t ms) {
    std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char buf[40];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    char out[48];
    std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms % 1000));
    return out;
}

// Line and column (1-based, in characters) of a byte offset, for the parse error message.
std::pair<std::size_t, std::size_t> line_column(std::string_view text, std::size_t offset) {
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            line++;
            column = 1;
        } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            column++;
        }
    }
    return {line, column};
}

bool is_json_content_type(const Request& r) {
    return lower(trim(header(r, "content-type").substr(0, header(r, "content-type").find(';')))) == "application/json";
}

std::string fault_message(int status) {
    if (status == 429) return "The API rate limit has been exceeded. Try again later.";
    if (status == 500) return "Internal server error";
    return "Injected fault " + std::to_string(status);
}

// The LINE API routes this fake serves.
struct Route {
    std::string method;
    std::string kind;   // reply, push, multicast, broadcast, narrowcast, loading, profile, content, info
    std::string param;  // userId / messageId
};

std::optional<Route> match_route(const std::string& path) {
    const std::string message_prefix = "/v2/bot/message/";
    if (path.rfind(message_prefix, 0) == 0) {
        std::string rest = path.substr(message_prefix.size());
        for (const char* kind : {"reply", "push", "multicast", "broadcast", "narrowcast"}) {
            if (rest == kind) return Route{"POST", kind, {}};
        }
        const std::string suffix = "/content";
        if (rest.size() > suffix.size() && rest.compare(rest.size() - suffix.size(), suffix.size(), suffix) == 0) {
            std::string id = rest.substr(0, rest.size() - suffix.size());
            if (id.find('/') == std::string::npos) return Route{"GET", "content", id};
        }
        return std::nullopt;
    }
    if (path == "/v2/bot/chat/loading/start") return Route{"POST", "loading", {}};
    if (path == "/v2/bot/info") return Route{"GET", "info", {}};
    const std::string profile_prefix = "/v2/bot/profile/";
    if (path.rfind(profile_prefix, 0) == 0) {
        std::string id = path.substr(profile_prefix.size());
        if (!id.empty() && id.find('/') == std::string::npos) return Route{"GET", "profile", id};
    }
    return std::nullopt;
}

std::optional<Endpoint> endpoint_of(const std::string& kind) {
    if (kind == "reply") return Endpoint::reply;
    if (kind == "push") return Endpoint::push;
    if (kind == "multicast") return Endpoint::multicast;
    if (kind == "broadcast") return Endpoint::broadcast;
    if (kind == "narrowcast") return Endpoint::narrowcast;
    if (kind == "loading") return Endpoint::loading;
    return std::nullopt;
}

bool is_group_or_room(std::string_view id) { return !id.empty() && (id[0] == 'C' || id[0] == 'R'); }

}  // namespace

struct FakeLineApi::Call {
    const Request& request;
    std::string request_id;
    std::string path;
    bool fault = false;
    std::string reply_to;  // JSON object, for replies whose token is known
};

Response FakeLineApi::handle(const Request& request) {
    std::string request_id = thesaban::random_uuid();
    std::string path = request.target.substr(0, request.target.find('?'));
    Response response;
    {
        std::lock_guard lock(mutex_);
        response = path.rfind("/__", 0) == 0 ? control(request, path) : api(request, path, request_id);
    }
    // #response-headers: every answer carries a request ID.
    response.headers.emplace_back("X-Line-Request-Id", request_id);
    return response;
}

int64_t FakeLineApi::now_ms() const {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count() + clock_offset_ms_;
}

FakeLineApi::Fault* FakeLineApi::matching_fault(const std::string& method, const std::string& path) {
    for (auto& f : faults_) {
        if (f.count <= 0 || (!f.method.empty() && f.method != method)) continue;
        bool prefix = !f.path.empty() && f.path.back() == '*';
        if (prefix ? path.rfind(f.path.substr(0, f.path.size() - 1), 0) == 0 : path == f.path) return &f;
    }
    return nullptr;
}

Response FakeLineApi::api(const Request& request, const std::string& path, const std::string& request_id) {
    Call call{request, request_id, path, false, {}};
    Response out;
    std::optional<Route> route = match_route(path);
    std::string auth = header(request, "authorization");
    std::string token;
    if (auth.size() > 7 && lower(auth.substr(0, 7)) == "bearer ") token = trim(auth.substr(7));
    bool has_retry_key = has_header(request, "x-line-retry-key");
    bool retry_key_allowed = route && (route->kind == "push" || route->kind == "multicast" ||
                                       route->kind == "narrowcast" || route->kind == "broadcast");
    if (!route) {
        out = error(404, "Not found");
    } else if (route->method != request.method) {
        out = error(405, "Method not allowed");
    } else if (token.empty() || token.find_first_of(" \t") != std::string::npos) {
        out = error(401,
                    "Authentication failed due to the following reason: no valid \"Authorization: Bearer <channel "
                    "access token>\" header. Confirm that the access token in the authorization header is valid.");
    } else if (!options_.token.empty() && token != options_.token) {
        out = error(401,
                    "Authentication failed due to the following reason: invalid token. Confirm that the access "
                    "token in the authorization header is valid.");
    } else if (has_retry_key && !retry_key_allowed) {
        out = error(400, "X-Line-Retry-Key is only supported by push, multicast, narrowcast and broadcast");
    } else if (has_retry_key && !is_uuid(header(request, "x-line-retry-key"))) {
        out = error(400, "The X-Line-Retry-Key header must be a UUID (e.g. 123e4567-e89b-12d3-a456-426614174000)");
    } else if (Fault* fault = matching_fault(request.method, path)) {
        fault->count--;
        call.fault = true;
        if (fault->status) {
            out = fault->body.empty() ? error(*fault->status, fault_message(*fault->status))
                                      : json_answer(*fault->status, fault->body);
        } else {
            out = this->route(call, path);  // processed, but the answer comes late ("lost answer")
        }
        out.delay = std::chrono::milliseconds(fault->delay_ms);
        if (fault->retry_after_s > 0) out.headers.emplace_back("Retry-After", std::to_string(fault->retry_after_s));
    } else {
        out = this->route(call, path);
    }
    record(call, out);
    return out;
}

Response FakeLineApi::route(Call& call, const std::string& path) {
    Route r = *match_route(path);
    if (endpoint_of(r.kind)) return send_messages(call, r.kind);
    if (r.kind == "profile") {
        auto it = profiles_.find(r.param);
        return it == profiles_.end() ? error(404, "Not found") : json_answer(200, it->second);
    }
    if (r.kind == "content") {
        auto it = contents_.find(r.param);
        if (it == contents_.end()) return error(404, "Not found");
        Response out;
        out.content_type = it->second.content_type;
        out.body = it->second.bytes;
        return out;
    }
    return json_answer(200, std::string("{\"userId\":\"") + kBotUserId +
                                "\",\"basicId\":\"@000fake\",\"displayName\":\"Fake Bot\",\"chatMode\":\"bot\","
                                "\"markAsReadMode\":\"auto\"}");
}

Response FakeLineApi::send_messages(Call& call, const std::string& kind) {
    const Request& req = call.request;
    if (!is_json_content_type(req)) {
        std::string type = trim(header(req, "content-type"));
        return error(400,
                     "The content type, '" + (type.empty() ? std::string("(none)") : type) + "', is not supported");
    }
    if (req.body.size() > limits::kRequestBytes) return error(413, "Request exceeds the max size of 2MB");
    json::Document body;
    body.Parse<json::kUntrustedParseFlags>(req.body.data(), req.body.size());
    if (body.HasParseError()) {
        auto [line, column] = line_column(req.body, body.GetErrorOffset());
        return error(400, "The request body could not be parsed as JSON (line: " + std::to_string(line) +
                              ", column: " + std::to_string(column) + ")");
    }
    std::vector<Violation> violations;
    if (!options_.lean) violations = validate_request(*endpoint_of(kind), body);
    // Who a reply goes to is recorded even for a rejected reply, so tests can find it.
    ReplyToken* token = nullptr;
    if (kind == "reply") {
        if (auto rt = json::get_string(body, "replyToken")) {
            auto it = tokens_.find(std::string(*rt));
            if (it == tokens_.end() && options_.any_reply_token && !rt->empty()) {
                it = tokens_.emplace(std::string(*rt), ReplyToken{"", "", "", now_ms(), false}).first;
            }
            if (it != tokens_.end()) {
                token = &it->second;
                call.reply_to = "{\"userId\":" + quote(token->user_id);
                if (!token->group_id.empty()) call.reply_to += ",\"groupId\":" + quote(token->group_id);
                if (!token->room_id.empty()) call.reply_to += ",\"roomId\":" + quote(token->room_id);
                call.reply_to += "}";
            }
        }
    }
    if (!violations.empty()) {
        std::string details = "\"details\":[";
        for (std::size_t i = 0; i < violations.size(); ++i) {
            if (i) details += ",";
            details +=
                "{\"message\":" + quote(violations[i].message) + ",\"property\":" + quote(violations[i].property) + "}";
        }
        details += "]";
        return error(400, "The request body has " + std::to_string(violations.size()) + " error(s)", details);
    }
    // #retry-api-request-response: a key already accepted within 24 h gets 409.
    std::string retry_key = lower(header(req, "x-line-retry-key"));
    if (!retry_key.empty()) {
        auto seen = retry_keys_.find(retry_key);
        if (seen != retry_keys_.end() && now_ms() - seen->second.at < kDayMs) {
            Response out = error(
                409, "The retry key is already accepted",
                seen->second.sent_messages.empty() ? std::string() : "\"sentMessages\":" + seen->second.sent_messages);
            out.headers.emplace_back("x-line-accepted-request-id", seen->second.request_id);
            return out;
        }
    }
    if (kind == "multicast") {
        const Value& to = body["to"];
        for (auto& id : to.GetArray()) {
            if (is_group_or_room(id.GetString())) return error(400, "Failed to send messages");
        }
    }
    if (kind == "loading" && is_group_or_room(*json::get_string(body, "chatId"))) {
        return error(400, "The loading animation can only be displayed in one-on-one chats");
    }
    if (kind == "reply") {
        // #send-reply-message: a reply token is single-use and must be used within a minute.
        if (!token || token->used || now_ms() - token->registered_at > options_.reply_token_ttl.count()) {
            return error(400, "Invalid reply token");
        }
        token->used = true;
    }
    Response out;
    std::string sent_messages;
    if (kind == "reply" || kind == "push") {
        sent_messages = "[";
        const Value& messages = body["messages"];
        for (rapidjson::SizeType i = 0; i < messages.Size(); ++i) {
            if (i) sent_messages += ",";
            sent_messages += "{\"id\":\"" + random_digits(18) + "\"";
            auto type = json::get_string(messages[i], "type");
            if (type && quotable(*type)) {
                sent_messages += ",\"quoteToken\":\"" + thesaban::random_token(66).substr(0, 86) + "\"";
            }
            sent_messages += "}";
        }
        sent_messages += "]";
        out = json_answer(200, "{\"sentMessages\":" + sent_messages + "}");
    } else {
        out = json_answer(kind == "narrowcast" || kind == "loading" ? 202 : 200, "{}");
    }
    if (!retry_key.empty()) {
        retry_keys_[retry_key] = AcceptedRetryKey{call.request_id, now_ms(), kind == "push" ? sent_messages : ""};
    }
    return out;
}

void FakeLineApi::record(const Call& call, const Response& response) {
    calls_by_path_[call.path][response.status]++;
    if (options_.keep_requests == 0) return;
    const Request& req = call.request;
    json::StringBuffer buffer;
    json::Writer w(buffer);
    auto raw = [&](const std::string& s) { w.RawValue(s.data(), s.size(), rapidjson::kObjectType); };
    w.StartObject();
    json::write_key(w, "time");
    json::write_string(w, iso_time(now_ms()));
    json::write_key(w, "requestId");
    json::write_string(w, call.request_id);
    json::write_key(w, "method");
    json::write_string(w, req.method);
    json::write_key(w, "path");
    json::write_string(w, call.path);
    json::write_key(w, "headers");
    w.StartObject();
    for (const char* name : {"authorization", "content-type", "content-length", "x-line-retry-key", "user-agent"}) {
        auto it = req.headers.find(name);
        if (it == req.headers.end()) continue;
        json::write_key(w, name);
        json::write_string(w, it->second);
    }
    w.EndObject();
    json::write_key(w, "body");
    std::string content_type = lower(header(req, "content-type"));
    if (req.body.empty()) {
        w.Null();
    } else if (content_type.find("json") != std::string::npos) {
        json::Document parsed;
        if (json::parse(req.body, parsed)) {
            raw(json::to_string(parsed));
        } else {
            json::write_string(w, req.body.substr(0, 2000));
        }
    } else {
        raw("{\"$bytes\":" + std::to_string(req.body.size()) + ",\"contentType\":" + quote(content_type) + "}");
    }
    json::write_key(w, "status");
    w.Int(response.status);
    json::write_key(w, "response");
    if (response.content_type == "application/json") {
        raw(response.body.empty() ? std::string("{}") : response.body);
    } else {
        raw("{\"$bytes\":" + std::to_string(response.body.size()) + "}");
    }
    if (!call.reply_to.empty()) {
        json::write_key(w, "replyTo");
        raw(call.reply_to);
    }
    json::write_key(w, "fault");
    w.Bool(call.fault);
    w.EndObject();
    requests_.emplace_back(buffer.GetString(), buffer.GetSize());
    if (options_.keep_requests > 0 && requests_.size() > static_cast<std::size_t>(options_.keep_requests))
        requests_.pop_front();
}

Response FakeLineApi::control(const Request& request, const std::string& path) {
    const std::string& method = request.method;
    json::Document body;
    auto parse_body = [&]() {
        return json::parse(request.body.empty() ? std::string_view("{}") : std::string_view(request.body), body) &&
               body.IsObject();
    };
    auto string_of = [&](std::string_view key) { return std::string(json::get_string(body, key).value_or("")); };

    if (path == "/__requests" && method == "GET") {
        std::string out = "[";
        for (std::size_t i = 0; i < requests_.size(); ++i) out += (i ? "," : "") + requests_[i];
        return json_answer(200, out + "]");
    }
    if (path == "/__stats" && method == "GET") {
        std::string out = "{";
        for (const auto& [call_path, by_status] : calls_by_path_) {
            out += (out.size() > 1 ? "," : "") + quote(call_path) + ":{";
            bool first = true;
            for (const auto& [status, count] : by_status) {
                out += (first ? "\"" : ",\"") + std::to_string(status) + "\":" + std::to_string(count);
                first = false;
            }
            out += "}";
        }
        return json_answer(200, out + "}");
    }
    if (path == "/__requests" && method == "DELETE") {
        requests_.clear();
        calls_by_path_.clear();
        return json_answer(200, "{}");
    }
    if (path == "/__tokens" && method == "POST") {
        if (!parse_body()) return error(400, "The body must be a JSON object");
        std::string reply_token = string_of("replyToken");
        if (reply_token.empty()) return error(400, "replyToken is required");
        tokens_[reply_token] =
            ReplyToken{string_of("userId"), string_of("groupId"), string_of("roomId"), now_ms(), false};
        return json_answer(200, "{}");
    }
    const std::string content_prefix = "/__content/";
    if (path.rfind(content_prefix, 0) == 0 && path.size() > content_prefix.size() && method == "POST") {
        std::string type = header(request, "content-type");
        contents_[path.substr(content_prefix.size())] =
            Content{type.empty() ? "application/octet-stream" : type, request.body};
        return json_answer(200, "{\"bytes\":" + std::to_string(request.body.size()) + "}");
    }
    if (path == "/__profiles" && method == "POST") {
        if (!parse_body()) return error(400, "The body must be a JSON object");
        if (string_of("userId").empty() || string_of("displayName").empty()) {
            return error(400, "userId and displayName are required");
        }
        profiles_[string_of("userId")] = json::to_string(body);
        return json_answer(200, "{}");
    }
    if (path == "/__faults" && method == "POST") {
        if (!parse_body()) return error(400, "The body must be a JSON object");
        Fault f;
        f.path = string_of("path");
        if (f.path.empty()) return error(400, "path is required");
        f.method = string_of("method");
        if (auto s = json::get_int(body, "status")) f.status = static_cast<int>(*s);
        if (auto c = json::get_int(body, "count")) f.count = static_cast<int>(*c);
        if (auto d = json::get_int(body, "delayMs")) f.delay_ms = *d;
        if (auto r = json::get_int(body, "retryAfter")) f.retry_after_s = static_cast<int>(*r);
        if (const Value* b = json::get_object(body, "body")) f.body = json::to_string(*b);
        faults_.push_back(std::move(f));
        return json_answer(200, "{}");
    }
    if (path == "/__faults" && method == "GET") {
        std::string out = "[";
        for (std::size_t i = 0; i < faults_.size(); ++i) {
            const Fault& f = faults_[i];
            out += (i ? ",{" : "{") + std::string("\"path\":") + quote(f.path) +
                   ",\"count\":" + std::to_string(f.count) + ",\"delayMs\":" + std::to_string(f.delay_ms);
            if (f.status) out += ",\"status\":" + std::to_string(*f.status);
            if (!f.method.empty()) out += ",\"method\":" + quote(f.method);
            if (!f.body.empty()) out += ",\"body\":" + f.body;
            out += "}";
        }
        return json_answer(200, out + "]");
    }
    if (path == "/__faults" && method == "DELETE") {
        faults_.clear();
        return json_answer(200, "{}");
    }
    if (path == "/__clock" && method == "POST") {
        if (!parse_body()) return error(400, "The body must be a JSON object");
        if (auto d = json::get_double(body, "advanceMs")) clock_offset_ms_ += static_cast<int64_t>(*d);
        return json_answer(200, "{\"now\":" + quote(iso_time(now_ms())) + "}");
    }
    return error(404, "Not found");
}

}  // namespace fake_line
