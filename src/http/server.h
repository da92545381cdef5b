#pragma once
// The HTTP/1.1 server: one acceptor per event loop on the same port (SO_REUSEPORT, so the kernel
// spreads connections over the loops), each connection served on the loop that accepted it. It
// knows routes, limits and timeouts, nothing of LINE or tickets.
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "http/router.h"

namespace boost::asio {
class io_context;
}

namespace thesaban::http {

struct ServerOptions {
    std::string bind_address = "0.0.0.0";
    unsigned short port = 8080;  // 0: any free port
    std::size_t max_connections = 4096;
    std::size_t body_limit_bytes = 1024 * 1024;
    std::size_t header_limit_bytes = 16 * 1024;
    std::chrono::milliseconds header_timeout{10000};
    std::chrono::milliseconds body_timeout{15000};
    std::chrono::milliseconds keep_alive_timeout{75000};
    std::chrono::milliseconds write_timeout{15000};
};

class HttpServer {
public:
    // Each io_context must be run by exactly one thread (a session takes no strand).
    HttpServer(std::vector<boost::asio::io_context*> loops, ServerOptions options, const Router& router);
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Binds and starts accepting; throws std::system_error when the address cannot be bound.
    void start();
    unsigned short port() const;
    // Stops accepting and closes idle keep-alive connections; requests in flight finish and get
    // their answers (with Connection: close).
    void shutdown();
    std::size_t open_connections() const;

    struct State;  // shared with the sessions

private:
    std::shared_ptr<State> state_;
};

}  // namespace thesaban::http
