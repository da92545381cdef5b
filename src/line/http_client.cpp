#include "line/http_client.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "core/log.h"
#include "line/http_common.h"

namespace thesaban::line {
namespace {
using namespace http_detail;

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kComponent = "http_client";

// One connection with its own io_context: async operations with tcp_stream timeouts are run to
// completion on the calling thread (synchronous Beast calls would ignore expires_after).
struct Connection {
    explicit Connection(ssl::context* tls_context) : ioc(1) {
        if (tls_context) {
            tls.emplace(ioc, *tls_context);
        } else {
            plain.emplace(ioc);
        }
    }
    ~Connection() {
        // No TLS close_notify: the peer treats a closed socket the same, and it could block.
        error_code ignored;
        lowest().socket().close(ignored);
    }

    beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }

    // Runs whatever was started on this connection until it completes (or times out).
    void run() {
        ioc.restart();
        ioc.run();
    }

    net::io_context ioc;  // declared first: destroyed after the streams that use it
    std::optional<beast::tcp_stream> plain;
    std::optional<ssl::stream<beast::tcp_stream>> tls;
    beast::flat_buffer buffer;
    Clock::time_point idle_since;
};

// An idle keep-alive connection is unusable when the server closed it (or sent something unasked).
bool looks_closed(Connection& c) { return idle_socket_looks_closed(c.lowest().socket().native_handle()); }

struct ExchangeResult {
    error_code ec;
    bool got_response_bytes = false;
    bool keep_alive = false;
};

template <class Stream>
ExchangeResult exchange(Connection& c, Stream& stream, http::request<http::string_body>& request,
                        Clock::time_point deadline, std::size_t body_limit, HttpResponse& out) {
    ExchangeResult result;
    c.lowest().expires_at(deadline);
    http::async_write(stream, request, [&](error_code ec, std::size_t) { result.ec = ec; });
    c.run();
    if (result.ec) return result;

    http::response_parser<http::string_body> parser;
    parser.body_limit(body_limit);
    if (request.method() == http::verb::head) parser.skip(true);
    c.lowest().expires_at(deadline);
    http::async_read(stream, c.buffer, parser, [&](error_code ec, std::size_t) { result.ec = ec; });
    c.run();
    result.got_response_bytes = parser.got_some() || c.buffer.size() > 0;
    if (result.ec) return result;
    c.lowest().expires_never();

    result.keep_alive = parser.get().keep_alive();
    convert_response(parser.get(), out);
    return result;
}

}  // namespace

struct HttpClient::Impl {
    explicit Impl(HttpClientOptions o) : options(std::move(o)), tls_context(ssl::context::tls_client) {
        configure_tls_context(tls_context, options.ca_file);
    }

    std::unique_ptr<Connection> take_idle(const std::string& origin) {
        std::lock_guard lock(mutex);
        auto it = pool.find(origin);
        if (it == pool.end()) return nullptr;
        auto& idle = it->second;
        auto oldest_allowed = Clock::now() - options.max_idle_time;
        while (!idle.empty()) {
            std::unique_ptr<Connection> c = std::move(idle.back());
            idle.pop_back();
            if (c->idle_since >= oldest_allowed && !looks_closed(*c)) return c;
        }
        return nullptr;
    }

    void put_idle(const std::string& origin, std::unique_ptr<Connection> c) {
        c->idle_since = Clock::now();
        std::lock_guard lock(mutex);
        auto& idle = pool[origin];
        if (idle.size() >= options.max_idle_per_origin) idle.erase(idle.begin());  // drop the oldest
        idle.push_back(std::move(c));
    }

    // Resolves, connects and (for https) completes the TLS handshake. Returns an error text or "".
    std::string connect(Connection& c, const Url& url, Clock::time_point deadline) {
        auto connect_deadline = std::min(deadline, Clock::now() + options.connect_timeout);
        std::vector<tcp::endpoint> endpoints;
        error_code ec;
        auto literal = net::ip::make_address(url.host, ec);
        if (!ec) {
            endpoints.emplace_back(literal, url.port);
        } else {
            // The resolver is not covered by tcp_stream's timeout; a timer cancels it instead.
            tcp::resolver resolver(c.ioc);
            net::steady_timer timer(c.ioc);
            timer.expires_at(connect_deadline);
            bool timed_out = false;
            timer.async_wait([&](error_code e) {
                if (e) return;
                timed_out = true;
                resolver.cancel();
            });
            resolver.async_resolve(url.host, std::to_string(url.port),
                                   [&](error_code e, const tcp::resolver::results_type& results) {
                                       timer.cancel();
                                       ec = e;
                                       for (const auto& entry : results) endpoints.push_back(entry.endpoint());
                                   });
            c.run();
            if (timed_out) return "timeout resolving " + url.host;
            if (ec) return "cannot resolve " + url.host + ": " + ec.message();
        }
        endpoints = usable_endpoints(std::move(endpoints), url.tls);
        if (endpoints.empty()) return "no usable address for " + url.host;

        c.lowest().expires_at(connect_deadline);
        c.lowest().async_connect(endpoints, [&](error_code e, const tcp::endpoint&) { ec = e; });
        c.run();
        if (ec) return "connect to " + url.host + " failed: " + describe(ec);
        error_code ignored;
        c.lowest().socket().set_option(tcp::no_delay(true), ignored);

        if (c.tls) {
            if (std::string error = prepare_tls_stream(*c.tls, url.host); !error.empty()) return error;
            c.lowest().expires_at(connect_deadline);
            c.tls->async_handshake(ssl::stream_base::client, [&](error_code e) { ec = e; });
            c.run();
            if (ec) return "TLS handshake with " + url.host + " failed: " + describe(ec);
        }
        c.lowest().expires_never();
        return {};
    }

    HttpClientOptions options;
    ssl::context tls_context;
    mutable std::mutex mutex;
    std::unordered_map<std::string, std::vector<std::unique_ptr<Connection>>> pool;
};

HttpClient::HttpClient(HttpClientOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
HttpClient::~HttpClient() = default;

std::size_t HttpClient::idle_connections() const {
    std::lock_guard lock(impl_->mutex);
    std::size_t n = 0;
    for (const auto& [origin, idle] : impl_->pool) n += idle.size();
    return n;
}

HttpResponse HttpClient::send(const HttpRequest& request, std::chrono::milliseconds timeout) {
    HttpResponse out;
    if (timeout <= std::chrono::milliseconds::zero()) timeout = impl_->options.request_timeout;
    const auto deadline = Clock::now() + timeout;

    std::optional<PreparedRequest> prepared = prepare_request(request, impl_->options.max_response_body, out);
    if (!prepared) return out;
    const Url* url = &prepared->url;
    auto& message = prepared->message;
    const std::string origin = url->origin();
    ssl::context* tls_context = url->tls ? &impl_->tls_context : nullptr;

    // At most two tries: a pooled connection the server already dropped gets one fresh replacement.
    for (int attempt = 0; attempt < 2; ++attempt) {
        std::unique_ptr<Connection> c = attempt == 0 ? impl_->take_idle(origin) : nullptr;
        const bool reused = c != nullptr;
        if (!c) {
            c = std::make_unique<Connection>(tls_context);
            std::string error = impl_->connect(*c, *url, deadline);
            if (!error.empty()) {
                out.error = std::move(error);
                return out;
            }
        }
        ExchangeResult result = c->tls ? exchange(*c, *c->tls, message, deadline, prepared->body_limit, out)
                                       : exchange(*c, *c->plain, message, deadline, prepared->body_limit, out);
        if (!result.ec) {
            if (result.keep_alive) impl_->put_idle(origin, std::move(c));
            return out;
        }
        // A timeout is not retried: the server may be working on the request, and the time is spent.
        if (reused && !result.got_response_bytes && result.ec != beast::error::timeout) {
            log::debug(kComponent, "reused connection failed before a response, retrying on a new one",
                       {{"origin", origin}, {"error", result.ec.message()}});
            continue;
        }
        fail_exchange(result.ec, *prepared, out);
        return out;
    }
    return out;
}

}  // namespace thesaban::line
