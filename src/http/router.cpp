#include "http/router.h"

namespace thesaban::http {

bool Router::Route::matches_path(std::string_view p) const {
    if (!path.empty() && path.back() == '*') return p.substr(0, path.size() - 1) == std::string_view(path).substr(0, path.size() - 1);
    return p == path;
}

void Router::StatusCounters::count(int status) {
    if (status < 0 || status >= static_cast<int>(by_status_.size())) status = 0;
    auto& slot = by_status_[static_cast<std::size_t>(status)];
    metrics::Counter* counter = slot.load(std::memory_order_acquire);
    if (!counter) {
        counter = &metrics::registry().counter("thesaban_http_responses_total", "HTTP answers by route and status",
                                               {{"route", route_}, {"status", std::to_string(status)}});
        slot.store(counter, std::memory_order_release);  // a race only looks the same counter up twice
    }
    counter->inc();
}

void Router::add(std::string method, std::string path, Endpoint endpoint) {
    auto counters = std::make_unique<StatusCounters>(method + " " + path);
    routes_.push_back(Route{std::move(method), std::move(path), std::move(endpoint), std::move(counters)});
}

boost::asio::awaitable<Response> Router::handle(const Request& request) const {
    std::string allowed;
    for (const auto& route : routes_) {
        if (!route.matches_path(request.path())) continue;
        if (route.method == request.method || (route.method == "GET" && request.method == "HEAD")) {
            Response response = co_await route.endpoint(request);
            route.counters->count(response.status);
            co_return response;
        }
        if (allowed.find(route.method) == std::string::npos) allowed += (allowed.empty() ? "" : ", ") + route.method;
    }
    if (!allowed.empty()) {
        Response r = Response::text(405, "Method Not Allowed\n");
        r.headers.emplace_back("Allow", allowed);
        unmatched_->count(405);
        co_return r;
    }
    unmatched_->count(404);
    co_return Response::text(404, "Not Found\n");
}

}  // namespace thesaban::http
