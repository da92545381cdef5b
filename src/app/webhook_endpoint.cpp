#include "app/webhook_endpoint.h"

#include <chrono>

#include "core/log.h"
#include "core/random.h"
#include "line/signature.h"
#include "line/webhook.h"

namespace thesaban::app {

int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

WebhookEndpoint::WebhookEndpoint(std::string channel_secret, store::EventInbox& inbox, BlockingPool& blocking,
                                 EventDispatcher& dispatcher)
    : channel_secret_(std::move(channel_secret)), inbox_(inbox), blocking_(blocking), dispatcher_(dispatcher) {}

boost::asio::awaitable<http::Response> WebhookEndpoint::handle(const http::Request& request) {
    if (!line::verify_signature(channel_secret_, request.body, request.header("x-line-signature"))) {
        log::warn("webhook", "signature missing or wrong", {{"remote", request.remote_address}});
        co_return http::Response::json(401, R"({"message":"invalid signature"})");
    }
    line::WebhookBody body;
    std::string error;
    if (line::parse_webhook(request.body, body, &error) != line::ParseStatus::ok) {
        log::warn("webhook", "malformed body", {{"error", error}});
        co_return http::Response::json(400, R"({"message":"malformed webhook body"})");
    }
    if (body.events.empty()) co_return http::Response::json(200, "{}");  // the console's Verify button

    std::vector<std::pair<std::string, std::string>> records;
    records.reserve(body.events.size());
    for (auto& event : body.events) {
        // LINE always sends webhookEventId; one without it is still processed, just not de-duplicated.
        if (event.webhook_event_id.empty()) event.webhook_event_id = "local-" + random_uuid();
        records.emplace_back(event.webhook_event_id, event.raw_json);
    }
    std::vector<bool> fresh;
    try {
        co_await blocking_.run([&] { fresh = inbox_.accept(records, now_ms()); });
    } catch (const store::RedisUnavailable& e) {
        log::error("webhook", "cannot store events, asking LINE to redeliver", {{"error", e.what()}});
        co_return http::Response::json(503, R"({"message":"temporarily unavailable"})");
    }
    std::vector<line::Event> accepted;
    for (std::size_t i = 0; i < body.events.size(); ++i) {
        if (fresh[i]) {
            accepted.push_back(std::move(body.events[i]));
        } else {
            log::info("webhook", "duplicate event dropped", {{"event", body.events[i].webhook_event_id}});
        }
    }
    dispatcher_.dispatch(std::move(accepted));
    co_return http::Response::json(200, "{}");
}

std::size_t WebhookEndpoint::recover(int64_t accepted_before_ms) {
    auto entries = inbox_.pending(accepted_before_ms, 1000);
    std::vector<line::Event> events;
    for (auto& entry : entries) {
        auto event = line::parse_event(entry.event_json);
        if (!event) {
            log::error("webhook", "unreadable stored event dropped", {{"event", entry.event_id}});
            inbox_.complete(entry.event_id);
            continue;
        }
        event->webhook_event_id = entry.event_id;
        events.push_back(std::move(*event));
    }
    std::size_t count = events.size();
    if (count) log::info("webhook", "resuming unfinished events", {{"count", std::to_string(count)}});
    dispatcher_.dispatch(std::move(events));
    return count;
}

}  // namespace thesaban::app
