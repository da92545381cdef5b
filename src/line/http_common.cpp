#include "line/http_common.h"

#include <openssl/ssl.h>
#include <poll.h>

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/http/error.hpp>
#include <cctype>
#include <charconv>

namespace thesaban::line {
namespace http_detail {
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using error_code = boost::system::error_code;

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

std::string Url::origin() const { return (tls ? "https://" : "http://") + host + ":" + std::to_string(port); }

std::string Url::host_header() const {
    std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    if (port != (tls ? 443 : 80)) h += ":" + std::to_string(port);
    return h;
}

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

namespace {
bool has_line_break(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

std::nullopt_t refuse(HttpResponse& out, std::string error) {
    out.error = std::move(error);
    out.permanent = true;
    return std::nullopt;
}
}  // namespace

std::optional<PreparedRequest> prepare_request(const HttpRequest& request, std::size_t default_body_limit,
                                               HttpResponse& out) {
    PreparedRequest prepared;
    std::string error;
    std::optional<Url> url = parse_url(request.url, error);
    if (!url) return refuse(out, std::move(error));
    if (!url->tls && !is_loopback_host(url->host)) {
        return refuse(out, "plain http:// is refused for non-loopback host " + url->host);
    }
    http::verb verb = http::string_to_verb(request.method);
    if (verb == http::verb::unknown) return refuse(out, "unsupported HTTP method " + request.method);
    if (has_line_break(url->target)) return refuse(out, "line break in URL");

    prepared.message = http::request<http::string_body>{verb, url->target, 11};
    prepared.message.set(http::field::host, url->host_header());
    prepared.message.set(http::field::user_agent, "thesaban-bot/1");
    for (const auto& [name, value] : request.headers) {
        if (name.empty() || has_line_break(name) || has_line_break(value)) {
            return refuse(out, "malformed request header");
        }
        prepared.message.set(name, value);
    }
    prepared.message.body() = request.body;
    prepared.message.prepare_payload();
    prepared.body_limit = request.max_response_body ? request.max_response_body : default_body_limit;
    prepared.url = std::move(*url);
    return prepared;
}

void convert_response(http::response<http::string_body>& message, HttpResponse& out) {
    out.status = static_cast<int>(message.result_int());
    out.headers.clear();
    for (const auto& field : message) out.headers.emplace_back(field.name_string(), field.value());
    out.body = std::move(message.body());
}

void configure_tls_context(ssl::context& context, const std::string& ca_file) {
    context.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                        ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    context.set_default_verify_paths();
    if (!ca_file.empty()) context.load_verify_file(ca_file);
    context.set_verify_mode(ssl::verify_peer);
}

std::string prepare_tls_stream(ssl::stream<beast::tcp_stream>& stream, const std::string& host) {
    error_code literal_ec;
    net::ip::make_address(host, literal_ec);
    // SNI is for host names only (RFC 6066); certificates are checked against the host either way.
    if (literal_ec && !SSL_set_tlsext_host_name(stream.native_handle(), host.c_str())) return "cannot set TLS SNI";
    stream.set_verify_mode(ssl::verify_peer);
    stream.set_verify_callback(ssl::host_name_verification(host));
    return {};
}

std::vector<net::ip::tcp::endpoint> usable_endpoints(std::vector<net::ip::tcp::endpoint> endpoints, bool tls) {
    if (!tls) std::erase_if(endpoints, [](const net::ip::tcp::endpoint& e) { return !e.address().is_loopback(); });
    return endpoints;
}

std::string describe(const error_code& ec) {
    if (ec == beast::error::timeout) return "timeout";
    return ec.message();
}

void fail_exchange(const error_code& ec, const PreparedRequest& request, HttpResponse& out) {
    out = HttpResponse{};
    if (ec == http::error::body_limit) {
        out.error = "response body larger than " + std::to_string(request.body_limit) + " bytes";
        out.permanent = true;
    } else {
        out.error = std::string(request.message.method_string()) + " " + request.url.host + " failed: " + describe(ec);
    }
}

bool idle_socket_looks_closed(int fd) {
    pollfd p{};
    p.fd = fd;
    p.events = POLLIN;
    return ::poll(&p, 1, 0) != 0;
}

}  // namespace http_detail

std::string HttpResponse::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (http_detail::iequals(key, name)) return value;
    }
    return {};
}

bool is_loopback_host(std::string_view host) {
    if (http_detail::iequals(host, "localhost") || http_detail::iequals(host, "localhost.")) return true;
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    boost::system::error_code ec;
    auto address = boost::asio::ip::make_address(std::string(host), ec);
    return !ec && address.is_loopback();
}

}  // namespace thesaban::line
