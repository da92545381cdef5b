#include "app/metrics_endpoint.h"

#include "app/admin_endpoint.h"  // bearer_matches
#include "core/metrics.h"
#include "runtime/fiber_task.h"
#include "store/redis.h"

namespace thesaban::app {

MetricsEndpoint::MetricsEndpoint(std::string admin_token, store::LeasedQueue& inbox, store::RedisOutbox& outbox,
                                 store::RedisTicketStore& tickets, std::vector<std::string> departments)
    : admin_token_(std::move(admin_token)),
      inbox_(inbox),
      outbox_(outbox),
      tickets_(tickets),
      departments_(std::move(departments)) {}

std::string MetricsEndpoint::read_redis_gauges() {
    metrics::Writer out;
    try {
        out.gauge("thesaban_inbox_pending_events", "Events stored and not yet answered (all processes)", {},
                  static_cast<double>(inbox_.pending()));
        out.gauge("thesaban_outbox_pending_messages", "Pushes stored and not yet delivered (all processes)", {},
                  static_cast<double>(outbox_.size()));
        auto counts = tickets_.counts(departments_);
        for (const auto& [status, n] : counts.by_status)
            out.gauge("thesaban_tickets", "Tickets by state", {{"state", tickets::status_key(status)}},
                      static_cast<double>(n));
        for (const auto& [department, n] : counts.open_by_department)
            out.gauge("thesaban_tickets_open", "Open tickets by department", {{"department", department}},
                      static_cast<double>(n));
        out.gauge("thesaban_redis_readable", "1 when this scrape could read Redis", {}, 1);
    } catch (const store::RedisUnavailable&) {
        metrics::Writer failed;
        failed.gauge("thesaban_redis_readable", "1 when this scrape could read Redis", {}, 0);
        return failed.take();
    }
    return out.take();
}

boost::asio::awaitable<http::Response> MetricsEndpoint::handle(const http::Request& request) {
    if (admin_token_.empty()) co_return http::Response::text(404, "Not Found\n");
    if (!bearer_matches(request.header("authorization"), admin_token_)) {
        http::Response r = http::Response::text(401, "a valid \"Authorization: Bearer <ADMIN_TOKEN>\" header is required\n");
        r.headers.emplace_back("WWW-Authenticate", "Bearer");
        co_return r;
    }
    std::string from_redis;
    // A few Redis calls on a fiber of this loop, over the loop's connection.
    co_await runtime::on_fiber([&] { from_redis = read_redis_gauges(); });
    http::Response r = http::Response::text(200, metrics::registry().render(from_redis));
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    co_return r;
}

}  // namespace thesaban::app
