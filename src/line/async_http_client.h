#pragma once
// HTTP/1.1 client for one event loop (an io_context run by one thread): nothing blocks, nothing
// sleeps. The same contract as HttpClient::send (https verified, http:// only to loopback, body
// limit, status 0 + error on transport failure), with a keep-alive pool per origin (scheme, host,
// port) and at most `max_connections_per_origin` connections each; further calls queue FIFO within
// their own deadline. Included by the runtime only: it brings in Asio's completion-token machinery.
#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/async_result.hpp>
#include <chrono>
#include <cstddef>
#include <memory>
#include <utility>

#include "line/http_client.h"  // HttpRequest, HttpResponse, HttpClientOptions, is_loopback_host

namespace boost::asio {
class io_context;
}

namespace thesaban::line {

// One per event loop; every call on that loop's thread only (no mutex). Destroy it before its io_context.
class AsyncHttpClient {
public:
    using Handler = boost::asio::any_completion_handler<void(HttpResponse)>;

    AsyncHttpClient(boost::asio::io_context& ioc, HttpClientOptions options);
    // Stops (see stop()); calls still in flight complete later, on the loop, with an error response.
    ~AsyncHttpClient();
    AsyncHttpClient(const AsyncHttpClient&) = delete;
    AsyncHttpClient& operator=(const AsyncHttpClient&) = delete;

    // Whole call (queueing, connect, TLS, write, read) bounded by `timeout` (<= 0: options.request_timeout).
    // The handler runs on its associated executor (default: the loop), never inside send().
    void send(HttpRequest request, std::chrono::milliseconds timeout, Handler handler);

    template <typename Token>
    auto async_send(HttpRequest request, std::chrono::milliseconds timeout, Token&& token) {
        return boost::asio::async_initiate<Token, void(HttpResponse)>(
            [this](auto handler, HttpRequest r, std::chrono::milliseconds t) {
                send(std::move(r), t, Handler(std::move(handler)));
            },
            token, std::move(request), timeout);
    }

    // Idle keep-alive connections pooled (all origins); for tests and metrics.
    std::size_t idle_connections() const;
    // Connections idle, in use or being opened (all origins).
    std::size_t open_connections() const;

    // Closes idle connections; calls in flight, and every later call, complete with an error response.
    void stop();

private:
    struct State;
    std::shared_ptr<State> state_;  // shared with the calls in flight, which may outlive this object
};

}  // namespace thesaban::line
