#include "support/fake_line.h"

#include <signal.h>

#include <stdexcept>

#include "support/http_client.h"

namespace thesaban::testing {
namespace {

std::string quote(const std::string& s) {
    json::StringBuffer buffer;
    json::Writer w(buffer);
    json::write_string(w, s);
    return buffer.GetString();
}

}  // namespace

FakeLine::FakeLine(const Options& options) {
    std::vector<std::string> argv = {FAKE_LINE_API_EXECUTABLE, "--port", "0", "--reply-token-ttl-ms",
                                     std::to_string(options.reply_token_ttl_ms)};
    if (options.any_reply_token) argv.push_back("--any-reply-token");
    if (options.keep_requests >= 0) {
        argv.push_back("--keep-requests");
        argv.push_back(std::to_string(options.keep_requests));
    }
    if (!options.token.empty()) {
        argv.push_back("--token");
        argv.push_back(options.token);
    }
    process_.start(argv);
    const std::string prefix = "fake-line-api listening on http://127.0.0.1:";
    bool listening = wait_until(
        [&] {
            std::string out = process_.output();
            auto at = out.find(prefix);
            auto eol = at == std::string::npos ? std::string::npos : out.find('\n', at);
            if (eol == std::string::npos) return false;
            port_ = std::stoi(out.substr(at + prefix.size(), eol - at - prefix.size()));
            return true;
        },
        std::chrono::seconds(10));
    if (!listening) {
        throw std::runtime_error("fake-line-api did not start; its output: " + process_.output());
    }
}

FakeLine::~FakeLine() { process_.stop(SIGTERM, std::chrono::seconds(5)); }

std::string FakeLine::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

void FakeLine::control(const std::string& method, const std::string& target, const std::string& body,
                       const std::string& content_type) {
    HttpResult r = http_request(port_, method, target, body, {{"Content-Type", content_type}});
    if (r.status != 200) {
        throw std::runtime_error("fake-line-api " + method + " " + target + " answered " + std::to_string(r.status) +
                                 ": " + r.body + r.error);
    }
}

void FakeLine::register_reply_token(const std::string& token, const std::string& user_id, const std::string& group_id) {
    std::string body = "{\"replyToken\":" + quote(token) + ",\"userId\":" + quote(user_id);
    if (!group_id.empty()) body += ",\"groupId\":" + quote(group_id);
    control("POST", "/__tokens", body + "}");
}

json::Document FakeLine::requests() {
    HttpResult r = http_request(port_, "GET", "/__requests");
    json::Document doc;
    if (r.status != 200 || !json::parse(r.body, doc) || !doc.IsArray()) {
        throw std::runtime_error("fake-line-api GET /__requests failed: " + std::to_string(r.status) + r.error);
    }
    return doc;
}

std::vector<std::string> FakeLine::requests_to(const std::string& path) {
    json::Document all = requests();
    std::vector<std::string> out;
    for (const auto& call : all.GetArray()) {
        if (json::get_string(call, "path") == path) out.push_back(json::to_string(call));
    }
    return out;
}

json::Document FakeLine::stats() {
    HttpResult r = http_request(port_, "GET", "/__stats");
    json::Document doc;
    if (r.status != 200 || !json::parse(r.body, doc) || !doc.IsObject()) {
        throw std::runtime_error("fake-line-api GET /__stats failed: " + std::to_string(r.status) + r.error);
    }
    return doc;
}

void FakeLine::clear_requests() { control("DELETE", "/__requests"); }
void FakeLine::add_fault(const std::string& fault_json) { control("POST", "/__faults", fault_json); }
void FakeLine::clear_faults() { control("DELETE", "/__faults"); }

void FakeLine::put_content(const std::string& message_id, const std::string& content_type, const std::string& bytes) {
    control("POST", "/__content/" + message_id, bytes, content_type);
}

void FakeLine::put_profile(const std::string& user_id, const std::string& display_name, const std::string& picture_url,
                           const std::string& status_message, const std::string& language) {
    std::string body = "{\"userId\":" + quote(user_id) + ",\"displayName\":" + quote(display_name);
    if (!picture_url.empty()) body += ",\"pictureUrl\":" + quote(picture_url);
    if (!status_message.empty()) body += ",\"statusMessage\":" + quote(status_message);
    if (!language.empty()) body += ",\"language\":" + quote(language);
    control("POST", "/__profiles", body + "}");
}

void FakeLine::advance_clock(std::chrono::milliseconds ms) {
    control("POST", "/__clock", "{\"advanceMs\":" + std::to_string(ms.count()) + "}");
}

bool FakeLine::wait_for_requests(const std::string& path, std::size_t count, std::chrono::milliseconds timeout) {
    return wait_until([&] { return requests_to(path).size() >= count; }, timeout);
}

}  // namespace thesaban::testing
