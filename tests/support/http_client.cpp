#include "support/http_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cctype>

namespace thesaban::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

HttpResult http_request(int port, const std::string& method, const std::string& target, const std::string& body,
                        const std::map<std::string, std::string>& headers, std::chrono::milliseconds timeout) {
    HttpResult result;
    net::io_context ioc;
    beast::tcp_stream stream(ioc);
    http::request<http::string_body> req;
    req.method_string(method);
    req.target(target);
    req.version(11);
    req.set(http::field::host, "127.0.0.1:" + std::to_string(port));
    req.set(http::field::connection, "close");
    bool has_content_type = false;
    for (const auto& [name, value] : headers) {
        req.set(name, value);
        std::string lower = name;
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (lower == "content-type") has_content_type = true;
    }
    if (!body.empty() && !has_content_type) req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();

    // Async operations with one deadline for the whole exchange, run to completion right here.
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    beast::error_code failure;
    stream.expires_after(timeout);
    tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port));
    stream.async_connect(endpoint, [&](beast::error_code ec) {
        if (ec) {
            failure = ec;
            return;
        }
        http::async_write(stream, req, [&](beast::error_code ec, std::size_t) {
            // A server may answer (413) and close before reading the whole body: still read the answer.
            if (ec && ec != net::error::broken_pipe && ec != net::error::connection_reset) {
                failure = ec;
                return;
            }
            http::async_read(stream, buffer, parser, [&](beast::error_code ec, std::size_t) { failure = ec; });
        });
    });
    ioc.run();
    if (failure) {
        result.error = failure.message();
        return result;
    }
    const auto& res = parser.get();
    result.status = static_cast<int>(res.result_int());
    for (const auto& field : res) {
        std::string name(field.name_string());
        for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        result.headers[name] = std::string(field.value());
    }
    result.body = res.body();
    beast::error_code ignored;  // the server closes too (Connection: close)
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
    return result;
}

int connect_loopback(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

}  // namespace thesaban::testing
