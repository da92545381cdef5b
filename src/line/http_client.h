#pragma once
// A small synchronous HTTP/1.1 client for calling LINE from worker threads. No Boost in this header:
// Beast/Asio live in http_client.cpp only, so the modules that include this stay cheap to compile.
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace thesaban::line {

struct HttpRequest {
    std::string method;  // "GET", "POST", ...
    std::string url;     // https://host[:port]/path?query; http:// only for loopback hosts
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    // Largest response body accepted for this request; 0 uses the client's default.
    std::size_t max_response_body = 0;
};

struct HttpResponse {
    int status = 0;  // 0 when no complete response arrived; `error` then says why
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::string error;  // transport error (connect, TLS, timeout, body too large, refused URL)
    // The same request would fail the same way (refused URL, body over the limit): retrying is pointless.
    bool permanent = false;

    // First value of the header `name`, compared case-insensitively; empty when absent.
    std::string header(std::string_view name) const;
};

class HttpTransport {
public:
    virtual ~HttpTransport() = default;
    // Blocks the calling thread for at most about `timeout` (connect + request + response).
    virtual HttpResponse send(const HttpRequest& request, std::chrono::milliseconds timeout) = 0;
};

struct HttpClientOptions {
    std::chrono::milliseconds connect_timeout{5000};   // TCP connect and TLS handshake, within the send timeout
    std::chrono::milliseconds request_timeout{30000};  // used when send() is given a timeout <= 0
    std::size_t max_response_body = 32 * 1024 * 1024;  // LINE content downloads can exceed 10 MB
    std::string ca_file;                               // extra trusted CA (PEM), for tests; system CAs stay trusted
    std::size_t max_idle_per_origin = 8;
    std::chrono::seconds max_idle_time{30};  // idle connections older than this are closed, not reused
    // AsyncHttpClient only: connections (idle or busy) per origin; further calls wait their turn, FIFO.
    std::size_t max_connections_per_origin = 16;
};

// Thread-safe: any number of threads may call send() at once. Keep-alive connections are pooled
// per origin (scheme, host, port) and reused.
class HttpClient final : public HttpTransport {
public:
    explicit HttpClient(HttpClientOptions options = {});
    ~HttpClient() override;
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    HttpResponse send(const HttpRequest& request, std::chrono::milliseconds timeout) override;

    // Idle connections currently pooled (all origins); for tests and metrics.
    std::size_t idle_connections() const;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// True for hosts that never leave the machine: 127.0.0.0/8, ::1 and "localhost".
bool is_loopback_host(std::string_view host);

}  // namespace thesaban::line
