#include "app/application.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include <condition_variable>
#include <filesystem>
#include <iostream>
#include <thread>

#include "app/admin_endpoint.h"
#include "app/announcement_sender.h"
#include "app/blocking_pool.h"
#include "app/delivery.h"
#include "app/event_dispatcher.h"
#include "app/event_processor.h"
#include "app/webhook_endpoint.h"
#include "core/log.h"
#include "app/outbox_worker.h"
#include "handlers/announcements/announce_handler.h"
#include "handlers/announcements/announcement_cards.h"
#include "handlers/announcements/follow_tracker.h"
#include "handlers/announcements/news_flow.h"
#include "handlers/common/greeting_handler.h"
#include "handlers/common/intent_classifier.h"
#include "handlers/common/resident_router.h"
#include "handlers/complaint/complaint_flow.h"
#include "handlers/officer/officer_handler.h"
#include "handlers/officer/ticket_announcer.h"
#include "handlers/streetlight/streetlight_flow.h"
#include "handlers/tax/tax_flow.h"
#include "handlers/tracking/tracking_flow.h"
#include "http/router.h"
#include "http/server.h"
#include "line/http_client.h"
#include "line/messaging_client.h"
#include "line/profile_cache.h"
#include "media/line_media_store.h"
#include "media/media_endpoint.h"
#include "store/event_inbox.h"
#include "store/outbox.h"
#include "store/redis_announcement_store.h"
#include "store/redis_conversation_store.h"
#include "store/redis_expiring_images.h"
#include "store/redis_lookup_guard.h"
#include "store/redis_pool.h"
#include "store/redis_tax_store.h"
#include "store/redis_ticket_store.h"
#include "tax/promptpay_qr.h"
#include "templates/template_library.h"

namespace thesaban::app {
namespace net = boost::asio;

namespace {

store::RedisOptions redis_options(const config::Config& config) {
    store::RedisOptions options = store::parse_redis_url(config.redis.url);
    options.pool_size = config.redis.pool_size;
    options.command_timeout = config.redis.command_timeout;
    return options;
}

http::ServerOptions server_options(const config::Config& config) {
    http::ServerOptions options;
    options.bind_address = config.server.bind_address;
    options.port = static_cast<unsigned short>(config.server.port);
    options.max_connections = config.server.max_connections;
    options.body_limit_bytes = config.server.body_limit_bytes;
    options.header_timeout = config.server.header_timeout;
    options.body_timeout = config.server.body_timeout;
    options.keep_alive_timeout = config.server.keep_alive_timeout;
    return options;
}

line::MessagingClientOptions api_options(const config::Config& config) {
    line::MessagingClientOptions options;
    options.api_base_url = config.line.api_base_url;
    options.data_api_base_url = config.line.data_api_base_url;
    options.channel_access_token = config.line.channel_access_token;
    options.timeout = config.line.request_timeout;
    options.retry.max_attempts = config.line.max_attempts;
    options.retry.initial_backoff = config.line.initial_backoff;
    options.retry.max_backoff = config.line.max_backoff;
    return options;
}

// GET /qr/<token>: a payment QR while its link is valid. Never cached: the amount is today's.
http::Response serve_qr(const std::optional<std::string>& png, bool reachable) {
    if (!reachable) return http::Response::text(503, "temporarily unavailable\n");
    if (!png) return http::Response::text(404, "not found (payment QR links expire)\n");
    http::Response r;
    r.status = 200;
    r.content_type = "image/png";
    r.body = *png;
    r.headers.emplace_back("Cache-Control", "no-store");
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
    return r;
}

class SystemClock final : public handlers::Clock {
public:
    int64_t now_ms() const override { return app::now_ms(); }
};

// Re-queues events that a crash or an outage left in the inbox: everything at start-up, then
// periodically whatever has waited longer than any normal processing takes.
class InboxSweeper {
public:
    explicit InboxSweeper(WebhookEndpoint& webhook) : webhook_(webhook), thread_([this] { loop(); }) {}
    ~InboxSweeper() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        thread_.join();
    }

private:
    void loop() {
        bool recovered_startup = false;
        std::unique_lock lock(mutex_);
        while (!stopping_) {
            lock.unlock();
            try {
                int64_t cutoff = recovered_startup ? now_ms() - kStaleAfter.count() : now_ms();
                webhook_.recover(cutoff);
                recovered_startup = true;
            } catch (const std::exception& e) {
                log::warn("sweeper", "inbox not reachable yet", {{"error", e.what()}});
            }
            lock.lock();
            wake_.wait_for(lock, recovered_startup ? kInterval : std::chrono::milliseconds(2000),
                           [this] { return stopping_; });
        }
    }

    static constexpr std::chrono::milliseconds kInterval{30000};
    static constexpr std::chrono::milliseconds kStaleAfter{120000};
    WebhookEndpoint& webhook_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace

int run_bot(const config::Config& config) {
    std::error_code ignored;
    std::filesystem::create_directories(config.data_dir, ignored);

    auto templates = templates::TemplateLibrary::load(config.templates_dir);
    store::RedisPool redis(redis_options(config));
    store::EventInbox inbox(redis, config.redis.key_prefix,
                            std::chrono::duration_cast<std::chrono::seconds>(config.redis.dedup_ttl));
    line::HttpClient http_client;
    line::HttpMessagingApi api(http_client, api_options(config));

    // Stores and services the conversations work through.
    SystemClock clock;
    store::RedisTicketStore ticket_store(redis, config.redis.key_prefix, config.ticket_prefix);
    store::RedisConversationStore conversations(
        redis, config.redis.key_prefix, std::chrono::duration_cast<std::chrono::seconds>(config.conversation_idle));
    store::RedisOutbox outbox(redis, config.redis.key_prefix);
    OutboxWorker outbox_worker(outbox, api, OutboxWorker::Options{});
    media::LineMediaStore media_store(api, config.data_dir, config.public_base_url, config.max_photo_bytes);
    line::CachedProfileLookup profiles(api);
    handlers::KeywordIntentClassifier classifier(config.intents);
    store::RedisAnnouncementStore announcement_store(redis, config.redis.key_prefix,
                                                     config.announcements.topic_keys());
    handlers::AnnouncementCards announcement_cards(config, templates);
    AnnouncementSender::Options sender_options;
    sender_options.broadcasts_per_hour = config.announcements.broadcasts_per_hour;
    sender_options.chunk_size = config.announcements.multicast_chunk_size;
    AnnouncementSender announcement_sender(announcement_store, api, announcement_cards, sender_options, now_ms);

    // Conversations: follow/unfollow bookkeeping first (it leaves follow to the welcome), officers
    // next (their postbacks and group commands), then residents' flows, then the welcome and help
    // answers for whatever nobody else took.
    handlers::GroupTicketAnnouncer announcer(config, templates, media_store, outbox);
    handlers::FlowDeps flow_deps{config, templates, ticket_store, media_store, announcer, profiles, clock};
    handlers::ComplaintFlow complaint_flow(flow_deps);
    handlers::StreetlightFlow streetlight_flow(flow_deps);
    handlers::TrackingFlow tracking_flow(config, templates, ticket_store, media_store, clock);
    store::RedisTaxStore tax_store(redis, config.redis.key_prefix);
    store::RedisLookupGuard lookup_guard(redis, config.redis.key_prefix, config.tax_chat.lookup_window,
                                         config.tax_chat.lookup_max_failures);
    store::RedisExpiringImages qr_images(redis, config.redis.key_prefix, config.public_base_url);
    tax::PromptPayQr payment_qr(config.tax.promptpay, qr_images);
    handlers::TaxFlow tax_flow(config, templates, tax_store, lookup_guard, payment_qr, clock);
    handlers::NewsFlow news_flow(config, templates, announcement_store, announcement_store);
    handlers::ResidentRouter resident_router(conversations, classifier,
                                             {&complaint_flow, &streetlight_flow, &tracking_flow, &tax_flow, &news_flow}, config);
    handlers::FollowTracker follow_tracker(announcement_store);
    handlers::AnnounceHandler announce_handler(config, templates, conversations, announcement_sender, clock);
    handlers::OfficerHandler officer_handler(config, templates, ticket_store, conversations, outbox, media_store, clock,
                                             profiles);
    handlers::GreetingHandler greeting(config, templates);

    Delivery delivery(api, config.line.reply_token_lifetime, now_ms);
    EventProcessor processor({&follow_tracker, &announce_handler, &officer_handler, &resident_router, &greeting},
                             delivery, inbox);
    EventDispatcher dispatcher(static_cast<std::size_t>(config.worker_threads),
                               [&](const line::Event& event) { processor.process(event); });
    BlockingPool blocking(config.redis.pool_size);
    WebhookEndpoint webhook(config.line.channel_secret, inbox, blocking, dispatcher);

    http::Router router;
    router.add("GET", "/media/*", [&](const http::Request& r) -> net::awaitable<http::Response> {
        http::Response response;
        co_await blocking.run([&] { response = media::serve_media(config.data_dir, r.path()); });
        co_return response;
    });
    router.add("GET", "/qr/*", [&](const http::Request& r) -> net::awaitable<http::Response> {
        std::optional<std::string> png;
        bool reachable = true;
        co_await blocking.run([&] {
            try {
                png = qr_images.find(r.path().substr(store::kQrPathPrefix.size()));
            } catch (const store::RedisUnavailable&) {
                reachable = false;
            }
        });
        co_return serve_qr(png, reachable);
    });
    router.add("POST", "/webhook", [&](const http::Request& r) { return webhook.handle(r); });
    AdminEndpoint admin(config.admin_token, config.announcements, announcement_store, announcement_sender, blocking,
                        now_ms);
    router.add("POST", "/admin/announcements", [&](const http::Request& r) { return admin.post(r); });
    router.add("GET", "/admin/announcements*", [&](const http::Request& r) { return admin.get(r); });
    router.add("GET", "/livez", [](const http::Request&) -> net::awaitable<http::Response> {
        co_return http::Response::text(200, "ok\n");
    });
    router.add("GET", "/readyz", [&](const http::Request&) -> net::awaitable<http::Response> {
        bool ready = false;
        co_await blocking.run([&] { ready = redis.ping(); });
        co_return ready ? http::Response::text(200, "ready\n") : http::Response::text(503, "redis unavailable\n");
    });

    net::io_context ioc(config.server.threads);
    http::HttpServer server(ioc, server_options(config), router);
    try {
        server.start();
    } catch (const std::exception& e) {
        log::error("app", "cannot listen", {{"address", config.server.bind_address}, {"error", e.what()}});
        return 1;
    }
    // Tests and operators read the port from this line (PORT=0 picks a free one).
    log::info("app", "listening", {{"port", std::to_string(server.port())}, {"address", config.server.bind_address}});

    auto sweeper = std::make_unique<InboxSweeper>(webhook);
    outbox_worker.start();
    announcement_sender.start();

    std::thread shutdown_thread;
    net::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int signal) {
        if (ec) return;
        log::info("app", "shutting down", {{"signal", std::to_string(signal)}});
        server.shutdown();
        shutdown_thread = std::thread([&] {
            auto deadline = std::chrono::steady_clock::now() + config.server.shutdown_grace;
            // In-flight requests first (they may still queue events), then the queued events.
            while (server.open_connections() > 0 && std::chrono::steady_clock::now() < deadline)
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (!dispatcher.drain(std::max(left, std::chrono::milliseconds(0))))
                log::warn("app", "events still queued at shutdown; they stay in the inbox for the next start",
                          {{"count", std::to_string(dispatcher.queued())}});
            ioc.stop();
        });
    });

    std::vector<std::thread> threads;
    for (int i = 1; i < config.server.threads; ++i) threads.emplace_back([&] { ioc.run(); });
    ioc.run();
    for (auto& t : threads) t.join();
    if (shutdown_thread.joinable()) shutdown_thread.join();

    sweeper.reset();
    dispatcher.stop();
    outbox_worker.stop();
    announcement_sender.stop();
    blocking.stop();
    log::info("app", "stopped");
    return 0;
}

}  // namespace thesaban::app
