#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "core/log.h"
#include "http/server_state.h"

namespace thesaban::http {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

namespace {

bhttp::response<bhttp::string_body> to_beast(Response&& response, unsigned version, bool keep_alive, bool head) {
    bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(response.status), version};
    out.set(bhttp::field::server, "thesaban-bot");
    out.set(bhttp::field::content_type, response.content_type);
    for (auto& [name, value] : response.headers) out.set(name, value);
    out.body() = std::move(response.body);
    out.prepare_payload();
    if (head) out.body().clear();
    out.keep_alive(keep_alive);
    return out;
}

Request to_request(bhttp::request<bhttp::string_body>&& in, const std::string& remote) {
    Request out;
    out.method = std::string(in.method_string());
    out.target = std::string(in.target());
    out.headers.reserve(8);
    for (const auto& field : in) {
        std::string name(field.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        out.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    out.body = std::move(in.body());
    out.remote_address = remote;
    return out;
}

// An answer the session gives by itself, before any endpoint sees the request.
net::awaitable<void> answer_and_close(Connection& connection, const HttpServer::State& state, int status,
                                      std::string body) {
    auto response = to_beast(Response::text(status, std::move(body)), 11, false, false);
    connection.stream.expires_after(state.options.write_timeout);
    co_await bhttp::async_write(connection.stream, response, net::as_tuple(net::use_awaitable));
}

}  // namespace

net::awaitable<void> run_session(std::shared_ptr<HttpServer::State> state, std::shared_ptr<Connection> connection) {
    auto& stream = connection->stream;
    const auto& options = state->options;
    std::string remote;
    {
        boost::system::error_code ec;
        auto endpoint = stream.socket().remote_endpoint(ec);
        if (!ec) remote = endpoint.address().to_string();
    }
    beast::flat_buffer buffer;
    bool first = true;

    while (!state->stopping) {
        // A fresh parser per request, with explicit limits.
        bhttp::request_parser<bhttp::string_body> parser;
        parser.body_limit(options.body_limit_bytes);
        parser.header_limit(static_cast<std::uint32_t>(options.header_limit_bytes));

        connection->busy = false;
        if (!first && buffer.size() == 0) {
            // An idle keep-alive connection may wait for its next request's first bytes; once they
            // come, the header must follow within header_timeout like on a new connection, or a
            // slowloris client could trickle a header for the whole keep-alive time.
            stream.expires_after(options.keep_alive_timeout);
            auto [idle_ec, idle_bytes] = co_await stream.async_read_some(buffer.prepare(options.header_limit_bytes),
                                                                       net::as_tuple(net::use_awaitable));
            if (idle_ec) break;
            buffer.commit(idle_bytes);
        }
        stream.expires_after(options.header_timeout);
        auto [header_ec, header_bytes] =
            co_await bhttp::async_read_header(stream, buffer, parser, net::as_tuple(net::use_awaitable));
        connection->busy = true;
        first = false;
        if (header_ec == bhttp::error::body_limit) {
            co_await answer_and_close(*connection, *state, 413, "Payload Too Large\n");
            break;
        }
        if (header_ec == bhttp::error::header_limit) {
            co_await answer_and_close(*connection, *state, 431, "Request Header Fields Too Large\n");
            break;
        }
        if (header_ec) {
            // end_of_stream, a timeout, a cancel at shutdown: nothing to answer. A protocol error: 400.
            if (header_ec == bhttp::error::end_of_stream || header_ec == beast::error::timeout ||
                header_ec == net::error::operation_aborted ||
                header_ec == net::error::eof || header_ec == net::error::connection_reset)
                break;
            co_await answer_and_close(*connection, *state, 400, "Bad Request\n");
            break;
        }

        stream.expires_after(options.body_timeout);
        auto [body_ec, body_bytes] = co_await bhttp::async_read(stream, buffer, parser, net::as_tuple(net::use_awaitable));
        if (body_ec == bhttp::error::body_limit) {
            co_await answer_and_close(*connection, *state, 413, "Payload Too Large\n");
            break;
        }
        if (body_ec) {
            if (body_ec == beast::error::timeout)
                co_await answer_and_close(*connection, *state, 408, "Request Timeout\n");
            break;
        }

        auto message = parser.release();
        const bool keep_alive_requested = message.keep_alive();
        const unsigned version = message.version();
        const bool head = message.method() == bhttp::verb::head;
        Request request = to_request(std::move(message), remote);
        stream.expires_never();  // the endpoint may wait on Redis; it has its own timeouts

        Response response;
        try {
            response = co_await state->router.handle(request);
        } catch (const std::exception& e) {
            log::error("http", "endpoint failed", {{"path", std::string(request.path())}, {"error", e.what()}});
            response = Response::text(500, "Internal Server Error\n");
        }

        const bool keep_alive = keep_alive_requested && !state->stopping;
        auto out = to_beast(std::move(response), version, keep_alive, head);
        stream.expires_after(options.write_timeout);
        auto [write_ec, written] = co_await bhttp::async_write(stream, out, net::as_tuple(net::use_awaitable));
        if (write_ec || !keep_alive) break;
    }

    connection->busy = false;
    boost::system::error_code ignored;
    stream.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
    stream.close();
}

}  // namespace thesaban::http
