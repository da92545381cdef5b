#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "core/log.h"
#include "http/server_state.h"

namespace thesaban::http {
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

constexpr std::string_view kBusyResponse =
    "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 20\r\n"
    "Connection: close\r\nRetry-After: 1\r\n\r\nToo many connections";

net::awaitable<void> refuse(tcp::socket socket) {
    // Over the connection cap: a short 503 instead of a silent reset, so LINE redelivers.
    co_await net::async_write(socket, net::buffer(kBusyResponse), net::as_tuple(net::use_awaitable));
    boost::system::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
}

net::awaitable<void> accept_loop(std::shared_ptr<HttpServer::State> state, tcp::acceptor& acceptor) {
    for (;;) {
        // The connection stays on this acceptor's loop, whose one thread is its implicit strand.
        auto [ec, socket] = co_await acceptor.async_accept(net::as_tuple(net::use_awaitable));
        if (ec) {
            if (state->stopping || ec == net::error::operation_aborted) co_return;
            // EMFILE and friends: log, back off briefly, keep serving the connections we have.
            log::warn("http", "accept failed", {{"error", ec.message()}});
            net::steady_timer timer(acceptor.get_executor(), std::chrono::milliseconds(50));
            co_await timer.async_wait(net::as_tuple(net::use_awaitable));
            continue;
        }
        if (state->open.load() >= state->options.max_connections) {
            auto executor = socket.get_executor();
            net::co_spawn(executor, refuse(std::move(socket)), net::detached);
            continue;
        }
        auto connection = std::make_shared<Connection>(std::move(socket));
        {
            std::lock_guard lock(state->connections_mutex);
            state->connections.emplace(connection.get(), connection);
        }
        ++state->open;
        auto executor = connection->stream.get_executor();
        net::co_spawn(executor, run_session(state, connection), [state, raw = connection.get()](std::exception_ptr e) {
            if (e) {
                try {
                    std::rethrow_exception(e);
                } catch (const std::exception& ex) {
                    log::error("http", "session failed", {{"error", ex.what()}});
                }
            }
            {
                std::lock_guard lock(state->connections_mutex);
                state->connections.erase(raw);
            }
            --state->open;
        });
    }
}

}  // namespace

HttpServer::HttpServer(std::vector<net::io_context*> loops, ServerOptions options, const Router& router)
    : state_(std::make_shared<State>(std::move(loops), std::move(options), router)) {}

HttpServer::~HttpServer() {
    boost::system::error_code ignored;
    for (auto& acceptor : state_->acceptors) acceptor.close(ignored);
}

void HttpServer::start() {
    auto address = net::ip::make_address(state_->options.bind_address);
    tcp::endpoint endpoint(address, state_->options.port);
    using reuse_port = net::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;
    for (auto& acceptor : state_->acceptors) {
        acceptor.open(endpoint.protocol());
        acceptor.set_option(net::socket_base::reuse_address(true));
        acceptor.set_option(reuse_port(true));
        acceptor.bind(endpoint);
        acceptor.listen(net::socket_base::max_listen_connections);
        // Port 0 picks a free port once; the other loops' acceptors share it.
        endpoint.port(acceptor.local_endpoint().port());
    }
    for (auto& acceptor : state_->acceptors)
        net::co_spawn(acceptor.get_executor(), accept_loop(state_, acceptor), net::detached);
}

unsigned short HttpServer::port() const { return state_->acceptors.front().local_endpoint().port(); }

void HttpServer::shutdown() {
    state_->stopping = true;
    for (auto& acceptor : state_->acceptors)
        net::post(acceptor.get_executor(), [state = state_, &acceptor] {
            boost::system::error_code ignored;
            acceptor.close(ignored);
        });
    std::vector<std::shared_ptr<Connection>> live;
    {
        std::lock_guard lock(state_->connections_mutex);
        for (auto& [raw, weak] : state_->connections)
            if (auto c = weak.lock()) live.push_back(std::move(c));
    }
    for (auto& connection : live) {
        // Only idle connections are cut; a busy one closes itself after its answer.
        net::post(connection->stream.get_executor(), [connection] {
            if (!connection->busy) connection->stream.socket().cancel();
        });
    }
}

std::size_t HttpServer::open_connections() const { return state_->open.load(); }

}  // namespace thesaban::http
