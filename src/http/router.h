#pragma once
// Maps method + path to an endpoint. Cross-cutting answers (404, 405 with Allow) live here once.
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <string>
#include <vector>

#include "http/http_message.h"

namespace thesaban::http {

using Endpoint = std::function<boost::asio::awaitable<Response>(const Request&)>;

class Router {
public:
    // `path` is exact, or a prefix when it ends with '*'.
    void add(std::string method, std::string path, Endpoint endpoint);
    boost::asio::awaitable<Response> handle(const Request& request) const;

private:
    struct Route {
        std::string method;
        std::string path;
        Endpoint endpoint;
        bool matches_path(std::string_view p) const;
    };
    std::vector<Route> routes_;
};

}  // namespace thesaban::http
