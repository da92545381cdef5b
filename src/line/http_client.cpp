#include "line/http_client.h"

#include <openssl/ssl.h>
#include <poll.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "core/log.h"

namespace thesaban::line {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using error_code = boost::system::error_code;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kComponent = "http_client";

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

struct Url {
    bool tls = false;
    std::string host;  // without IPv6 brackets
    unsigned short port = 0;
    std::string target;

    std::string origin() const { return (tls ? "https://" : "http://") + host + ":" + std::to_string(port); }
    std::string host_header() const {
        std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
        if (port != (tls ? 443 : 80)) h += ":" + std::to_string(port);
        return h;
    }
};

std::optional<Url> parse_url(std::string_view text, std::string& error) {
    Url url;
    if (text.size() >= 8 && iequals(text.substr(0, 8), "https://")) {
        url.tls = true;
        text.remove_prefix(8);
    } else if (text.size() >= 7 && iequals(text.substr(0, 7), "http://")) {
        text.remove_prefix(7);
    } else {
        error = "unsupported URL scheme";
        return std::nullopt;
    }
    std::size_t authority_end = text.find_first_of("/?#");
    std::string_view authority = text.substr(0, authority_end);
    std::string_view rest = authority_end == std::string_view::npos ? std::string_view{} : text.substr(authority_end);
    if (authority.find('@') != std::string_view::npos) {
        error = "credentials in URLs are not supported";
        return std::nullopt;
    }
    std::string_view port_text;
    if (!authority.empty() && authority.front() == '[') {
        std::size_t close = authority.find(']');
        if (close == std::string_view::npos) {
            error = "malformed IPv6 host";
            return std::nullopt;
        }
        url.host = std::string(authority.substr(1, close - 1));
        std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') {
                error = "malformed URL authority";
                return std::nullopt;
            }
            port_text = after.substr(1);
        }
    } else {
        std::size_t colon = authority.rfind(':');
        url.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
    }
    if (url.host.empty()) {
        error = "URL has no host";
        return std::nullopt;
    }
    url.port = url.tls ? 443 : 80;
    if (!port_text.empty()) {
        unsigned value = 0;
        auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
        if (ec != std::errc{} || end != port_text.data() + port_text.size() || value == 0 || value > 65535) {
            error = "malformed URL port";
            return std::nullopt;
        }
        url.port = static_cast<unsigned short>(value);
    }
    rest = rest.substr(0, rest.find('#'));
    url.target = rest.empty() || rest.front() != '/' ? "/" + std::string(rest) : std::string(rest);
    return url;
}

bool has_line_break(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

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
bool looks_closed(Connection& c) {
    pollfd p{};
    p.fd = c.lowest().socket().native_handle();
    p.events = POLLIN;
    return ::poll(&p, 1, 0) != 0;
}

std::string describe(const error_code& ec) {
    if (ec == beast::error::timeout) return "timeout";
    return ec.message();
}

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

    auto& message = parser.get();
    out.status = static_cast<int>(message.result_int());
    out.headers.clear();
    for (const auto& field : message) out.headers.emplace_back(field.name_string(), field.value());
    out.body = std::move(message.body());
    result.keep_alive = message.keep_alive();
    return result;
}

}  // namespace

std::string HttpResponse::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (iequals(key, name)) return value;
    }
    return {};
}

bool is_loopback_host(std::string_view host) {
    if (iequals(host, "localhost") || iequals(host, "localhost.")) return true;
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    error_code ec;
    auto address = net::ip::make_address(std::string(host), ec);
    return !ec && address.is_loopback();
}

struct HttpClient::Impl {
    explicit Impl(HttpClientOptions o) : options(std::move(o)), tls_context(ssl::context::tls_client) {
        tls_context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                                ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
        tls_context.set_default_verify_paths();
        if (!options.ca_file.empty()) tls_context.load_verify_file(options.ca_file);
        tls_context.set_verify_mode(ssl::verify_peer);
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
        if (!url.tls) {
            // Plain http is only for loopback: make sure "localhost" did not resolve elsewhere.
            std::erase_if(endpoints, [](const tcp::endpoint& e) { return !e.address().is_loopback(); });
        }
        if (endpoints.empty()) return "no usable address for " + url.host;

        c.lowest().expires_at(connect_deadline);
        c.lowest().async_connect(endpoints, [&](error_code e, const tcp::endpoint&) { ec = e; });
        c.run();
        if (ec) return "connect to " + url.host + " failed: " + describe(ec);
        error_code ignored;
        c.lowest().socket().set_option(tcp::no_delay(true), ignored);

        if (c.tls) {
            error_code literal_ec;
            net::ip::make_address(url.host, literal_ec);
            // SNI is for host names only (RFC 6066); certificates are checked against the host either way.
            if (literal_ec && !SSL_set_tlsext_host_name(c.tls->native_handle(), url.host.c_str())) {
                return "cannot set TLS SNI";
            }
            c.tls->set_verify_mode(ssl::verify_peer);
            c.tls->set_verify_callback(ssl::host_name_verification(url.host));
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

    std::optional<Url> url = parse_url(request.url, out.error);
    if (!url) {
        out.permanent = true;
        return out;
    }
    if (!url->tls && !is_loopback_host(url->host)) {
        out.error = "plain http:// is refused for non-loopback host " + url->host;
        out.permanent = true;
        return out;
    }
    http::verb verb = http::string_to_verb(request.method);
    if (verb == http::verb::unknown) {
        out.error = "unsupported HTTP method " + request.method;
        out.permanent = true;
        return out;
    }
    if (has_line_break(url->target)) {
        out.error = "line break in URL";
        out.permanent = true;
        return out;
    }

    http::request<http::string_body> message{verb, url->target, 11};
    message.set(http::field::host, url->host_header());
    message.set(http::field::user_agent, "thesaban-bot/1");
    for (const auto& [name, value] : request.headers) {
        if (name.empty() || has_line_break(name) || has_line_break(value)) {
            out.error = "malformed request header";
            out.permanent = true;
            return out;
        }
        message.set(name, value);
    }
    message.body() = request.body;
    message.prepare_payload();

    const std::size_t body_limit =
        request.max_response_body ? request.max_response_body : impl_->options.max_response_body;
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
        ExchangeResult result = c->tls ? exchange(*c, *c->tls, message, deadline, body_limit, out)
                                       : exchange(*c, *c->plain, message, deadline, body_limit, out);
        if (!result.ec) {
            if (result.keep_alive) impl_->put_idle(origin, std::move(c));
            return out;
        }
        out = HttpResponse{};
        // A timeout is not retried: the server may be working on the request, and the time is spent.
        if (reused && !result.got_response_bytes && result.ec != beast::error::timeout) {
            log::debug(kComponent, "reused connection failed before a response, retrying on a new one",
                       {{"origin", origin}, {"error", result.ec.message()}});
            continue;
        }
        if (result.ec == http::error::body_limit) {
            out.error = "response body larger than " + std::to_string(body_limit) + " bytes";
            out.permanent = true;
        } else {
            out.error = request.method + " " + url->host + " failed: " + describe(result.ec);
        }
        return out;
    }
    return out;
}

}  // namespace thesaban::line
