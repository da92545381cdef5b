#include "line/messaging_client.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <random>
#include <thread>

#include "core/json.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/random.h"
#include "line/message_limits.h"

namespace thesaban::line {
namespace {

constexpr std::string_view kComponent = "line_api";
constexpr std::size_t kMaxLoggedBody = 1000;

bool is_2xx(int status) { return status >= 200 && status < 300; }

// LINE ids in URL paths: letters and digits only, so nothing can change the path.
bool is_plain_id(std::string_view id) {
    return !id.empty() && id.size() <= 100 &&
           std::all_of(id.begin(), id.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
}

std::string messages_json(const std::vector<std::string>& messages,
                          const std::function<void(json::Writer&)>& write_head) {
    json::StringBuffer buffer;
    json::Writer w(buffer);
    w.StartObject();
    write_head(w);
    w.Key("messages");
    w.StartArray();
    // check_messages has parsed each one as a single JSON object, so it can be embedded as is.
    for (const auto& m : messages) w.RawValue(m.data(), m.size(), rapidjson::kObjectType);
    w.EndArray();
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize());
}

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value) {
    // Only delta-seconds: LINE does not send HTTP dates here, and a wrong guess is worse than backoff.
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    long long seconds = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (value.empty() || ec != std::errc{} || end != value.data() + value.size() || seconds < 0) return std::nullopt;
    return std::chrono::milliseconds(std::min<long long>(seconds, 24 * 3600) * 1000);
}

std::string error_message(std::string_view body) {
    json::Document doc;
    if (!json::parse(body, doc) || !doc.IsObject()) return {};
    return std::string(json::get_string(doc, "message").value_or(""));
}

// A 429 for the monthly message quota will not clear by waiting a few seconds.
bool is_quota_exhausted(const ApiResult& r) {
    return r.status == 429 && error_message(r.body).find("monthly limit") != std::string::npos;
}

ApiResult refused(std::string_view operation, std::string error) {
    log::warn(kComponent, "request refused before sending", {{"op", std::string(operation)}, {"error", error}});
    ApiResult r;
    r.error = std::move(error);
    return r;
}

}  // namespace

bool is_uuid(std::string_view s) {
    if (s.size() != 36) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-') return false;
        } else if (!std::isxdigit(static_cast<unsigned char>(s[i]))) {
            return false;
        }
    }
    return true;
}

std::vector<std::vector<std::string>> multicast_chunks(const std::vector<std::string>& to, std::size_t chunk_size) {
    std::vector<std::vector<std::string>> chunks;
    if (chunk_size == 0) chunk_size = kMaxMulticastRecipients;
    for (std::size_t i = 0; i < to.size(); i += chunk_size) {
        auto end = to.begin() + static_cast<std::ptrdiff_t>(std::min(to.size(), i + chunk_size));
        chunks.emplace_back(to.begin() + static_cast<std::ptrdiff_t>(i), end);
    }
    return chunks;
}

HttpMessagingApi::HttpMessagingApi(HttpTransport& transport, MessagingClientOptions options)
    : transport_(transport), options_(std::move(options)) {
    if (!options_.sleep) options_.sleep = [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); };
    while (!options_.api_base_url.empty() && options_.api_base_url.back() == '/') options_.api_base_url.pop_back();
    while (!options_.data_api_base_url.empty() && options_.data_api_base_url.back() == '/') {
        options_.data_api_base_url.pop_back();
    }
}

std::chrono::milliseconds HttpMessagingApi::backoff(int failed_attempts) const {
    const RetryPolicy& p = options_.retry;
    double delay = static_cast<double>(p.initial_backoff.count()) * std::pow(p.factor, failed_attempts - 1);
    const double cap = static_cast<double>(p.max_backoff.count());
    delay = std::min(delay, cap);
    if (p.jitter > 0) {
        thread_local std::mt19937 rng{std::random_device{}()};
        std::uniform_real_distribution<double> spread(1.0 - p.jitter, 1.0 + p.jitter);
        delay = std::min(delay * spread(rng), cap);
    }
    return std::chrono::milliseconds(static_cast<long long>(std::max(0.0, delay)));
}

ApiResult HttpMessagingApi::call(std::string_view operation, Kind kind, HttpRequest request,
                                 std::chrono::milliseconds timeout, const std::string& retry_key,
                                 const std::string& target_for_log, HttpResponse* last_response) {
    request.headers.emplace_back("Authorization", "Bearer " + options_.channel_access_token);
    if (!request.body.empty()) request.headers.emplace_back("Content-Type", "application/json");
    if (kind == Kind::keyed_send) request.headers.emplace_back("X-Line-Retry-Key", retry_key);

    const bool limited = kind == Kind::reply || kind == Kind::simple;
    const int max_attempts = std::max(1, limited ? options_.retry.reply_max_attempts : options_.retry.max_attempts);
    const std::string op(operation);
    ApiResult result;
    for (int attempt = 1;; ++attempt) {
        HttpResponse response = transport_.send(request, timeout);
        result = ApiResult{};
        result.attempts = attempt;
        result.status = response.status;
        result.body = std::move(response.body);
        result.request_id = response.header("X-Line-Request-Id");
        result.error = std::move(response.error);
        if (last_response) *last_response = response;
        metrics::registry()
            .counter("thesaban_line_api_calls_total", "Calls to LINE's API by operation and HTTP status (0: no answer)",
                     {{"op", op}, {"status", std::to_string(result.status)}})
            .inc();

        if (is_2xx(result.status)) return result;
        if (result.status == 409 && kind == Kind::keyed_send) {
            // The retry key was seen before: an earlier attempt (ours or the caller's) was delivered.
            result.accepted_earlier = true;
            result.accepted_request_id = response.header("X-Line-Accepted-Request-Id");
            log::info(kComponent, "already accepted under this retry key",
                      {{"op", op},
                       {"to", target_for_log},
                       {"retry_key", retry_key},
                       {"attempt", std::to_string(attempt)},
                       {"request_id", result.request_id},
                       {"accepted_request_id", response.header("X-Line-Accepted-Request-Id")}});
            return result;
        }

        const bool server_side = result.status == 0 || result.status >= 500;
        bool retryable = server_side && !response.permanent;
        if (!limited && result.status == 429 && !is_quota_exhausted(result)) retryable = true;
        const bool last = !retryable || attempt >= max_attempts;
        log::write(last ? log::Level::error : log::Level::warn, kComponent,
                   last ? "LINE API call failed" : "LINE API call failed, will retry",
                   {{"op", op},
                    {"to", target_for_log},
                    {"status", std::to_string(result.status)},
                    {"attempt", std::to_string(attempt)},
                    {"request_id", result.request_id},
                    {"retry_key", retry_key},
                    {"error", result.error},
                    {"body", result.body.substr(0, kMaxLoggedBody)}});
        if (last) break;

        metrics::registry()
            .counter("thesaban_line_api_retries_total", "LINE API calls tried again after a failure", {{"op", op}})
            .inc();
        std::chrono::milliseconds delay = backoff(attempt);
        if (auto after = parse_retry_after(response.header("Retry-After"))) {
            delay = std::min(*after, options_.retry.max_retry_after);
        }
        options_.sleep(delay);
    }
    if (kind == Kind::reply && result.attempts > 1 && is_invalid_reply_token(result)) {
        // The token was spent: possibly by our own earlier attempt that timed out after LINE accepted it.
        result.error = "reply token refused on a retry; an earlier attempt may have been delivered";
    }
    return result;
}

ApiResult HttpMessagingApi::reply(const std::string& reply_token, const std::vector<std::string>& messages) {
    if (reply_token.empty()) return refused("reply", "empty reply token");
    if (auto problem = check_messages(messages)) return refused("reply", *problem);
    HttpRequest request{"POST", options_.api_base_url + "/v2/bot/message/reply", {}, {}};
    request.body = messages_json(messages, [&](json::Writer& w) {
        w.Key("replyToken");
        json::write_string(w, reply_token);
    });
    return call("reply", Kind::reply, std::move(request), options_.timeout, {}, {});
}

ApiResult HttpMessagingApi::push(const std::string& to, const std::vector<std::string>& messages,
                                 const std::string& retry_key) {
    if (to.empty()) return refused("push", "empty recipient");
    if (!retry_key.empty() && !is_uuid(retry_key)) return refused("push", "retry key is not a UUID");
    if (auto problem = check_messages(messages)) return refused("push", *problem);
    HttpRequest request{"POST", options_.api_base_url + "/v2/bot/message/push", {}, {}};
    request.body = messages_json(messages, [&](json::Writer& w) {
        w.Key("to");
        json::write_string(w, to);
    });
    return call("push", Kind::keyed_send, std::move(request), options_.timeout,
                retry_key.empty() ? random_uuid() : retry_key, log::mask_id(to));
}

ApiResult HttpMessagingApi::multicast(const std::vector<std::string>& to, const std::vector<std::string>& messages,
                                      const std::string& retry_key) {
    if (to.empty()) return refused("multicast", "no recipients");
    if (to.size() > kMaxMulticastRecipients) {
        // One retry key per request: the caller splits with multicast_chunks and keeps a key per chunk.
        return refused("multicast", std::to_string(to.size()) + " recipients, limit " +
                                        std::to_string(kMaxMulticastRecipients) + " (use multicast_chunks)");
    }
    if (std::any_of(to.begin(), to.end(), [](const std::string& id) { return id.empty(); })) {
        return refused("multicast", "empty recipient");
    }
    if (!retry_key.empty() && !is_uuid(retry_key)) return refused("multicast", "retry key is not a UUID");
    if (auto problem = check_messages(messages)) return refused("multicast", *problem);
    HttpRequest request{"POST", options_.api_base_url + "/v2/bot/message/multicast", {}, {}};
    request.body = messages_json(messages, [&](json::Writer& w) {
        w.Key("to");
        w.StartArray();
        for (const auto& id : to) json::write_string(w, id);
        w.EndArray();
    });
    return call("multicast", Kind::keyed_send, std::move(request), options_.timeout,
                retry_key.empty() ? random_uuid() : retry_key, std::to_string(to.size()) + " recipients");
}

ApiResult HttpMessagingApi::broadcast(const std::vector<std::string>& messages, const std::string& retry_key) {
    if (!retry_key.empty() && !is_uuid(retry_key)) return refused("broadcast", "retry key is not a UUID");
    if (auto problem = check_messages(messages)) return refused("broadcast", *problem);
    HttpRequest request{"POST", options_.api_base_url + "/v2/bot/message/broadcast", {}, {}};
    request.body = messages_json(messages, [](json::Writer&) {});
    return call("broadcast", Kind::keyed_send, std::move(request), options_.timeout,
                retry_key.empty() ? random_uuid() : retry_key, "all friends");
}

ApiResult HttpMessagingApi::show_loading(const std::string& user_id, int seconds) {
    if (user_id.empty()) return refused("show_loading", "empty chat id");
    if (seconds < 5 || seconds > 60 || seconds % 5 != 0) {
        return refused("show_loading", "loadingSeconds must be 5..60 and a multiple of 5");
    }
    json::StringBuffer buffer;
    json::Writer w(buffer);
    w.StartObject();
    w.Key("chatId");
    json::write_string(w, user_id);
    w.Key("loadingSeconds");
    w.Int(seconds);
    w.EndObject();
    HttpRequest request{"POST",
                        options_.api_base_url + "/v2/bot/chat/loading/start",
                        {},
                        std::string(buffer.GetString(), buffer.GetSize())};
    return call("show_loading", Kind::simple, std::move(request), options_.timeout, {}, log::mask_id(user_id));
}

std::optional<Profile> HttpMessagingApi::get_profile(const std::string& user_id) {
    if (!is_plain_id(user_id)) {
        refused("get_profile", "malformed user id");
        return std::nullopt;
    }
    HttpRequest request{"GET", options_.api_base_url + "/v2/bot/profile/" + user_id, {}, {}};
    ApiResult r = call("get_profile", Kind::read, std::move(request), options_.timeout, {}, log::mask_id(user_id));
    if (!r.ok()) return std::nullopt;
    json::Document doc;
    if (!json::parse(r.body, doc) || !doc.IsObject()) {
        log::warn(kComponent, "profile is not a JSON object", {{"request_id", r.request_id}});
        return std::nullopt;
    }
    Profile p;
    p.user_id = std::string(json::get_string(doc, "userId").value_or(user_id));
    p.display_name = std::string(json::get_string(doc, "displayName").value_or(""));
    p.picture_url = std::string(json::get_string(doc, "pictureUrl").value_or(""));
    p.language = std::string(json::get_string(doc, "language").value_or(""));
    return p;
}

std::optional<Content> HttpMessagingApi::get_content(const std::string& message_id, std::size_t max_bytes) {
    if (!is_plain_id(message_id)) {
        refused("get_content", "malformed message id");
        return std::nullopt;
    }
    HttpRequest request{"GET", options_.data_api_base_url + "/v2/bot/message/" + message_id + "/content", {}, {}};
    request.max_response_body = max_bytes;
    HttpResponse last;
    ApiResult r = call("get_content", Kind::read, std::move(request), options_.content_timeout, {}, message_id, &last);
    // 202 means LINE is still preparing a video or audio: no bytes yet.
    if (r.status != 200) return std::nullopt;
    if (r.body.size() > max_bytes) {
        log::warn(kComponent, "content larger than allowed", {{"size", std::to_string(r.body.size())}});
        return std::nullopt;
    }
    return Content{last.header("Content-Type"), std::move(r.body)};
}

}  // namespace thesaban::line
