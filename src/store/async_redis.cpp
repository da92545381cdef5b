#include "store/async_redis.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <deque>
#include <random>
#include <unordered_map>

#include "core/log.h"
#include "store/redis_pool.h"
#include "store/resp.h"

namespace thesaban::store {
namespace net = boost::asio;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;
using Socket = net::generic::stream_protocol::socket;

namespace {

class RedisCategory final : public boost::system::error_category {
public:
    const char* name() const noexcept override { return "redis"; }
    std::string message(int value) const override {
        switch (static_cast<RedisErrc>(value)) {
            case RedisErrc::disconnected: return "not connected to redis";
            case RedisErrc::timeout: return "redis did not answer in time";
            case RedisErrc::protocol: return "redis sent something that is not RESP";
            case RedisErrc::stopped: return "redis client stopped";
        }
        return "redis error";
    }
};

constexpr std::size_t kReadChunk = 64 * 1024;
constexpr std::chrono::milliseconds kFirstBackoff{50};
constexpr std::chrono::milliseconds kLongestBackoff{2000};

std::string describe(const RedisOptions& o) {
    if (!o.sentinels.empty()) return "sentinel master " + o.sentinel_master;
    if (!o.unix_socket.empty()) return "unix:" + o.unix_socket;
    return o.host + ":" + std::to_string(o.port);
}

}  // namespace

const boost::system::error_category& redis_category() {
    static const RedisCategory category;
    return category;
}

error_code make_error_code(RedisErrc e) { return {static_cast<int>(e), redis_category()}; }

struct Pending {
    // Asio 1.81's any_completion_handler move *assignment* copies itself into endless recursion:
    // a Pending is only ever move-constructed, with its handler given here.
    explicit Pending(AsyncRedis::Handler h = {}) : handler(std::move(h)) {}
    Pending(Pending&&) = default;
    Pending& operator=(Pending&&) = delete;

    AsyncRedis::Handler handler;  // empty for the client's own commands (AUTH, SELECT, ROLE)
    Clock::time_point deadline;
    enum class Check { none, ok, role_master } check = Check::none;
    // EVALSHA: the command as sent (EVALSHA sha n keys... args...), and the script to send instead
    // of the sha when Redis answers NOSCRIPT.
    const std::string* script = nullptr;
    std::vector<std::string> argv;
};

struct AsyncRedis::State : std::enable_shared_from_this<AsyncRedis::State> {
    State(net::io_context& c, RedisOptions o)
        : ioc(c), options(std::move(o)), socket(c), deadline_timer(c), retry_timer(c), rng(std::random_device{}()) {}

    net::io_context& ioc;
    const RedisOptions options;
    Socket socket;
    net::steady_timer deadline_timer;
    net::steady_timer retry_timer;
    std::mt19937 rng;

    enum class Phase { idle, connecting, up, stopped };
    Phase phase_ = Phase::idle;
    std::atomic<bool> up{false};  // readable from any thread (readiness)
    Phase phase() const { return phase_; }
    void set_phase(Phase p) {
        phase_ = p;
        up.store(p == Phase::up, std::memory_order_relaxed);
    }
    unsigned generation = 0;  // a new connection makes the old one's callbacks moot
    int failures = 0;
    bool ever_connected = false;
    bool deadline_armed = false;
    bool flush_posted = false;
    bool write_in_flight = false;
    std::string out;
    std::string writing;
    std::string in;
    std::deque<Pending> pending;
    struct Sha {
        std::string script;
        std::string sha;
    };
    std::unordered_map<const std::string*, Sha> sha_by_script;
    AsyncRedisStats stats;

    // ---- completions -------------------------------------------------------------------------
    void complete(AsyncRedis::Handler handler, error_code ec, RedisReply reply) {
        if (!handler) return;
        net::post(ioc, [h = std::move(handler), ec, r = std::move(reply)]() mutable { std::move(h)(ec, std::move(r)); });
    }

    void fail_all(error_code ec) {
        auto failed = std::move(pending);
        pending.clear();
        for (auto& p : failed) complete(std::move(p.handler), ec, {});
    }

    // ---- sending -----------------------------------------------------------------------------
    void enqueue(std::vector<std::string> argv, Pending p) {
        resp::encode(out, argv);
        if (p.script) p.argv = std::move(argv);
        p.deadline = Clock::now() + options.command_timeout;
        pending.push_back(std::move(p));
        arm_deadline();
        if (!flush_posted && !write_in_flight) {
            // Everything issued during this loop turn goes out in the one write.
            flush_posted = true;
            net::post(ioc, [self = shared_from_this()] { self->flush(); });
        }
    }

    void flush() {
        flush_posted = false;
        if (write_in_flight || out.empty() || phase() != Phase::up) return;
        writing.swap(out);
        out.clear();
        write_in_flight = true;
        ++stats.writes;
        net::async_write(socket, net::buffer(writing),
                         [self = shared_from_this(), gen = generation](error_code ec, std::size_t) {
                             self->write_in_flight = false;
                             self->writing.clear();
                             if (gen != self->generation) return;
                             if (ec) return self->lost(RedisErrc::disconnected, ec.message());
                             if (!self->out.empty()) self->flush();
                         });
    }

    void arm_deadline() {
        if (deadline_armed || pending.empty()) return;
        deadline_armed = true;
        deadline_timer.expires_at(pending.front().deadline);
        deadline_timer.async_wait([self = shared_from_this(), gen = generation](error_code ec) {
            self->deadline_armed = false;
            if (ec || gen != self->generation || self->pending.empty()) return;
            if (self->pending.front().deadline <= Clock::now())
                return self->lost(RedisErrc::timeout, "command deadline passed");
            self->arm_deadline();
        });
    }

    // ---- receiving ---------------------------------------------------------------------------
    net::awaitable<void> read_loop(unsigned gen) {
        auto self = shared_from_this();
        std::vector<char> chunk(kReadChunk);
        std::size_t start = 0;
        for (;;) {
            auto [ec, n] = co_await socket.async_read_some(net::buffer(chunk), net::as_tuple(net::use_awaitable));
            if (gen != generation) co_return;
            if (ec) {
                lost(RedisErrc::disconnected, ec.message());
                co_return;
            }
            in.append(chunk.data(), n);
            for (;;) {
                RedisReply reply;
                std::size_t used = 0;
                auto parsed = resp::decode(std::string_view(in).substr(start), reply, used);
                if (parsed == resp::Parse::incomplete) break;
                if (parsed == resp::Parse::malformed || pending.empty()) {
                    lost(RedisErrc::protocol, pending.empty() ? "reply nobody asked for" : "malformed reply");
                    co_return;
                }
                start += used;
                deliver(std::move(reply));
                if (gen != generation) co_return;
            }
            // Keep the buffer small: drop what was consumed.
            if (start == in.size()) {
                in.clear();
                start = 0;
            } else if (start > kReadChunk) {
                in.erase(0, start);
                start = 0;
            }
        }
    }

    void deliver(RedisReply reply) {
        Pending p = std::move(pending.front());
        pending.pop_front();
        auto kind = classify_error(reply);
        switch (p.check) {
            case Pending::Check::ok:
                if (reply.is_error()) return lost(RedisErrc::disconnected, "connection set-up refused: " + reply.str);
                return;
            case Pending::Check::role_master:
                if (reply.type != RedisReply::Type::array || reply.elements.empty() ||
                    reply.elements[0].str != "master")
                    return lost(RedisErrc::disconnected, "the sentinels' master is not a master (yet)");
                return;
            case Pending::Check::none: break;
        }
        if (kind == RedisErrorKind::noscript && p.script) {
            // The script cache was flushed (restart, failover, SCRIPT FLUSH): send the script itself.
            auto argv = std::move(p.argv);
            argv[0] = "EVAL";
            argv[1] = *p.script;
            enqueue(std::move(argv), Pending(std::move(p.handler)));
            return;
        }
        complete(std::move(p.handler), {}, std::move(reply));
        if (kind == RedisErrorKind::readonly) {
            // A replica since a failover: find the master again.
            lost(RedisErrc::disconnected, "server is read-only (a replica): looking for the master");
        }
    }

    // ---- the connection ----------------------------------------------------------------------
    void lost(RedisErrc why, const std::string& detail) {
        if (phase() == Phase::stopped) return;
        bool was_up = phase() == Phase::up;
        ++generation;
        error_code ignored;
        socket.close(ignored);
        deadline_timer.cancel();
        out.clear();
        in.clear();
        fail_all(make_error_code(why));
        set_phase(Phase::idle);
        if (was_up || failures == 0)
            log::warn("redis", "connection lost", {{"redis", describe(options)}, {"reason", detail}});
        schedule_reconnect();
    }

    void schedule_reconnect() {
        auto backoff = std::min(kLongestBackoff, kFirstBackoff * (1 << std::min(failures, 6)));
        std::uniform_real_distribution<double> jitter(0.8, 1.2);
        ++failures;
        retry_timer.expires_after(std::chrono::milliseconds(static_cast<long>(backoff.count() * jitter(rng))));
        retry_timer.async_wait([self = shared_from_this()](error_code ec) {
            if (!ec && self->phase() == Phase::idle) self->connect();
        });
    }

    void connect() {
        set_phase(Phase::connecting);
        net::co_spawn(ioc, connect_once(), net::detached);
    }

    // Connects `s` to `endpoint` within the connect timeout.
    net::awaitable<error_code> connect_within(Socket& s, const net::generic::stream_protocol::endpoint& endpoint) {
        net::steady_timer timer(ioc, options.connect_timeout);
        bool timed_out = false;
        timer.async_wait([&](error_code ec) {
            if (!ec) {
                timed_out = true;
                error_code ignored;
                s.cancel(ignored);
            }
        });
        error_code ignored;
        s.close(ignored);
        s.open(endpoint.protocol(), ignored);
        auto [ec] = co_await s.async_connect(endpoint, net::as_tuple(net::use_awaitable));
        timer.cancel();
        if (timed_out) co_return net::error::timed_out;
        co_return ec;
    }

    net::awaitable<std::optional<net::generic::stream_protocol::endpoint>> resolve(const std::string& host, int port) {
        net::ip::tcp::resolver resolver(ioc);
        auto [ec, results] =
            co_await resolver.async_resolve(host, std::to_string(port), net::as_tuple(net::use_awaitable));
        if (ec || results.empty()) co_return std::nullopt;
        co_return net::generic::stream_protocol::endpoint(results.begin()->endpoint());
    }

    // One command on a connection of its own, for asking a sentinel.
    net::awaitable<std::optional<RedisReply>> ask(Socket& s, const std::vector<std::string>& argv) {
        std::string request;
        resp::encode(request, argv);
        net::steady_timer timer(ioc, options.command_timeout);
        timer.async_wait([&](error_code ec) {
            if (!ec) {
                error_code ignored;
                s.cancel(ignored);
            }
        });
        auto [wec, written] = co_await net::async_write(s, net::buffer(request), net::as_tuple(net::use_awaitable));
        if (wec) co_return std::nullopt;
        std::string buffer;
        std::vector<char> chunk(4096);
        for (;;) {
            auto [ec, n] = co_await s.async_read_some(net::buffer(chunk), net::as_tuple(net::use_awaitable));
            if (ec) co_return std::nullopt;
            buffer.append(chunk.data(), n);
            RedisReply reply;
            std::size_t used = 0;
            auto parsed = resp::decode(buffer, reply, used);
            if (parsed == resp::Parse::malformed) co_return std::nullopt;
            if (parsed == resp::Parse::complete) {
                timer.cancel();
                co_return reply;
            }
        }
    }

    // Where the server is: as configured, or the master the first answering sentinel names.
    net::awaitable<std::optional<net::generic::stream_protocol::endpoint>> locate() {
        if (!options.unix_socket.empty())
            co_return net::generic::stream_protocol::endpoint(net::local::stream_protocol::endpoint(options.unix_socket));
        if (options.sentinels.empty()) co_return co_await resolve(options.host, options.port);
        for (const auto& [host, port] : options.sentinels) {
            auto sentinel = co_await resolve(host, port);
            if (!sentinel) continue;
            Socket s(ioc);
            if (co_await connect_within(s, *sentinel)) continue;
            std::vector<std::string> question{"SENTINEL", "get-master-addr-by-name", options.sentinel_master};
            auto reply = co_await ask(s, question);
            auto master = reply ? sentinel_master_address(*reply) : std::nullopt;
            if (master) co_return co_await resolve(master->first, master->second);
        }
        co_return std::nullopt;
    }

    net::awaitable<void> connect_once() {
        auto self = shared_from_this();
        auto endpoint = co_await locate();
        if (phase() != Phase::connecting) co_return;
        error_code ec = endpoint ? co_await connect_within(socket, *endpoint) : net::error::host_not_found;
        if (phase() != Phase::connecting) co_return;
        if (ec) {
            if (failures == 0 || failures % 20 == 0)
                log::warn("redis", "cannot connect", {{"redis", describe(options)}, {"error", ec.message()}});
            set_phase(Phase::idle);
            schedule_reconnect();
            co_return;
        }
        if (options.unix_socket.empty()) socket.set_option(net::ip::tcp::no_delay(true), ec);
        ++generation;
        set_phase(Phase::up);
        if (ever_connected) {
            ++stats.reconnects;
            log::info("redis", "connected again", {{"redis", describe(options)}});
        }
        ever_connected = true;
        failures = 0;
        // Set-up commands go first in the pipeline; anything issued from now on follows them.
        Pending check;
        check.check = Pending::Check::ok;
        if (!options.password.empty()) {
            std::vector<std::string> auth{"AUTH"};
            if (!options.username.empty()) auth.push_back(options.username);
            auth.push_back(options.password);
            enqueue(std::move(auth), std::move(check));
        }
        if (options.db != 0) {
            Pending select;
            select.check = Pending::Check::ok;
            enqueue({"SELECT", std::to_string(options.db)}, std::move(select));
        }
        if (!options.sentinels.empty()) {
            Pending role;
            role.check = Pending::Check::role_master;
            enqueue({"ROLE"}, std::move(role));
        }
        net::co_spawn(ioc, read_loop(generation), net::detached);
    }

    const std::string& sha_of(const std::string& script) {
        auto& entry = sha_by_script[&script];
        if (entry.sha.empty() || entry.script != script) {
            entry.script = script;
            entry.sha = redis_script_sha1(script);
        }
        return entry.sha;
    }
};

AsyncRedis::AsyncRedis(net::io_context& ioc, RedisOptions options)
    : state_(std::make_shared<State>(ioc, std::move(options))) {}

AsyncRedis::~AsyncRedis() { stop(); }

void AsyncRedis::start() {
    if (state_->phase() == State::Phase::idle) state_->connect();
}

void AsyncRedis::stop() {
    auto& s = *state_;
    if (s.phase() == State::Phase::stopped) return;
    s.set_phase(State::Phase::stopped);
    ++s.generation;
    error_code ignored;
    s.socket.close(ignored);
    s.deadline_timer.cancel();
    s.retry_timer.cancel();
    s.fail_all(make_error_code(RedisErrc::stopped));
}

bool AsyncRedis::connected() const { return state_->up.load(std::memory_order_relaxed); }

void AsyncRedis::command(std::vector<std::string> args, Handler handler) {
    auto& s = *state_;
    if (s.phase() != State::Phase::up) {
        s.complete(std::move(handler), make_error_code(s.phase() == State::Phase::stopped ? RedisErrc::stopped
                                                                                       : RedisErrc::disconnected),
                   {});
        return;
    }
    ++s.stats.commands;
    s.enqueue(std::move(args), Pending(std::move(handler)));
}

void AsyncRedis::eval(const std::string& script, std::vector<std::string> keys, std::vector<std::string> args,
                      Handler handler) {
    auto& s = *state_;
    if (s.phase() != State::Phase::up) {
        command({}, std::move(handler));  // fails the same way
        return;
    }
    ++s.stats.commands;
    std::vector<std::string> argv;
    argv.reserve(3 + keys.size() + args.size());
    argv.emplace_back("EVALSHA");
    argv.push_back(s.sha_of(script));
    argv.push_back(std::to_string(keys.size()));
    for (auto& k : keys) argv.push_back(std::move(k));
    for (auto& a : args) argv.push_back(std::move(a));
    Pending p(std::move(handler));
    p.script = &script;
    s.enqueue(std::move(argv), std::move(p));
}

const AsyncRedisStats& AsyncRedis::stats() const { return state_->stats; }

}  // namespace thesaban::store
