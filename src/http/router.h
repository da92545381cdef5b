#pragma once
// Maps method + path to an endpoint. Cross-cutting answers (404, 405 with Allow) live here once,
// and so does counting each route's answers by status (thesaban_http_responses_total).
#include <boost/asio/awaitable.hpp>
#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/metrics.h"

#include "http/http_message.h"

namespace thesaban::http {

using Endpoint = std::function<boost::asio::awaitable<Response>(const Request&)>;

class Router {
public:
    // `path` is exact, or a prefix when it ends with '*'.
    void add(std::string method, std::string path, Endpoint endpoint);
    boost::asio::awaitable<Response> handle(const Request& request) const;

private:
    // Per status code, the counter of one route; found in the registry once, then kept.
    class StatusCounters {
    public:
        explicit StatusCounters(std::string route) : route_(std::move(route)) {}
        void count(int status);

    private:
        std::string route_;
        std::array<std::atomic<metrics::Counter*>, 600> by_status_{};
    };
    struct Route {
        std::string method;
        std::string path;
        Endpoint endpoint;
        std::unique_ptr<StatusCounters> counters;
        bool matches_path(std::string_view p) const;
    };
    std::vector<Route> routes_;
    std::unique_ptr<StatusCounters> unmatched_ = std::make_unique<StatusCounters>("other");
};

}  // namespace thesaban::http
