#include "store/async_redis.h"

#include <algorithm>
#include <array>
#include <boost/asio/append.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <atomic>
#include <deque>
#include <optional>
#include <random>
#include <stdexcept>
#include <unordered_map>

#include "core/log.h"
#include "core/metrics.h"
#include "store/redis_pool.h"  // redis_script_sha1
#include "store/resp_reader.h"

namespace thesaban::store {

namespace asio = boost::asio;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::string_view kComponent = "redis";
constexpr std::chrono::milliseconds kFirstBackoff{50};
constexpr std::chrono::milliseconds kMaxBackoff{2000};

class RedisCategory final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "redis"; }
    std::string message(int value) const override {
        switch (static_cast<RedisErrc>(value)) {
            case RedisErrc::disconnected:
                return "not connected to Redis";
            case RedisErrc::timeout:
                return "Redis did not answer in time";
            case RedisErrc::protocol:
                return "Redis protocol error";
            case RedisErrc::stopped:
                return "Redis client stopped";
        }
        return "unknown Redis error";
    }
};

void count_error(RedisErrorKind kind) {
    static constexpr const char* kNames[] = {"none", "noscript", "wrongtype", "oom", "misconf",
                                             "readonly", "busy", "loading", "other"};
    metrics::registry()
        .counter("thesaban_redis_errors_total", "Error replies from Redis, by kind",
                 {{"kind", kNames[static_cast<int>(kind)]}})
        .inc();
}

void append_command(std::string& out, const std::vector<std::string>& args) {
    out += '*';
    out += std::to_string(args.size());
    out += "\r\n";
    for (const auto& a : args) {
        out += '$';
        out += std::to_string(a.size());
        out += "\r\n";
        out += a;
        out += "\r\n";
    }
}

struct Counters {
    std::uint64_t commands_sent = 0;
    std::uint64_t writes = 0;
    std::uint64_t reconnects = 0;
};

// Posts a completion through the handler's own executor (a strand, a coroutine's), never inline.
void deliver(asio::io_context& ioc, AsyncRedis::Handler handler, error_code ec, RedisReply reply) {
    asio::post(ioc.get_executor(), asio::append(std::move(handler), ec, std::move(reply)));
}

// One socket and what was sent on it. A connection that failed is never reused: its pending
// commands fail together, so a late reply can never answer a newer command.
class Connection : public std::enable_shared_from_this<Connection> {
public:
    using Socket = asio::generic::stream_protocol::socket;

    Connection(asio::io_context& ioc, std::chrono::milliseconds timeout, std::shared_ptr<Counters> counters)
        : ioc_(ioc), socket_(ioc), deadline_(ioc), closed_(ioc), timeout_(timeout), counters_(std::move(counters)) {
        closed_.expires_at(Clock::time_point::max());
    }

    Socket& socket() { return socket_; }
    bool is_open() const { return open_; }
    error_code close_reason() const { return close_reason_; }

    // Call once connected.
    void start() { read(); }

    void send(const std::vector<std::string>& args, AsyncRedis::Handler handler) {
        if (!open_) return deliver(ioc_, std::move(handler), close_reason_, {});
        append_command(out_, args);
        pending_.push_back({std::move(handler), Clock::now() + timeout_});
        ++counters_->commands_sent;
        if (!timer_armed_) arm_timer(pending_.front().deadline);
        if (!write_in_flight_ && !flush_posted_) {
            flush_posted_ = true;  // everything issued during this turn joins the same write
            asio::post(ioc_.get_executor(), [self = shared_from_this()] {
                self->flush_posted_ = false;
                self->write();
            });
        }
    }

    template <typename Token>
    auto async_send(std::vector<std::string> args, Token&& token) {
        return asio::async_initiate<Token, AsyncRedis::Signature>(
            [this](AsyncRedis::Handler h, std::vector<std::string> a) { send(a, std::move(h)); }, token,
            std::move(args));
    }

    // Idempotent. Fails every pending command with `why`.
    void close(error_code why) {
        if (!open_) return;
        open_ = false;
        close_reason_ = why;
        if (why != make_error_code(RedisErrc::stopped))
            metrics::registry()
                .counter("thesaban_redis_connection_losses_total", "Redis connections dropped, by reason",
                         {{"reason", why.message()}})
                .inc();
        error_code ignored;
        socket_.close(ignored);
        deadline_.cancel();
        closed_.cancel();
        auto pending = std::move(pending_);
        pending_.clear();
        for (auto& p : pending) deliver(ioc_, std::move(p.handler), why, {});
    }

    // Completes when the connection is closed (at once if it already is).
    asio::awaitable<void> wait_closed() {
        if (!open_) co_return;
        error_code ec;
        co_await closed_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }

private:
    struct Pending {
        AsyncRedis::Handler handler;
        Clock::time_point deadline;
    };

    void write() {
        if (!open_ || write_in_flight_ || out_.empty()) return;
        writing_.clear();
        writing_.swap(out_);
        write_in_flight_ = true;
        ++counters_->writes;
        asio::async_write(socket_, asio::buffer(writing_), [self = shared_from_this()](error_code ec, std::size_t) {
            self->write_in_flight_ = false;
            if (ec) return self->close(make_error_code(RedisErrc::disconnected));
            self->write();  // what was issued while this write was in flight
        });
    }

    void read() {
        socket_.async_read_some(asio::buffer(input_), [self = shared_from_this()](error_code ec, std::size_t n) {
            if (!self->open_) return;
            if (ec) return self->close(make_error_code(RedisErrc::disconnected));
            self->on_data(n);
        });
    }

    void on_data(std::size_t n) {
        if (!reader_.feed(input_.data(), n)) return fail_protocol(reader_.error());
        bool readonly = false;
        while (true) {
            std::optional<RedisReply> reply;
            if (!reader_.next(reply)) return fail_protocol(reader_.error());
            if (!reply) break;
            if (pending_.empty()) return fail_protocol("a reply nobody asked for");
            static metrics::Counter& replies =
                metrics::registry().counter("thesaban_redis_replies_total", "Replies read from Redis (round trips)");
            replies.inc();
            const RedisErrorKind kind = classify_error(*reply);
            if (kind != RedisErrorKind::none) count_error(kind);
            // A replica after a failover: answer this one, then drop the link so the owner rediscovers.
            if (kind == RedisErrorKind::readonly) readonly = true;
            Pending p = std::move(pending_.front());
            pending_.pop_front();
            deliver(ioc_, std::move(p.handler), {}, std::move(*reply));
        }
        if (readonly) {
            log::warn(kComponent, "Redis answered READONLY (a replica): reconnecting");
            return close(make_error_code(RedisErrc::disconnected));
        }
        read();
    }

    void fail_protocol(const std::string& why) {
        log::warn(kComponent, "Redis protocol error: dropping the connection", {{"error", why}});
        close(make_error_code(RedisErrc::protocol));
    }

    // One timer watches the oldest pending command. Replies do not touch it: when it fires early
    // (its command was answered) it re-arms for the new oldest, so a pipeline of 1,000 costs no
    // timer work per reply.
    void arm_timer(Clock::time_point when) {
        timer_armed_ = true;
        deadline_.expires_at(when);
        deadline_.async_wait([self = shared_from_this()](error_code ec) {
            self->timer_armed_ = false;
            if (ec || !self->open_ || self->pending_.empty()) return;
            auto oldest = self->pending_.front().deadline;
            if (oldest > Clock::now()) return self->arm_timer(oldest);
            log::warn(kComponent, "Redis command timed out: dropping the connection",
                      {{"timeout_ms", std::to_string(self->timeout_.count())},
                       {"pending", std::to_string(self->pending_.size())}});
            self->close(make_error_code(RedisErrc::timeout));
        });
    }

    asio::io_context& ioc_;
    Socket socket_;
    asio::steady_timer deadline_;
    asio::steady_timer closed_;  // never expires; cancelled to wake wait_closed()
    std::chrono::milliseconds timeout_;
    std::shared_ptr<Counters> counters_;  // shared: a closing connection may outlive the client
    ReplyReader reader_;
    std::array<char, 16 * 1024> input_{};
    std::string out_;
    std::string writing_;
    std::deque<Pending> pending_;
    bool open_ = true;
    bool write_in_flight_ = false;
    bool flush_posted_ = false;
    bool timer_armed_ = false;
    error_code close_reason_ = make_error_code(RedisErrc::disconnected);
};

struct Target {
    std::string host;
    int port = 0;
    std::string unix_socket;

    std::string describe() const {
        if (!unix_socket.empty()) return "unix:" + unix_socket;
        if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
        return host + ":" + std::to_string(port);
    }
};

RedisOptions validated(RedisOptions o) {
    if (o.connect_timeout.count() <= 0) throw std::invalid_argument("Redis connect_timeout must be positive");
    if (o.command_timeout.count() <= 0) throw std::invalid_argument("Redis command_timeout must be positive");
    if (o.sentinels.empty() && o.unix_socket.empty() && o.host.empty())
        throw std::invalid_argument("Redis host is empty");
    if (!o.sentinels.empty() && o.sentinel_master.empty())
        throw std::invalid_argument("Redis sentinels need a sentinel_master name");
    return o;
}

}  // namespace

const boost::system::error_category& redis_category() {
    static const RedisCategory category;
    return category;
}

boost::system::error_code make_error_code(RedisErrc e) { return {static_cast<int>(e), redis_category()}; }

class AsyncRedis::Impl : public std::enable_shared_from_this<Impl> {
public:
    Impl(asio::io_context& ioc, RedisOptions options)
        : ioc_(ioc),
          options_(validated(std::move(options))),
          resolver_(ioc),
          backoff_timer_(ioc),
          random_(std::random_device{}()) {}

    void start() {
        if (started_ || stopped_) return;
        started_ = true;
        asio::co_spawn(
            ioc_, [self = shared_from_this()] { return self->run(); },
            [](std::exception_ptr e) {
                if (!e) return;
                try {
                    std::rethrow_exception(e);
                } catch (const std::exception& failure) {
                    log::error(kComponent, "Redis connection loop died; no more reconnects",
                               {{"error", failure.what()}});
                }
            });
    }

    void stop() {
        if (stopped_) return;
        stopped_ = true;
        up_ = false;
        auto stopped = make_error_code(RedisErrc::stopped);
        backoff_timer_.cancel();
        resolver_.cancel();
        if (auto c = std::exchange(connecting_, nullptr)) c->close(stopped);
        if (auto c = std::exchange(conn_, nullptr)) c->close(stopped);
    }

    bool connected() const { return conn_ && conn_->is_open(); }
    // For other threads (readiness): follows connected() within a loop turn.
    bool connected_anywhere() const { return up_.load(std::memory_order_relaxed); }

    void command(std::vector<std::string> args, Handler handler) {
        if (stopped_) return deliver(ioc_, std::move(handler), make_error_code(RedisErrc::stopped), {});
        if (args.empty()) return deliver(ioc_, std::move(handler), asio::error::invalid_argument, {});
        if (!connected()) return deliver(ioc_, std::move(handler), make_error_code(RedisErrc::disconnected), {});
        conn_->send(args, std::move(handler));
    }

    void eval(const std::string& script, std::vector<std::string> keys, std::vector<std::string> args,
              Handler handler) {
        auto [it, fresh] = sha_by_script_.try_emplace(script);
        if (fresh) it->second = redis_script_sha1(script);
        const std::string* text = &it->first;  // map nodes are stable and live as long as we do

        std::vector<std::string> argv;
        argv.reserve(3 + keys.size() + args.size());
        argv.emplace_back("EVALSHA");
        argv.push_back(it->second);
        argv.push_back(std::to_string(keys.size()));
        for (auto& k : keys) argv.push_back(std::move(k));
        for (auto& a : args) argv.push_back(std::move(a));
        std::vector<std::string> first = argv;

        // Redis restarted or SCRIPT FLUSH: load the script, then retry the EVALSHA once.
        auto self = shared_from_this();
        command(std::move(first), Handler([self, text, argv = std::move(argv), handler = std::move(handler)](
                                              error_code ec, RedisReply reply) mutable {
                    if (ec || classify_error(reply) != RedisErrorKind::noscript)
                        return deliver(self->ioc_, std::move(handler), ec, std::move(reply));
                    std::vector<std::string> load{"SCRIPT", "LOAD", *text};
                    self->command(std::move(load), Handler([self, argv = std::move(argv), handler = std::move(handler)](
                                                               error_code ec, RedisReply loaded) mutable {
                                      if (ec || loaded.is_error())
                                          return deliver(self->ioc_, std::move(handler), ec, std::move(loaded));
                                      self->command(std::move(argv), std::move(handler));
                                  }));
                }));
    }

    const std::shared_ptr<Counters> counters = std::make_shared<Counters>();

private:
    asio::awaitable<void> run() {
        auto backoff = kFirstBackoff;
        bool ever_connected = false;
        bool reported_down = false;
        while (!stopped_) {
            std::string why;
            std::shared_ptr<Connection> conn = co_await establish(why);
            if (stopped_) {
                if (conn) conn->close(make_error_code(RedisErrc::stopped));
                break;
            }
            if (conn) {
                conn_ = conn;
                up_ = true;
                if (ever_connected) ++counters->reconnects;
                if (reported_down) log::info(kComponent, "Redis reachable again", {{"endpoint", endpoint_}});
                ever_connected = true;
                reported_down = false;
                backoff = kFirstBackoff;
                co_await conn->wait_closed();
                up_ = false;
                if (conn_ == conn) conn_.reset();
                if (stopped_) break;
                why = conn->close_reason().message();
            }
            if (!reported_down) {
                log::warn(kComponent, "Redis unreachable, retrying with backoff",
                          {{"endpoint", endpoint_}, {"error", why}});
                reported_down = true;
            }
            // Jitter spreads the reconnects of many loops (and many bots) after a Redis restart.
            std::uniform_int_distribution<long long> jitter(backoff.count() / 2, backoff.count());
            backoff_timer_.expires_after(std::chrono::milliseconds(jitter(random_)));
            error_code ec;
            co_await backoff_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            backoff = std::min(backoff * 2, kMaxBackoff);
        }
    }

    // A connection that answered its handshake, or nullptr with `why`.
    asio::awaitable<std::shared_ptr<Connection>> establish(std::string& why) {
        Target target{options_.host, options_.port, options_.unix_socket};
        if (!options_.sentinels.empty()) {
            auto master = co_await ask_sentinels(why);
            if (!master) co_return nullptr;
            target = Target{master->first, master->second, {}};
        }
        endpoint_ = target.describe();
        auto conn = co_await open(target, why);
        if (!conn) co_return nullptr;

        std::vector<std::vector<std::string>> handshake;
        if (!options_.password.empty()) {
            if (options_.username.empty()) {
                handshake.push_back({"AUTH", options_.password});
            } else {
                handshake.push_back({"AUTH", options_.username, options_.password});
            }
        }
        if (options_.db != 0) handshake.push_back({"SELECT", std::to_string(options_.db)});
        // Always one round trip: a connect alone may land in a stuck server's backlog.
        handshake.push_back(options_.sentinels.empty() ? std::vector<std::string>{"PING"}
                                                       : std::vector<std::string>{"ROLE"});
        connecting_ = conn;
        for (auto& step : handshake) {
            std::string what = step[0];
            error_code ec;
            RedisReply reply =
                co_await conn->async_send(std::move(step), asio::redirect_error(asio::use_awaitable, ec));
            if (!ec && reply.is_error()) {
                // Redis's own error text (WRONGPASS..., ERR DB index...) never contains the password we sent.
                why = what + " refused: " + reply.str;
                ec = make_error_code(RedisErrc::disconnected);
            } else if (!ec && what == "ROLE" && !role_is_master(reply)) {
                why = endpoint_ + " is not a master (yet)";
                ec = make_error_code(RedisErrc::disconnected);
            } else if (ec) {
                why = what + ": " + ec.message();
            }
            if (ec || stopped_) {
                connecting_.reset();
                conn->close(ec ? ec : make_error_code(RedisErrc::stopped));
                co_return nullptr;
            }
        }
        connecting_.reset();
        co_return conn;
    }

    asio::awaitable<std::optional<std::pair<std::string, int>>> ask_sentinels(std::string& why) {
        for (const auto& [host, port] : options_.sentinels) {
            if (stopped_) break;
            // g++ 12 destroys a temporary inside a co_await expression twice: name it.
            Target sentinel_target{host, port, {}};
            auto conn = co_await open(sentinel_target, why);
            if (!conn) continue;
            connecting_ = conn;
            error_code ec;
            std::vector<std::string> ask{"SENTINEL", "get-master-addr-by-name", options_.sentinel_master};
            RedisReply reply = co_await conn->async_send(std::move(ask), asio::redirect_error(asio::use_awaitable, ec));
            connecting_.reset();
            conn->close(make_error_code(RedisErrc::disconnected));
            std::string sentinel = sentinel_target.describe();
            if (ec) {
                why = "sentinel " + sentinel + ": " + ec.message();
                continue;
            }
            if (auto master = parse_sentinel_master_address(reply)) co_return master;
            why = "sentinel " + sentinel + " does not know master '" + options_.sentinel_master + "'" +
                  (reply.is_error() ? ": " + reply.str : "");
        }
        co_return std::nullopt;
    }

    // Resolves and connects within connect_timeout; the connection is reading when returned.
    asio::awaitable<std::shared_ptr<Connection>> open(Target target, std::string& why) {
        auto conn = std::make_shared<Connection>(ioc_, options_.command_timeout, counters);
        connecting_ = conn;
        struct Reset {
            std::shared_ptr<Connection>& slot;
            ~Reset() { slot.reset(); }
        } reset{connecting_};

        // The guard closes the socket when the time is up, which aborts the resolve/connect under way.
        auto timed_out = std::make_shared<bool>(false);
        asio::steady_timer guard(ioc_);
        guard.expires_after(options_.connect_timeout);
        guard.async_wait([conn, timed_out, this, self = shared_from_this()](error_code ec) {
            if (ec) return;
            *timed_out = true;
            resolver_.cancel();
            error_code ignored;
            conn->socket().close(ignored);
        });

        std::vector<asio::generic::stream_protocol::endpoint> endpoints;
        error_code ec;
        if (!target.unix_socket.empty()) {
            endpoints.emplace_back(asio::local::stream_protocol::endpoint(target.unix_socket));
        } else {
            const std::string service = std::to_string(target.port);  // named: see ask_sentinels
            auto results =
                co_await resolver_.async_resolve(target.host, service, asio::redirect_error(asio::use_awaitable, ec));
            if (!ec) {
                for (const auto& entry : results) endpoints.emplace_back(entry.endpoint());
            }
        }
        for (const auto& endpoint : endpoints) {
            if (*timed_out || stopped_ || !conn->is_open()) break;
            error_code ignored;
            conn->socket().close(ignored);  // a failed attempt leaves it open; async_connect reopens it
            co_await conn->socket().async_connect(endpoint, asio::redirect_error(asio::use_awaitable, ec));
            if (!ec) break;
        }
        guard.cancel();
        if (stopped_ || !conn->is_open()) {
            why = "stopped";
            co_return nullptr;
        }
        if (*timed_out) ec = asio::error::timed_out;
        if (!ec && endpoints.empty()) ec = asio::error::host_not_found;
        if (ec) {
            why = "cannot connect to " + target.describe() + ": " + ec.message();
            conn->close(make_error_code(RedisErrc::disconnected));
            co_return nullptr;
        }
        error_code ignored;
        if (target.unix_socket.empty()) {
            conn->socket().set_option(asio::ip::tcp::no_delay(true), ignored);
            conn->socket().set_option(asio::socket_base::keep_alive(true), ignored);  // a vanished host
        }
        conn->start();
        co_return conn;
    }

    asio::io_context& ioc_;
    const RedisOptions options_;
    std::string endpoint_;
    asio::ip::tcp::resolver resolver_;
    asio::steady_timer backoff_timer_;
    std::minstd_rand random_;
    std::shared_ptr<Connection> conn_;        // usable by callers
    std::shared_ptr<Connection> connecting_;  // being set up (sentinel query, connect, handshake)
    std::unordered_map<std::string, std::string> sha_by_script_;
    bool started_ = false;
    bool stopped_ = false;
    std::atomic<bool> up_{false};
};

AsyncRedis::AsyncRedis(asio::io_context& ioc, RedisOptions options)
    : impl_(std::make_shared<Impl>(ioc, std::move(options))) {}

AsyncRedis::~AsyncRedis() { impl_->stop(); }

void AsyncRedis::start() { impl_->start(); }
void AsyncRedis::stop() { impl_->stop(); }
bool AsyncRedis::connected() const { return impl_->connected_anywhere(); }

void AsyncRedis::command(std::vector<std::string> args, Handler handler) {
    impl_->command(std::move(args), std::move(handler));
}

void AsyncRedis::eval(const std::string& script, std::vector<std::string> keys, std::vector<std::string> args,
                      Handler handler) {
    impl_->eval(script, std::move(keys), std::move(args), std::move(handler));
}

std::uint64_t AsyncRedis::commands_sent() const { return impl_->counters->commands_sent; }
std::uint64_t AsyncRedis::writes() const { return impl_->counters->writes; }
std::uint64_t AsyncRedis::reconnects() const { return impl_->counters->reconnects; }

}  // namespace thesaban::store
