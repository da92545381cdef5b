#pragma once
// Internal to the HTTP layer: what the listener and its sessions share.
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "http/server.h"

namespace thesaban::http {

// One connection as the listener sees it, so that shutdown can close the idle ones.
struct Connection {
    explicit Connection(boost::asio::ip::tcp::socket socket) : stream(std::move(socket)) {}
    boost::beast::tcp_stream stream;
    std::atomic<bool> busy{false};  // a request is being read, handled or answered
};

struct HttpServer::State {
    State(std::vector<boost::asio::io_context*> loops, ServerOptions opts, const Router& r)
        : options(std::move(opts)), router(r) {
        for (auto* ioc : loops) acceptors.emplace_back(*ioc);
    }

    ServerOptions options;
    const Router& router;
    std::vector<boost::asio::ip::tcp::acceptor> acceptors;  // one per loop
    std::atomic<bool> stopping{false};
    std::atomic<std::size_t> open{0};

    std::mutex connections_mutex;
    std::unordered_map<Connection*, std::weak_ptr<Connection>> connections;
};

// Serves one connection until it closes; runs on the connection's own strand.
boost::asio::awaitable<void> run_session(std::shared_ptr<HttpServer::State> state,
                                         std::shared_ptr<Connection> connection);

}  // namespace thesaban::http
