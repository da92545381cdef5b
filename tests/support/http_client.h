#pragma once
// A tiny synchronous HTTP/1.1 client for tests over loopback (the bot, the fake LINE API).
// One connection per request (Connection: close). Beast stays in the .cpp.
#include <chrono>
#include <map>
#include <string>

namespace thesaban::testing {

struct HttpResult {
    int status = 0;                              // 0: could not connect, or no answer in time
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
    std::string error;  // why status is 0

    std::string header(const std::string& lower_case_name) const {
        auto it = headers.find(lower_case_name);
        return it == headers.end() ? std::string() : it->second;
    }
};

// Sends `method target` to 127.0.0.1:`port`; a non-empty body without a Content-Type header is
// sent as application/json.
HttpResult http_request(int port, const std::string& method, const std::string& target, const std::string& body = {},
                        const std::map<std::string, std::string>& headers = {},
                        std::chrono::milliseconds timeout = std::chrono::seconds(10));

// A raw TCP connection to 127.0.0.1:`port` (a file descriptor, -1 on failure), for tests that
// speak to the server byte by byte (slow clients, idle connections, the connection cap).
int connect_loopback(int port);

}  // namespace thesaban::testing
