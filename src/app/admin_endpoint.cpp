#include "app/admin_endpoint.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <cctype>

#include "core/json.h"
#include "core/log.h"
#include "core/text.h"
#include "store/redis.h"

namespace thesaban::app {
namespace {

constexpr std::string_view kCollection = "/admin/announcements";

http::Response error(int status, std::string_view message, std::string_view field = {}) {
    json::StringBuffer buffer;
    json::Writer w(buffer);
    w.StartObject();
    json::write_key(w, "error");
    json::write_string(w, message);
    if (!field.empty()) {
        json::write_key(w, "field");
        json::write_string(w, field);
    }
    w.EndObject();
    return http::Response::json(status, std::string(buffer.GetString(), buffer.GetSize()));
}

std::string query_value(std::string_view target, std::string_view name) {
    auto q = target.find('?');
    if (q == std::string_view::npos) return {};
    std::string_view query = target.substr(q + 1);
    std::size_t pos = 0;
    while (pos <= query.size()) {
        auto amp = query.find('&', pos);
        auto part = query.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
        auto eq = part.find('=');
        if (eq != std::string_view::npos && part.substr(0, eq) == name) return std::string(part.substr(eq + 1));
        if (amp == std::string_view::npos) break;
        pos = amp + 1;
    }
    return {};
}

}  // namespace

bool bearer_matches(std::string_view authorization, const std::string& token) {
    if (token.empty()) return false;
    constexpr std::string_view kScheme = "Bearer ";
    if (authorization.size() < kScheme.size()) return false;
    for (std::size_t i = 0; i < kScheme.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(authorization[i])) !=
            std::tolower(static_cast<unsigned char>(kScheme[i])))
            return false;
    std::string_view given = authorization.substr(kScheme.size());
    // Hash both sides first: equal lengths for CRYPTO_memcmp, and the time taken tells nothing
    // about the token's length either.
    unsigned char a[SHA256_DIGEST_LENGTH], b[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(given.data()), given.size(), a);
    SHA256(reinterpret_cast<const unsigned char*>(token.data()), token.size(), b);
    return CRYPTO_memcmp(a, b, sizeof a) == 0;
}

AdminEndpoint::AdminEndpoint(std::string admin_token, const config::AnnouncementsConfig& config,
                             store::RedisAnnouncementStore& store, handlers::AnnouncementPublisher& publisher,
                             BlockingPool& blocking, NowMs now_ms)
    : admin_token_(std::move(admin_token)),
      config_(config),
      store_(store),
      publisher_(publisher),
      blocking_(blocking),
      now_ms_(std::move(now_ms)) {}

std::optional<http::Response> AdminEndpoint::refusal(const http::Request& request) const {
    if (admin_token_.empty()) return http::Response::text(404, "Not Found\n");
    if (!bearer_matches(request.header("authorization"), admin_token_)) {
        log::warn("admin", "admin request without a valid token",
                  {{"remote", request.remote_address}, {"path", std::string(request.path())}});
        http::Response r = error(401, "a valid \"Authorization: Bearer <ADMIN_TOKEN>\" header is required");
        r.headers.emplace_back("WWW-Authenticate", "Bearer");
        return r;
    }
    return std::nullopt;
}

boost::asio::awaitable<http::Response> AdminEndpoint::post(const http::Request& request) {
    if (auto refused = refusal(request)) co_return *refused;
    if (request.path() != kCollection) co_return http::Response::text(404, "Not Found\n");
    http::Response response;
    try {
        co_await blocking_.run([&] { response = create(request); });
    } catch (const store::RedisUnavailable& e) {
        log::error("admin", "cannot store the announcement", {{"error", e.what()}});
        co_return error(503, "storage temporarily unavailable, try again");
    }
    co_return response;
}

boost::asio::awaitable<http::Response> AdminEndpoint::get(const http::Request& request) {
    if (auto refused = refusal(request)) co_return *refused;
    http::Response response;
    try {
        co_await blocking_.run([&] { response = list(request); });
    } catch (const store::RedisUnavailable& e) {
        co_return error(503, "storage temporarily unavailable, try again");
    }
    co_return response;
}

http::Response AdminEndpoint::create(const http::Request& request) {
    announcements::Draft draft;
    if (auto invalid = announcements::parse_draft(request.body, config_.topic_keys(), now_ms_(), draft))
        return error(400, invalid->message, invalid->field);
    std::string id = publisher_.publish(draft, "api", std::string(request.header("idempotency-key")));
    log::info("admin", "announcement accepted", {{"id", id}, {"remote", request.remote_address}});
    auto stored = store_.get(id);
    if (!stored) return error(500, "the announcement was stored but cannot be read back");
    return http::Response::json(202, announcements::announcement_to_json(*stored));
}

http::Response AdminEndpoint::list(const http::Request& request) {
    std::string_view path = request.path();
    if (path.size() > kCollection.size() + 1 &&
        path.substr(0, kCollection.size() + 1) == std::string(kCollection) + "/") {
        auto a = store_.get(std::string(path.substr(kCollection.size() + 1)));
        if (!a) return error(404, "no announcement with this id");
        return http::Response::json(200, announcements::announcement_to_json(*a));
    }
    if (path != kCollection) return http::Response::text(404, "Not Found\n");
    std::size_t limit = config_.history_size;
    std::string asked = query_value(request.target, "limit");
    if (!asked.empty()) {
        try {
            long n = std::stol(asked);
            if (n < 1 || n > 1000) throw std::out_of_range(asked);
            limit = static_cast<std::size_t>(n);
        } catch (const std::exception&) {
            return error(400, "limit must be a number from 1 to 1000", "limit");
        }
    }
    std::string body = "{\"announcements\":[";
    bool first = true;
    for (const auto& a : store_.history(limit)) {
        if (!first) body += ",";
        first = false;
        body += announcements::announcement_to_json(a);
    }
    body += "]}";
    return http::Response::json(200, body);
}

}  // namespace thesaban::app
