#pragma once
// What the blocking HttpClient and the event-loop AsyncHttpClient share: URL parsing, request
// validation and building, response conversion, TLS setup and error wording. Included only by
// the two clients' .cpp files: it brings in Beast and Asio SSL.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/system/error_code.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "line/http_client.h"

namespace thesaban::line::http_detail {

bool iequals(std::string_view a, std::string_view b);

struct Url {
    bool tls = false;
    std::string host;  // without IPv6 brackets
    unsigned short port = 0;
    std::string target;

    // The pool key: scheme, host and port.
    std::string origin() const;
    std::string host_header() const;
};

// Parses https://host[:port]/path?query (a fragment is dropped); nullopt with `error` set otherwise.
std::optional<Url> parse_url(std::string_view text, std::string& error);

// A request that passed every check, ready to write.
struct PreparedRequest {
    Url url;
    boost::beast::http::request<boost::beast::http::string_body> message;
    std::size_t body_limit = 0;  // largest response body accepted
};

// Checks the URL (scheme, http:// only for loopback hosts), method and headers and builds the Beast
// request. On refusal returns nullopt and fills `out` with the error, marked permanent.
std::optional<PreparedRequest> prepare_request(const HttpRequest& request, std::size_t default_body_limit,
                                               HttpResponse& out);

// Status, headers and body of a complete response, moved into `out`.
void convert_response(boost::beast::http::response<boost::beast::http::string_body>& message, HttpResponse& out);

// TLS 1.2+, system CAs plus `ca_file` (if any), peers verified.
void configure_tls_context(boost::asio::ssl::context& context, const std::string& ca_file);

// SNI (for host names, not IP literals) and certificate checks against `host`, before the handshake.
// Returns an error text or "".
std::string prepare_tls_stream(boost::asio::ssl::stream<boost::beast::tcp_stream>& stream, const std::string& host);

// The addresses a connection may use: for plain http only loopback ones (a "localhost" that resolved
// elsewhere must not be used).
std::vector<boost::asio::ip::tcp::endpoint> usable_endpoints(std::vector<boost::asio::ip::tcp::endpoint> endpoints,
                                                             bool tls);

// "timeout" for Beast's timeout, the error's message otherwise.
std::string describe(const boost::system::error_code& ec);

// Fills `out` (status 0) for a failed write/read: a body over the limit is permanent.
void fail_exchange(const boost::system::error_code& ec, const PreparedRequest& request, HttpResponse& out);

// True when an idle keep-alive socket is unusable: the server closed it (or sent something unasked).
// Never blocks.
bool idle_socket_looks_closed(int fd);

}  // namespace thesaban::line::http_detail
