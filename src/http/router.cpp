#include "http/router.h"

namespace thesaban::http {

bool Router::Route::matches_path(std::string_view p) const {
    if (!path.empty() && path.back() == '*') return p.substr(0, path.size() - 1) == std::string_view(path).substr(0, path.size() - 1);
    return p == path;
}

void Router::add(std::string method, std::string path, Endpoint endpoint) {
    routes_.push_back(Route{std::move(method), std::move(path), std::move(endpoint)});
}

boost::asio::awaitable<Response> Router::handle(const Request& request) const {
    std::string allowed;
    for (const auto& route : routes_) {
        if (!route.matches_path(request.path())) continue;
        if (route.method == request.method || (route.method == "GET" && request.method == "HEAD")) {
            co_return co_await route.endpoint(request);
        }
        if (allowed.find(route.method) == std::string::npos) allowed += (allowed.empty() ? "" : ", ") + route.method;
    }
    if (!allowed.empty()) {
        Response r = Response::text(405, "Method Not Allowed\n");
        r.headers.emplace_back("Allow", allowed);
        co_return r;
    }
    co_return Response::text(404, "Not Found\n");
}

}  // namespace thesaban::http
