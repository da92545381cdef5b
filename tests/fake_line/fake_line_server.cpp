#include "fake_line_server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <iostream>
#include <thread>
#include <vector>

namespace fake_line {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
constexpr auto use_tuple = net::as_tuple(net::use_awaitable);

// Far above LINE's 2 MB so that the handler can answer 413 the way LINE does; beyond this the
// connection is answered 413 and closed without reading the rest.
constexpr std::uint64_t kHardBodyLimit = 16 * 1024 * 1024;
constexpr auto kIdleTimeout = std::chrono::seconds(60);

Request to_request(const http::request<http::string_body>& req) {
    Request r;
    r.method = std::string(req.method_string());
    r.target = std::string(req.target());
    for (const auto& field : req) {
        std::string name(field.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        r.headers[name] = std::string(field.value());
    }
    r.body = req.body();
    return r;
}

http::response<http::string_body> to_response(const Response& out, unsigned version, bool keep_alive) {
    http::response<http::string_body> res;
    res.version(version);
    res.result(static_cast<unsigned>(out.status));
    res.set(http::field::server, "fake-line-api");
    res.set(http::field::content_type, out.content_type);
    for (const auto& [name, value] : out.headers) res.set(name, value);
    res.body() = out.body;
    res.keep_alive(keep_alive);
    res.prepare_payload();
    return res;
}

net::awaitable<void> session(beast::tcp_stream stream, FakeLineApi& api) {
    beast::flat_buffer buffer;
    for (;;) {
        // A fresh parser per request, so each gets its own body limit.
        http::request_parser<http::string_body> parser;
        parser.body_limit(kHardBodyLimit);
        stream.expires_after(kIdleTimeout);
        auto [ec, bytes] = co_await http::async_read(stream, buffer, parser, use_tuple);
        if (ec == http::error::body_limit) {
            Response too_large{413, "application/json", {}, "{\"message\":\"Request exceeds the max size of 2MB\"}"};
            auto res = to_response(too_large, 11, false);
            co_await http::async_write(stream, res, use_tuple);
            break;
        }
        if (ec) break;  // closed by the client, idle timeout or a malformed request: nothing to answer
        const auto& req = parser.get();
        Response out = api.handle(to_request(req));
        if (out.delay.count() > 0) {
            net::steady_timer timer(co_await net::this_coro::executor);
            timer.expires_after(out.delay);
            co_await timer.async_wait(use_tuple);
        }
        auto res = to_response(out, req.version(), req.keep_alive());
        stream.expires_after(kIdleTimeout);
        auto [write_ec, written] = co_await http::async_write(stream, res, use_tuple);
        if (write_ec || !res.keep_alive()) break;
    }
    beast::error_code ignored;  // the peer may already be gone
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

net::awaitable<void> listen(tcp::acceptor& acceptor, FakeLineApi& api) {
    for (;;) {
        auto [ec, socket] = co_await acceptor.async_accept(net::make_strand(acceptor.get_executor()), use_tuple);
        if (ec == net::error::operation_aborted) co_return;
        if (ec) continue;  // e.g. EMFILE: keep serving the connections we have
        auto executor = socket.get_executor();
        net::co_spawn(executor, session(beast::tcp_stream(std::move(socket)), api), net::detached);
    }
}

}  // namespace

int run_server(FakeLineApi& api, unsigned short port, const std::function<void(unsigned short)>& on_listening) {
    net::io_context ioc;
    tcp::acceptor acceptor(ioc);
    tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port);
    beast::error_code ec;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor.bind(endpoint, ec);
    if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
        std::cerr << "fake-line-api: cannot listen on 127.0.0.1:" << port << ": " << ec.message() << std::endl;
        return 1;
    }
    on_listening(acceptor.local_endpoint().port());

    net::signal_set signals(ioc, SIGTERM, SIGINT);
    signals.async_wait([&](const beast::error_code&, int) { ioc.stop(); });
    net::co_spawn(ioc, listen(acceptor, api), net::detached);

    // Two threads so a slow client cannot stall the others; each connection is on its own strand.
    std::thread second([&ioc] { ioc.run(); });
    ioc.run();
    second.join();
    return 0;
}

}  // namespace fake_line
