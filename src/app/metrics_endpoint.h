#pragma once
// GET /metrics in Prometheus's text format, for the municipality's monitoring: the process's
// counters and histograms (core/metrics.h), the components' own stats, and what lives in Redis
// (inbox and outbox depth, tickets by state and department), read for each scrape. Behind the
// admin token, like the rest of the operator's API (Prometheus sends it as a bearer token).
#include <boost/asio/awaitable.hpp>
#include <string>
#include <vector>

#include "http/http_message.h"
#include "store/leased_queue.h"
#include "store/outbox.h"
#include "store/redis_ticket_store.h"

namespace thesaban::app {

class MetricsEndpoint {
public:
    MetricsEndpoint(std::string admin_token, store::LeasedQueue& inbox, store::RedisOutbox& outbox,
                    store::RedisTicketStore& tickets, std::vector<std::string> departments);
    boost::asio::awaitable<http::Response> handle(const http::Request& request);

    // The Redis part of the page (or a gauge saying Redis could not be read); on a fiber.
    std::string read_redis_gauges();

private:
    std::string admin_token_;
    store::LeasedQueue& inbox_;
    store::RedisOutbox& outbox_;
    store::RedisTicketStore& tickets_;
    std::vector<std::string> departments_;
};

}  // namespace thesaban::app
