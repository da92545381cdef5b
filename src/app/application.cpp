#include "app/application.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "app/admin_endpoint.h"
#include "app/announcement_sender.h"
#include "app/blocking_pool.h"
#include "app/chat_runner.h"
#include "app/concurrency_limit.h"
#include "app/delivery.h"
#include "app/event_processor.h"
#include "app/lease_keeper.h"
#include "app/metrics_endpoint.h"
#include "app/outbox_sender.h"
#include "app/webhook_endpoint.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/random.h"
#include "core/word_segmenter.h"
#include "handlers/announcements/announce_handler.h"
#include "handlers/announcements/announcement_cards.h"
#include "handlers/announcements/follow_tracker.h"
#include "handlers/announcements/news_flow.h"
#include "handlers/assist/assist_flow.h"
#include "handlers/common/flood_guard.h"
#include "handlers/common/greeting_handler.h"
#include "handlers/common/intent_model.h"
#include "handlers/common/main_menu.h"
#include "handlers/common/resident_router.h"
#include "handlers/complaint/complaint_flow.h"
#include "handlers/officer/officer_handler.h"
#include "handlers/officer/ticket_announcer.h"
#include "handlers/streetlight/streetlight_flow.h"
#include "handlers/tax/tax_flow.h"
#include "handlers/tracking/tracking_flow.h"
#include "http/address_rate_limiter.h"
#include "http/router.h"
#include "http/server.h"
#include "line/async_http_client.h"
#include "line/http_client.h"
#include "line/messaging_client.h"
#include "line/profile_cache.h"
#include "media/line_media_store.h"
#include "media/media_endpoint.h"
#include "media/media_files.h"
#include "runtime/event_loops.h"
#include "runtime/fiber.h"
#include "runtime/fiber_task.h"
#include "runtime/loop_http.h"
#include "runtime/loop_redis.h"
#include "store/async_redis.h"
#include "store/leased_queue.h"
#include "store/outbox.h"
#include "store/redis_announcement_store.h"
#include "store/redis_message_rate_limiter.h"
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
    if (!config.redis.sentinels.empty()) {
        options.sentinels = store::parse_sentinels(config.redis.sentinels);
        options.sentinel_master = config.redis.sentinel_master;
    }
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
    // Between attempts a fiber waits on a timer; its loop serves everyone else meanwhile.
    options.sleep = [](std::chrono::milliseconds d) { runtime::sleep_for(d); };
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

std::size_t loop_count(const config::Config& config) {
    if (config.server.threads > 0) return static_cast<std::size_t>(config.server.threads);
    return std::max(1u, std::thread::hardware_concurrency());
}

// Unique per start: a restarted process never mistakes its predecessor's leases for its own.
std::vector<std::string> department_keys(const config::Config& config) {
    std::vector<std::string> keys;
    for (const auto& d : config.departments) keys.push_back(d.key);
    return keys;
}

// The components' own counters, read at each scrape of /metrics; removed with the returned guard.
struct CollectorGuard {
    std::size_t id;
    ~CollectorGuard() { metrics::registry().remove_collector(id); }
};
CollectorGuard register_collectors(const ChatRunner& runner, const OutboxSender& outbox_sender) {
    const auto started = static_cast<double>(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
    return CollectorGuard{metrics::registry().add_collector([&runner, &outbox_sender, started](metrics::Writer& out) {
        const auto& r = runner.stats();
        out.gauge("thesaban_process_start_time_seconds", "When this bot process started (Unix time)", {}, started);
        out.counter("thesaban_events_total", "Events run", {}, static_cast<double>(r.events.load()));
        out.counter("thesaban_events_late_total", "Events run after their reply token expired (answered by push)", {},
                    static_cast<double>(r.late_events.load()));
        out.counter("thesaban_event_retries_total", "Events run again after Redis was unavailable", {},
                    static_cast<double>(r.retries.load()));
        out.counter("thesaban_chats_taken_over_total", "Chats left because another process took them over", {},
                    static_cast<double>(r.leases_lost.load()));
        const auto& o = outbox_sender.stats();
        out.counter("thesaban_outbox_sent_total", "Pushes and retried replies delivered", {},
                    static_cast<double>(o.sent.load()));
        out.counter("thesaban_outbox_refused_total", "Pushes LINE refused for good (dropped)", {},
                    static_cast<double>(o.refused.load()));
        out.counter("thesaban_outbox_retries_total", "Push attempts repeated after a failure", {},
                    static_cast<double>(o.retries.load()));
    })};
}

std::string process_owner() {
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    return std::string(host) + ":" + std::to_string(::getpid()) + ":" + random_uuid().substr(0, 8);
}

class SystemClock final : public handlers::Clock {
public:
    int64_t now_ms() const override { return app::now_ms(); }
};

}  // namespace

int run_bot(const config::Config& config) {
    std::error_code ignored;
    std::filesystem::create_directories(config.data_dir, ignored);

    auto templates = templates::TemplateLibrary::load(config.templates_dir);
    const store::RedisOptions redis_settings = redis_options(config);
    // On the event loops every Redis command and LINE call suspends a fiber on the loop's own
    // connection; the blocking pool and client serve the threads that are not loops (/media, /qr,
    // /admin on the bounded pool, the command-line tools).
    store::RedisPool blocking_redis(redis_settings);
    runtime::LoopRedis redis(blocking_redis);
    line::HttpClient blocking_http;
    runtime::LoopHttpTransport http_transport(blocking_http);
    line::HttpMessagingApi api(http_transport, api_options(config));
    const std::string owner = process_owner();
    store::LeasedQueue inbox(redis, config.redis.key_prefix,
                             std::chrono::duration_cast<std::chrono::seconds>(config.redis.dedup_ttl), owner,
                             config.redis.lease_ttl);

    // Stores and services the conversations work through.
    SystemClock clock;
    store::RedisTicketStore ticket_store(redis, config.redis.key_prefix, config.ticket_prefix);
    ticket_store.confirm_on_replicas(config.redis.confirm_replicas, config.redis.confirm_timeout);
    store::RedisConversationStore conversations(
        redis, config.redis.key_prefix, std::chrono::duration_cast<std::chrono::seconds>(config.conversation_idle));
    store::RedisOutbox outbox(redis, config.redis.key_prefix, owner, config.redis.lease_ttl);
    media::LineMediaStore media_store(api, config.data_dir, config.public_base_url, config.max_photo_bytes);
    line::CachedProfileLookup profiles(api);
    // Trained here, before the first event: about 0.1 s for the example corpus (logged).
    const auto word_segmenter = make_thai_word_segmenter();
    const handlers::StatisticalIntentClassifier classifier(handlers::ClassifierSettings::from(config), *word_segmenter);
    log::info("app", "intent classifier trained",
              {{"utterances", std::to_string(classifier.training_size())},
               {"features", std::to_string(classifier.feature_count())},
               {"ms", std::to_string(classifier.training_time().count() / 1000)}});
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
    handlers::AssistFlow assist_flow(config);
    // Residents' conversations outlive conversation_idle by a day, so the router can tell a draft that
    // timed out ("หมดเวลา", resumable) from one that never was; it enforces the idle time itself.
    store::RedisConversationStore resident_conversations(
        redis, config.redis.key_prefix,
        std::chrono::duration_cast<std::chrono::seconds>(config.conversation_idle + std::chrono::hours(24)));
    handlers::ResidentRouter resident_router(resident_conversations, classifier,
                                             {&complaint_flow, &streetlight_flow, &tracking_flow, &tax_flow, &news_flow,
                                              &assist_flow},
                                             config, clock);
    handlers::FollowTracker follow_tracker(announcement_store);
    handlers::AnnounceHandler announce_handler(config, templates, conversations, announcement_sender, clock);
    handlers::OfficerHandler officer_handler(config, templates, ticket_store, conversations, outbox, media_store, clock,
                                             profiles);
    handlers::GreetingHandler greeting(config, templates);
    store::RedisMessageRateLimiter message_limiter(redis, config.redis.key_prefix, config.limits.messages_per_minute,
                                                   config.limits.flood_quiet);
    handlers::FloodGuard flood_guard(config, message_limiter);

    Delivery delivery(api, outbox, config.line.reply_token_lifetime, now_ms);
    // A resident's flood is stopped before any flow or officer sees it.
    EventProcessor processor(
        {&flood_guard, &follow_tracker, &announce_handler, &officer_handler, &resident_router, &greeting}, delivery);

    runtime::EventLoops loops(loop_count(config), config.server.fibers_per_loop);
    ChatRunner runner(processor, inbox, config.line.reply_token_lifetime, &now_ms);
    WebhookEndpoint webhook(config.line.channel_secret, loops, inbox, runner, config.server.max_events_in_flight,
                            config.server.max_pending_events, api,
                            json::to_string(handlers::text_message(config.texts.at("storage_unavailable"))));
    OutboxSender outbox_sender(loops, outbox, api, OutboxSender::Options{});
    // Before any event can push: a push whose recipient is leased to us must find its sender (it
    // waits in the loop's queue until the loop runs).
    outbox_sender.start();
    LeaseKeeper lease_keeper(
        loops, {{"inbox", &inbox,
                 [&](runtime::Loop& loop, store::LeasedEvent leased) { runner.resume(loop, std::move(leased)); },
                 [&] { return inbox.adopt_legacy(500); }},
                {"outbox", &outbox.queue(),
                 [&](runtime::Loop&, store::LeasedEvent leased) { outbox_sender.run(std::move(leased), true); },
                 [&] { return outbox.adopt_legacy(); }}});
    // Reading a photo file (up to 10 MiB from disk) and the admin API may block: a small pool of
    // their own, so they never delay a webhook. Each kind of request has its own cap.
    BlockingPool blocking(2);
    ConcurrencyLimit media_limit(32), qr_limit(64), admin_limit(8);
    // And each client address its pace (limits.*_per_minute), against scraping and guessing.
    http::AddressRateLimiter media_pace(config.limits.media_per_minute), qr_pace(config.limits.qr_per_minute),
        admin_pace(config.limits.admin_per_minute);
    auto over_pace = [&](http::AddressRateLimiter& pace, const http::Request& r) -> std::optional<http::Response> {
        std::chrono::seconds retry_after{1};
        if (pace.allow(http::client_address(r, config.limits.trusted_proxies), http::AddressRateLimiter::Clock::now(),
                       &retry_after))
            return std::nullopt;
        return http::AddressRateLimiter::too_many(retry_after);
    };
    auto busy = [] {
        http::Response r = http::Response::text(503, "busy, try again\n");
        r.headers.emplace_back("Retry-After", "1");
        return r;
    };

    http::Router router;
    router.add("GET", "/media/*", [&](const http::Request& r) -> net::awaitable<http::Response> {
        if (auto refused = over_pace(media_pace, r)) co_return std::move(*refused);
        auto slot = media_limit.try_acquire();
        if (!slot) co_return busy();
        http::Response response;
        co_await blocking.run([&] { response = media::serve_media(config.data_dir, r.path()); });
        co_return response;
    });
    router.add("GET", "/qr/*", [&](const http::Request& r) -> net::awaitable<http::Response> {
        if (auto refused = over_pace(qr_pace, r)) co_return std::move(*refused);
        auto slot = qr_limit.try_acquire();
        if (!slot) co_return busy();
        std::optional<std::string> png;
        bool reachable = true;
        // One Redis GET: on a fiber of this loop, over the loop's connection.
        co_await runtime::on_fiber([&] {
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
    // Every admin call is logged with where it came from (the network, not the machine).
    auto admin_call = [&](const http::Request& r, bool post) -> net::awaitable<http::Response> {
        http::Request call = r;
        call.remote_address = log::mask_address(http::client_address(r, config.limits.trusted_proxies));
        http::Response response;
        if (auto refused = over_pace(admin_pace, r)) {
            response = std::move(*refused);
        } else if (auto slot = admin_limit.try_acquire(); !slot) {
            response = busy();
        } else {
            if (post)
                response = co_await admin.post(call);
            else
                response = co_await admin.get(call);
        }
        log::info("admin", "admin call",
                  {{"method", call.method}, {"path", std::string(call.path())}, {"remote", call.remote_address},
                   {"status", std::to_string(response.status)}});
        co_return response;
    };
    router.add("POST", "/admin/announcements", [&](const http::Request& r) { return admin_call(r, true); });
    router.add("GET", "/admin/announcements*", [&](const http::Request& r) { return admin_call(r, false); });
    MetricsEndpoint metrics_endpoint(config.admin_token, inbox, outbox, ticket_store, department_keys(config));
    router.add("GET", "/metrics", [&](const http::Request& r) -> net::awaitable<http::Response> {
        if (auto refused = over_pace(admin_pace, r)) co_return std::move(*refused);
        co_return co_await metrics_endpoint.handle(r);
    });
    const CollectorGuard collectors = register_collectors(runner, outbox_sender);
    router.add("GET", "/livez", [](const http::Request&) -> net::awaitable<http::Response> {
        co_return http::Response::text(200, "ok\n");
    });
    router.add("GET", "/readyz", [&](const http::Request&) -> net::awaitable<http::Response> {
        // Ready when every loop has its connection (a webhook may land on any), this loop's Redis
        // answers and takes a write (OOM and MISCONF refuse writes while PING may still pass), and
        // DATA_DIR takes a file. The body names what is wrong.
        auto* loop = runtime::current_loop();
        std::string problem = loop ? "" : "not on an event loop";
        for (std::size_t i = 0; problem.empty() && i < loops.size(); ++i)
            if (!loops.at(i).redis->connected()) problem = "redis unavailable";
        if (problem.empty()) {
            std::vector<std::string> probe{"SET", config.redis.key_prefix + "readyz:" + owner, "1", "PX", "10000"};
            auto [ec, reply] = co_await loop->redis->async_command(std::move(probe), net::as_tuple(net::use_awaitable));
            if (ec)
                problem = "redis unavailable";
            else if (reply.is_error())
                problem = "redis refuses writes: " + reply.str.substr(0, reply.str.find('\n'));
        }
        std::optional<std::string> disk;
        co_await blocking.run([&] { disk = media::data_dir_write_problem(config.data_dir); });
        if (disk) problem += (problem.empty() ? "" : "; ") + ("data_dir: " + *disk);
        co_return problem.empty() ? http::Response::text(200, "ready\n") : http::Response::text(503, problem + "\n");
    });

    http::HttpServer server(loops.contexts(), server_options(config), router);
    try {
        server.start();
    } catch (const std::exception& e) {
        log::error("app", "cannot listen", {{"address", config.server.bind_address}, {"error", e.what()}});
        return 1;
    }
    loops.start([&](runtime::Loop& loop) {
        loop.redis = std::make_unique<store::AsyncRedis>(loop.ioc, redis_settings);
        loop.redis->start();
        loop.http = std::make_unique<line::AsyncHttpClient>(loop.ioc, line::HttpClientOptions{});
    });
    // Serve once each loop has its Redis connection (or after the connect timeout, with Redis down:
    // webhooks then get 503 until it is back), so the first webhook is not refused for nothing.
    auto connect_deadline = std::chrono::steady_clock::now() + redis_settings.connect_timeout;
    for (;;) {
        std::atomic<std::size_t> up{0};
        loops.run_on_each([&](runtime::Loop& loop) {
            if (loop.redis->connected()) ++up;
        });
        if (up == loops.size() || std::chrono::steady_clock::now() >= connect_deadline) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    lease_keeper.start();
    // On the loops, like the webhooks: their pushes go over the loops' LINE connections, their
    // waits are timers.
    announcement_sender.start_on(loops.at(loops.size() - 1));
    // Tests and operators read the port from this line (PORT=0 picks a free one).
    log::info("app", "listening",
              {{"port", std::to_string(server.port())},
               {"address", config.server.bind_address},
               {"loops", std::to_string(loops.size())}});

    // The main thread only waits for the signal and runs the shutdown; the loops keep serving.
    net::io_context signal_context(1);
    net::signal_set signals(signal_context, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int signal) {
        if (ec) return;
        log::info("app", "shutting down", {{"signal", std::to_string(signal)}});
        server.shutdown();
        auto deadline = std::chrono::steady_clock::now() + config.server.shutdown_grace;
        // Requests in flight first (they may still start events), then the events.
        while (server.open_connections() > 0 && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        while (webhook.events_in_flight() > 0 && std::chrono::steady_clock::now() < deadline)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        if (webhook.events_in_flight() > 0)
            log::warn("app", "events unfinished at shutdown; they stay in the inbox for the next process",
                      {{"count", std::to_string(webhook.events_in_flight())}});
        outbox_sender.stop();
        lease_keeper.stop_and_resign();
    });
    signal_context.run();

    // Its passes finish on the loops, so before these stop.
    announcement_sender.stop();
    loops.run_on_each([](runtime::Loop& loop) {
        if (loop.http) loop.http->stop();
        if (loop.redis) loop.redis->stop();
    });
    loops.stop();
    loops.join();
    blocking.stop();
    const auto& stats = runner.stats();
    log::info("app", "stopped",
              {{"events", std::to_string(stats.events.load())},
               {"late_events", std::to_string(stats.late_events.load())},
               {"retries", std::to_string(stats.retries.load())}});
    return 0;
}

}  // namespace thesaban::app
