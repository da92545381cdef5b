#include "line/async_http_client.h"

#include <algorithm>
#include <boost/asio/append.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <deque>
#include <optional>
#include <unordered_map>
#include <unordered_set>
#include <vector>

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

constexpr std::string_view kComponent = "async_http_client";
constexpr std::string_view kStopped = "HTTP client stopped";

struct Connection {
    Connection(const net::any_io_executor& executor, ssl::context* tls_context) {
        if (tls_context) {
            tls.emplace(executor, *tls_context);
        } else {
            plain.emplace(executor);
        }
    }
    // No TLS close_notify: the peer treats a closed socket the same, and it would need a round trip.
    ~Connection() { lowest().close(); }

    beast::tcp_stream& lowest() { return tls ? beast::get_lowest_layer(*tls) : *plain; }

    std::optional<beast::tcp_stream> plain;
    std::optional<ssl::stream<beast::tcp_stream>> tls;
    beast::flat_buffer buffer;
    Clock::time_point idle_since;
};

// A call queued for a connection slot; the timer, set to the call's deadline, is cancelled to wake it.
struct Waiter {
    explicit Waiter(const net::any_io_executor& executor) : timer(executor) {}
    net::steady_timer timer;
    bool granted = false;
    std::unique_ptr<Connection> connection;  // handed over idle connection; null: the slot, to connect anew
};

struct Origin {
    std::vector<std::unique_ptr<Connection>> idle;  // oldest first
    std::size_t open = 0;                           // idle + in use + being opened
    std::deque<Waiter*> waiters;                    // FIFO
};

// Shared with the timer that bounds it: the resolver is not covered by tcp_stream's timeout.
struct Resolve {
    explicit Resolve(const net::any_io_executor& executor) : resolver(executor), timer(executor) {}
    tcp::resolver resolver;
    net::steady_timer timer;
    bool timed_out = false;
};

// What stop() must reach to end one call in flight.
struct Call {
    Connection* connection = nullptr;
    std::shared_ptr<Resolve> resolve;
    Waiter* waiter = nullptr;
    bool cancelled = false;
};

struct ExchangeResult {
    error_code ec;
    bool got_response_bytes = false;
    bool keep_alive = false;
};

template <class Stream>
net::awaitable<ExchangeResult> exchange(Connection& c, Stream& stream, http::request<http::string_body>& request,
                                        Clock::time_point deadline, std::size_t body_limit, HttpResponse& out) {
    ExchangeResult result;
    c.lowest().expires_at(deadline);
    co_await http::async_write(stream, request, net::redirect_error(net::use_awaitable, result.ec));
    if (result.ec) co_return result;

    http::response_parser<http::string_body> parser;
    parser.body_limit(body_limit);
    if (request.method() == http::verb::head) parser.skip(true);
    c.lowest().expires_at(deadline);
    co_await http::async_read(stream, c.buffer, parser, net::redirect_error(net::use_awaitable, result.ec));
    result.got_response_bytes = parser.got_some() || c.buffer.size() > 0;
    if (result.ec) co_return result;
    c.lowest().expires_never();
    result.keep_alive = parser.get().keep_alive();
    convert_response(parser.get(), out);
    co_return result;
}

}  // namespace

struct AsyncHttpClient::State {
    State(net::io_context& context, HttpClientOptions o)
        : ioc(context), options(std::move(o)), tls_context(ssl::context::tls_client) {
        configure_tls_context(tls_context, options.ca_file);
        if (options.max_connections_per_origin == 0) options.max_connections_per_origin = 1;
    }

    // A slot in an origin's connection count, with the connection that uses it once there is one.
    // Destroyed without keep_alive(): the connection is closed and the slot passed on.
    struct Lease {
        State* state;
        Origin* origin;
        std::unique_ptr<Connection> connection;
        bool held = true;
        Lease(State* s, Origin* o, std::unique_ptr<Connection> c) : state(s), origin(o), connection(std::move(c)) {}
        Lease(Lease&& other) noexcept
            : state(other.state),
              origin(other.origin),
              connection(std::move(other.connection)),
              held(std::exchange(other.held, false)) {}
        Lease& operator=(Lease&&) = delete;
        ~Lease() {
            if (!held) return;
            connection.reset();
            state->free_slot(*origin);
        }
        void keep_alive() {
            held = false;
            state->give_back(*origin, std::move(connection));
        }
    };

    std::unique_ptr<Connection> take_idle(Origin& origin) {
        auto oldest_allowed = Clock::now() - options.max_idle_time;
        while (!origin.idle.empty()) {
            std::unique_ptr<Connection> c = std::move(origin.idle.back());
            origin.idle.pop_back();
            if (c->idle_since >= oldest_allowed && !idle_socket_looks_closed(c->lowest().socket().native_handle())) {
                return c;
            }
            free_slot(origin);
        }
        return nullptr;
    }

    // A reusable connection: to the first waiter, else into the idle pool.
    void give_back(Origin& origin, std::unique_ptr<Connection> c) {
        if (stopped) {
            c.reset();
            free_slot(origin);
            return;
        }
        if (!origin.waiters.empty()) {
            Waiter* w = origin.waiters.front();
            origin.waiters.pop_front();
            w->granted = true;
            w->connection = std::move(c);
            w->timer.cancel();
            return;
        }
        c->idle_since = Clock::now();
        origin.idle.push_back(std::move(c));
        if (origin.idle.size() > options.max_idle_per_origin) {
            origin.idle.erase(origin.idle.begin());  // drop the oldest
            --origin.open;
        }
    }

    // A connection closed: its slot goes to the first waiter (who connects anew), else is freed.
    void free_slot(Origin& origin) {
        if (!stopped && !origin.waiters.empty()) {
            Waiter* w = origin.waiters.front();
            origin.waiters.pop_front();
            w->granted = true;
            w->timer.cancel();
            return;
        }
        --origin.open;
    }

    // Takes an idle connection, or a slot to open one, or waits FIFO for either until the deadline.
    net::awaitable<std::optional<Lease>> acquire(Call& call, Origin& origin, Clock::time_point deadline,
                                                 const std::string& origin_name, HttpResponse& out) {
        if (std::unique_ptr<Connection> c = take_idle(origin)) {
            co_return std::optional<Lease>(std::in_place, this, &origin, std::move(c));
        }
        if (origin.open < options.max_connections_per_origin) {
            ++origin.open;
            co_return std::optional<Lease>(std::in_place, this, &origin, nullptr);
        }
        Waiter waiter(ioc.get_executor());
        waiter.timer.expires_at(deadline);
        origin.waiters.push_back(&waiter);
        call.waiter = &waiter;
        error_code ec;
        co_await waiter.timer.async_wait(net::redirect_error(net::use_awaitable, ec));
        call.waiter = nullptr;
        if (!waiter.granted) {
            std::erase(origin.waiters, &waiter);
            out.error = call.cancelled ? std::string(kStopped) : "timeout waiting for a connection to " + origin_name;
            co_return std::nullopt;
        }
        std::optional<Lease> lease(std::in_place, this, &origin, std::move(waiter.connection));
        // Granted just as the deadline passed: give the slot back rather than fail on it.
        if (call.cancelled || Clock::now() >= deadline) {
            out.error = call.cancelled ? std::string(kStopped) : "timeout waiting for a connection to " + origin_name;
            if (lease->connection) lease->keep_alive();
            co_return std::nullopt;
        }
        co_return lease;
    }

    // Resolves, connects and (for https) completes the TLS handshake. Returns an error text or "".
    net::awaitable<std::string> connect(Call& call, Connection& c, const Url& url, Clock::time_point deadline) {
        const auto connect_deadline = std::min(deadline, Clock::now() + options.connect_timeout);
        std::vector<tcp::endpoint> endpoints;
        error_code ec;
        auto literal = net::ip::make_address(url.host, ec);
        if (!ec) {
            endpoints.emplace_back(literal, url.port);
        } else {
            auto resolve = std::make_shared<Resolve>(ioc.get_executor());
            call.resolve = resolve;
            resolve->timer.expires_at(connect_deadline);
            resolve->timer.async_wait([resolve](error_code e) {
                if (e) return;
                resolve->timed_out = true;
                resolve->resolver.cancel();
            });
            auto results = co_await resolve->resolver.async_resolve(url.host, std::to_string(url.port),
                                                                    net::redirect_error(net::use_awaitable, ec));
            resolve->timer.cancel();
            call.resolve.reset();
            if (call.cancelled) co_return std::string(kStopped);
            if (resolve->timed_out) co_return "timeout resolving " + url.host;
            if (ec) co_return "cannot resolve " + url.host + ": " + ec.message();
            for (const auto& entry : results) endpoints.push_back(entry.endpoint());
        }
        endpoints = usable_endpoints(std::move(endpoints), url.tls);
        if (endpoints.empty()) co_return "no usable address for " + url.host;

        c.lowest().expires_at(connect_deadline);
        co_await c.lowest().async_connect(endpoints, net::redirect_error(net::use_awaitable, ec));
        if (call.cancelled) co_return std::string(kStopped);
        if (ec) co_return "connect to " + url.host + " failed: " + describe(ec);
        error_code ignored;
        c.lowest().socket().set_option(tcp::no_delay(true), ignored);

        if (c.tls) {
            if (std::string error = prepare_tls_stream(*c.tls, url.host); !error.empty()) co_return error;
            c.lowest().expires_at(connect_deadline);
            co_await c.tls->async_handshake(ssl::stream_base::client, net::redirect_error(net::use_awaitable, ec));
            if (call.cancelled) co_return std::string(kStopped);
            if (ec) co_return "TLS handshake with " + url.host + " failed: " + describe(ec);
        }
        c.lowest().expires_never();
        co_return std::string{};
    }

    net::awaitable<void> perform(Call& call, const HttpRequest& request, Clock::time_point deadline,
                                 HttpResponse& out) {
        if (stopped) {
            out.error = kStopped;
            co_return;
        }
        std::optional<PreparedRequest> prepared = prepare_request(request, options.max_response_body, out);
        if (!prepared) co_return;
        const Url& url = prepared->url;
        const std::string origin_name = url.origin();
        Origin& origin = origins[origin_name];  // node-based: the reference survives rehashing
        std::optional<Lease> lease = co_await acquire(call, origin, deadline, origin_name, out);
        if (!lease) co_return;

        // At most two tries: a pooled connection the server already dropped gets one fresh replacement.
        for (int attempt = 0; attempt < 2; ++attempt) {
            const bool reused = lease->connection != nullptr;
            if (!reused) {
                lease->connection = std::make_unique<Connection>(ioc.get_executor(), url.tls ? &tls_context : nullptr);
                call.connection = lease->connection.get();
                std::string error = co_await connect(call, *lease->connection, url, deadline);
                call.connection = nullptr;
                if (!error.empty()) {
                    out.error = std::move(error);
                    co_return;  // the lease closes the connection and passes the slot on
                }
            }
            Connection& c = *lease->connection;
            call.connection = &c;
            ExchangeResult result;
            if (c.tls) {
                result = co_await exchange(c, *c.tls, prepared->message, deadline, prepared->body_limit, out);
            } else {
                result = co_await exchange(c, *c.plain, prepared->message, deadline, prepared->body_limit, out);
            }
            call.connection = nullptr;
            if (!result.ec) {
                if (result.keep_alive) lease->keep_alive();
                co_return;
            }
            lease->connection.reset();  // the slot stays ours for a retry
            if (call.cancelled) {
                out.error = kStopped;
                co_return;
            }
            // A timeout is not retried: the server may be working on the request, and the time is spent.
            if (reused && !result.got_response_bytes && result.ec != beast::error::timeout) {
                log::debug(kComponent, "reused connection failed before a response, retrying on a new one",
                           {{"origin", origin_name}, {"error", result.ec.message()}});
                continue;
            }
            fail_exchange(result.ec, *prepared, out);
            co_return;
        }
    }

    static net::awaitable<void> run_call(std::shared_ptr<State> self, HttpRequest request, Clock::time_point deadline,
                                         Handler handler) {
        HttpResponse out;
        Call call;
        self->calls.insert(&call);
        try {
            co_await self->perform(call, request, deadline, out);
        } catch (const std::exception& e) {
            out = HttpResponse{};
            out.error = std::string("HTTP client failure: ") + e.what();
        }
        self->calls.erase(&call);
        self->complete(std::move(handler), std::move(out));
    }

    // Always posted, never run inline; post() then runs it on the handler's own associated executor
    // (a caller's strand or coroutine) when it has one.
    void complete(Handler handler, HttpResponse response) {
        net::post(ioc.get_executor(), net::append(std::move(handler), std::move(response)));
    }

    void stop() {
        stopped = true;
        for (auto& [name, origin] : origins) {
            origin.open -= origin.idle.size();
            origin.idle.clear();
        }
        // close() and cancel() never run handlers inline, so `calls` does not change meanwhile.
        for (Call* call : calls) {
            call->cancelled = true;
            if (call->connection) call->connection->lowest().close();
            if (call->resolve) call->resolve->resolver.cancel();
            if (call->waiter) call->waiter->timer.cancel();
        }
    }

    net::io_context& ioc;
    HttpClientOptions options;
    ssl::context tls_context;
    std::unordered_map<std::string, Origin> origins;
    std::unordered_set<Call*> calls;
    bool stopped = false;
};

AsyncHttpClient::AsyncHttpClient(net::io_context& ioc, HttpClientOptions options)
    : state_(std::make_shared<State>(ioc, std::move(options))) {}

AsyncHttpClient::~AsyncHttpClient() { state_->stop(); }

void AsyncHttpClient::send(HttpRequest request, std::chrono::milliseconds timeout, Handler handler) {
    if (timeout <= std::chrono::milliseconds::zero()) timeout = state_->options.request_timeout;
    const auto deadline = Clock::now() + timeout;
    // co_spawn starts the coroutine through a post, so nothing of the call runs inside send().
    net::co_spawn(state_->ioc, State::run_call(state_, std::move(request), deadline, std::move(handler)),
                  net::detached);
}

std::size_t AsyncHttpClient::idle_connections() const {
    std::size_t n = 0;
    for (const auto& [name, origin] : state_->origins) n += origin.idle.size();
    return n;
}

std::size_t AsyncHttpClient::open_connections() const {
    std::size_t n = 0;
    for (const auto& [name, origin] : state_->origins) n += origin.open;
    return n;
}

void AsyncHttpClient::stop() { state_->stop(); }

}  // namespace thesaban::line
