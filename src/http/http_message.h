#pragma once
// The HTTP layer's view of a request and a response: plain data, no Beast, so endpoint code and
// its tests never include Beast.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace thesaban::http {

struct Request {
    std::string method;  // "GET", "POST", ...
    std::string target;  // path and query as received
    std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
    std::string body;
    std::string remote_address;

    std::string_view path() const;  // target without the query string
    // The first header with this name (case-insensitive), or empty.
    std::string_view header(std::string_view name) const;
};

struct Response {
    int status = 200;
    std::string content_type = "text/plain; charset=utf-8";
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;

    static Response text(int status, std::string body);
    static Response json(int status, std::string body);
};

}  // namespace thesaban::http
