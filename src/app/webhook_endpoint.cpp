#include "app/webhook_endpoint.h"

#include <algorithm>
#include <chrono>
#include <optional>

#include "app/accept_batcher.h"
#include "app/chat_runner.h"
#include "core/log.h"
#include "core/random.h"
#include "line/messaging_api.h"
#include "line/signature.h"
#include "line/webhook.h"
#include "runtime/event_loops.h"
#include "runtime/fiber_task.h"

namespace thesaban::app {
namespace {
constexpr int64_t kBacklogFigureLifetimeMs = 250;

// A resident's own message or button, with a reply token to answer it: whoever sent it can be told
// that it was not recorded.
bool can_be_told(const line::Event& event) {
    return (event.kind == line::EventKind::message || event.kind == line::EventKind::postback) && event.reply_token &&
           !event.standby;
}
}  // namespace

int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

WebhookEndpoint::WebhookEndpoint(std::string channel_secret, runtime::EventLoops& loops, store::LeasedQueue& inbox,
                                 ChatRunner& runner, std::size_t max_events_in_flight, std::size_t max_pending_events,
                                 line::MessagingApi& api, std::string storage_unavailable_message)
    : signature_(channel_secret),
      loops_(loops),
      runner_(runner),
      max_events_in_flight_(max_events_in_flight),
      max_pending_events_(max_pending_events),
      api_(api),
      storage_unavailable_message_(std::move(storage_unavailable_message)) {
    for (std::size_t i = 0; i < loops.size(); ++i)
        batchers_.push_back(std::make_unique<AcceptBatcher>(loops.at(i), inbox, &now_ms));
}

WebhookEndpoint::~WebhookEndpoint() = default;

std::size_t WebhookEndpoint::events_in_flight() const {
    std::size_t n = 0;
    for (std::size_t i = 0; i < loops_.size(); ++i) n += loops_.at(i).events_in_flight.load(std::memory_order_relaxed);
    return n;
}

boost::asio::awaitable<http::Response> WebhookEndpoint::handle(const http::Request& request) {
    if (!signature_.verify(request.body, request.header("x-line-signature"))) {
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

    runtime::Loop* loop = runtime::current_loop();
    if (!loop) co_return http::Response::json(500, R"({"message":"not on an event loop"})");
    // Past either bound the events would wait longer than their reply tokens live: let LINE hold
    // them. The backlog is the figure the loop's last accept brought back; a stale one lets the
    // next webhook through to look again (a quarter of a second), so the 503s end once it drains.
    AcceptBatcher& batcher = *batchers_[loop->index];
    bool backlog_full = batcher.pending_seen() >= max_pending_events_ &&
                        now_ms() - batcher.pending_seen_at_ms() < kBacklogFigureLifetimeMs;
    if (backlog_full || events_in_flight() >= max_events_in_flight_) {
        log::warn("webhook", "too much work pending, asking LINE to redeliver",
                  {{"in_flight", std::to_string(events_in_flight())},
                   {"pending", std::to_string(batcher.pending_seen())}});
        co_return http::Response::json(503, R"({"message":"busy, retry later"})");
    }

    std::vector<store::InboxRecord> records;
    records.reserve(body.events.size());
    for (auto& event : body.events) {
        // LINE always sends webhookEventId; one without it is still processed, just not de-duplicated.
        if (event.webhook_event_id.empty()) event.webhook_event_id = "local-" + random_uuid();
        records.push_back({event.webhook_event_id, store::inbox_chat(event.source.chat_id(), event.webhook_event_id),
                           event.raw_json});
    }
    std::vector<store::Admission> admissions;
    std::optional<store::RedisWriteRefused> refused;
    try {
        admissions = co_await batcher.accept(records);
    } catch (const store::RedisWriteRefused& e) {
        refused = e;
    } catch (const std::exception& e) {
        log::error("webhook", "cannot store events, asking LINE to redeliver", {{"error", e.what()}});
        co_return http::Response::json(503, R"({"message":"temporarily unavailable"})");
    }
    if (refused) {
        bool all_told = std::all_of(body.events.begin(), body.events.end(), can_be_told);
        log::error("webhook",
                   all_told ? "redis refuses writes: events not stored, senders told to try again later"
                            : "redis refuses writes: events not stored, asking LINE to redeliver",
                   {{"command", refused->command()},
                    {"error", refused->error()},
                    {"events", std::to_string(body.events.size())}});
        if (!all_told) co_return http::Response::json(503, R"({"message":"temporarily unavailable"})");
        // Told, so never run later: LINE gets its 200 and does not redeliver.
        co_await runtime::on_fiber([&] {
            const std::vector<std::string> messages{storage_unavailable_message_};
            for (const auto& event : body.events) {
                auto result = api_.reply(*event.reply_token, messages);
                if (!result.ok())
                    log::warn("webhook", "could not tell the sender to try again later",
                              {{"event", event.webhook_event_id}, {"status", std::to_string(result.status)}});
            }
        });
        co_return http::Response::json(200, "{}");
    }
    for (std::size_t i = 0; i < body.events.size(); ++i) {
        switch (admissions[i]) {
            case store::Admission::run_now:
                runner_.run(*loop, std::move(records[i].chat), std::move(body.events[i]));
                break;
            case store::Admission::queued: break;  // the chat's holder runs it after the earlier ones
            case store::Admission::duplicate:
                log::info("webhook", "duplicate event dropped", {{"event", body.events[i].webhook_event_id}});
                break;
        }
    }
    co_return http::Response::json(200, "{}");
}

}  // namespace thesaban::app
