#pragma once
// The admin API for announcements:
//   POST /admin/announcements  {title, body, image_url?, link_url?, topic?, send_at?} → 202 {"id", ...}
//   GET  /admin/announcements[?limit=N]  → the history, newest first, with each chunk's delivery state
//   GET  /admin/announcements/{id}       → one announcement
// Authorization: Bearer $ADMIN_TOKEN, compared in constant time. No ADMIN_TOKEN configured → 404
// (the API does not exist); a missing or wrong token → 401; an invalid body → 400 naming the field.
#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "app/blocking_pool.h"
#include "config/config.h"
#include "handlers/announcements/news_ports.h"
#include "http/http_message.h"
#include "store/redis_announcement_store.h"

namespace thesaban::app {

class AdminEndpoint {
public:
    using NowMs = std::function<int64_t()>;
    AdminEndpoint(std::string admin_token, const config::AnnouncementsConfig& config,
                  store::RedisAnnouncementStore& store, handlers::AnnouncementPublisher& publisher,
                  BlockingPool& blocking, NowMs now_ms);

    boost::asio::awaitable<http::Response> post(const http::Request& request);
    boost::asio::awaitable<http::Response> get(const http::Request& request);

    // The answer for a request that may not go further (404 off, 401), or nullopt when authorized.
    std::optional<http::Response> refusal(const http::Request& request) const;
    // The blocking parts (Redis), after refusal() let the request through.
    http::Response create(const http::Request& request);
    http::Response list(const http::Request& request);

private:
    std::string admin_token_;
    const config::AnnouncementsConfig& config_;
    store::RedisAnnouncementStore& store_;
    handlers::AnnouncementPublisher& publisher_;
    BlockingPool& blocking_;
    NowMs now_ms_;
};

// "Bearer <token>" equal to `token` (non-empty), compared in constant time.
bool bearer_matches(std::string_view authorization, const std::string& token);

}  // namespace thesaban::app
