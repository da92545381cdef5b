#include "store/redis_pool.h"

#include <hiredis/hiredis.h>
#include <openssl/evp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <optional>
#include <tuple>
#include <stdexcept>
#include <utility>

#include "core/log.h"

namespace thesaban::store {
namespace {

constexpr std::string_view kComponent = "redis";

timeval to_timeval(std::chrono::milliseconds ms) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
    return tv;
}

struct ContextFree {
    void operator()(redisContext* c) const { redisFree(c); }
};
using OwnedContext = std::unique_ptr<redisContext, ContextFree>;

struct ReplyFree {
    void operator()(redisReply* r) const { freeReplyObject(r); }
};
using OwnedReply = std::unique_ptr<redisReply, ReplyFree>;

RedisReply copy_reply(const redisReply& r) {
    RedisReply out;
    switch (r.type) {
        case REDIS_REPLY_STRING:
            out.type = RedisReply::Type::string;
            out.str.assign(r.str, r.len);
            break;
        case REDIS_REPLY_STATUS:
            out.type = RedisReply::Type::status;
            out.str.assign(r.str, r.len);
            break;
        case REDIS_REPLY_ERROR:
            out.type = RedisReply::Type::error;
            out.str.assign(r.str, r.len);
            break;
        case REDIS_REPLY_INTEGER:
            out.type = RedisReply::Type::integer;
            out.integer = r.integer;
            break;
        case REDIS_REPLY_ARRAY:
            out.type = RedisReply::Type::array;
            out.elements.reserve(r.elements);
            for (std::size_t i = 0; i < r.elements; ++i) out.elements.push_back(copy_reply(*r.element[i]));
            break;
        default:
            out.type = RedisReply::Type::nil;
    }
    return out;
}

// hiredis writes with write(2): a peer that went away would raise SIGPIPE and kill the process
// (the test binary does not ignore it, and the bot should not depend on main() doing so). Block
// SIGPIPE on this thread for the call and swallow one that our write raised.
class SigpipeBlock {
  public:
    SigpipeBlock() {
        sigemptyset(&pipe_);
        sigaddset(&pipe_, SIGPIPE);
        sigset_t pending;
        sigemptyset(&pending);
        sigpending(&pending);
        was_pending_ = sigismember(&pending, SIGPIPE) == 1;
        pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
    }
    ~SigpipeBlock() {
        if (!was_pending_) {
            sigset_t pending;
            sigemptyset(&pending);
            sigpending(&pending);
            if (sigismember(&pending, SIGPIPE) == 1) {
                timespec zero{};
                while (sigtimedwait(&pipe_, nullptr, &zero) == -1 && errno == EINTR) {
                }
            }
        }
        pthread_sigmask(SIG_SETMASK, &old_, nullptr);
    }
    SigpipeBlock(const SigpipeBlock&) = delete;
    SigpipeBlock& operator=(const SigpipeBlock&) = delete;

  private:
    sigset_t pipe_{};
    sigset_t old_{};
    bool was_pending_ = false;
};

// An idle connection must have nothing to read: readable means the server closed it (restart,
// `timeout` setting) or sent something unexpected. Either way it must not carry a command.
bool idle_connection_usable(const redisContext* c) {
    if (c->err) return false;
    pollfd pfd{};
    pfd.fd = c->fd;
    pfd.events = POLLIN;
    int n = ::poll(&pfd, 1, 0);
    return n == 0;
}

std::string describe_error(const redisContext* c, int saved_errno, std::chrono::milliseconds timeout) {
    if (c->err == REDIS_ERR_IO && (saved_errno == EAGAIN || saved_errno == EWOULDBLOCK)) {
        return "timed out after " + std::to_string(timeout.count()) + " ms";
    }
    if (c->err == REDIS_ERR_EOF) return "connection closed by server";
    return c->errstr[0] ? std::string(c->errstr) : "error " + std::to_string(c->err);
}

std::string make_endpoint(const RedisOptions& o) {
    if (!o.sentinels.empty()) {
        std::string out = "sentinel:" + o.sentinel_master + "@";
        for (std::size_t i = 0; i < o.sentinels.size(); ++i) {
            if (i) out += ',';
            out += o.sentinels[i].first + ":" + std::to_string(o.sentinels[i].second);
        }
        return out;
    }
    if (!o.unix_socket.empty()) return "unix:" + o.unix_socket;
    if (o.host.find(':') != std::string::npos) return "[" + o.host + "]:" + std::to_string(o.port);
    return o.host + ":" + std::to_string(o.port);
}

RedisOptions validated(RedisOptions o) {
    if (o.pool_size == 0) throw std::invalid_argument("Redis pool_size must be at least 1");
    if (o.connect_timeout.count() <= 0) throw std::invalid_argument("Redis connect_timeout must be positive");
    if (o.command_timeout.count() <= 0) throw std::invalid_argument("Redis command_timeout must be positive");
    if (o.sentinels.empty() && o.unix_socket.empty() && o.host.empty())
        throw std::invalid_argument("Redis host is empty");
    if (!o.sentinels.empty() && o.sentinel_master.empty())
        throw std::invalid_argument("Redis sentinels need a sentinel_master name");
    return o;
}

}  // namespace

std::string redis_script_sha1(const std::string& script) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(script.data(), script.size(), digest, &length, EVP_sha1(), nullptr) != 1) {
        throw std::runtime_error("SHA1 failed");
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(length * 2);
    for (unsigned int i = 0; i < length; ++i) {
        hex += kHex[digest[i] >> 4];
        hex += kHex[digest[i] & 0x0f];
    }
    return hex;
}

// One borrowed connection: goes back to the idle list, unless `discard()` was called.
class RedisPool::Lease {
  public:
    Lease(RedisPool& pool, redisContext* context) : pool_(&pool), context_(context) {}
    Lease(Lease&& other) noexcept
        : pool_(std::exchange(other.pool_, nullptr)), context_(std::exchange(other.context_, nullptr)) {}
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() {
        if (context_) pool_->release(context_);
    }

    redisContext* get() const { return context_; }
    void discard() {
        if (context_) pool_->discard(std::exchange(context_, nullptr));
    }

  private:
    RedisPool* pool_;
    redisContext* context_;
};

RedisPool::RedisPool(RedisOptions options)
    : options_(validated(std::move(options))), endpoint_(make_endpoint(options_)) {}

RedisPool::~RedisPool() {
    std::lock_guard lock(mutex_);
    for (redisContext* c : idle_) redisFree(c);
    idle_.clear();
}

std::size_t RedisPool::open_connections() const {
    std::lock_guard lock(mutex_);
    return open_;
}

RedisPool::Lease RedisPool::acquire() {
    const auto deadline = std::chrono::steady_clock::now() + options_.command_timeout;
    std::vector<redisContext*> stale;  // freed outside the lock
    redisContext* reused = nullptr;
    {
        std::unique_lock lock(mutex_);
        while (true) {
            while (!idle_.empty() && !reused) {
                redisContext* c = idle_.back();
                idle_.pop_back();
                if (idle_connection_usable(c)) {
                    reused = c;
                } else {
                    stale.push_back(c);
                    --open_;
                }
            }
            if (reused) break;
            if (open_ < options_.pool_size) {
                ++open_;  // reserve the slot; connect without holding the lock
                break;
            }
            if (available_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() &&
                open_ >= options_.pool_size) {
                lock.unlock();
                for (redisContext* c : stale) redisFree(c);
                if (!stale.empty()) available_.notify_all();
                throw RedisUnavailable("no free Redis connection within " +
                                       std::to_string(options_.command_timeout.count()) + " ms (pool of " +
                                       std::to_string(options_.pool_size) + ")");
            }
        }
    }
    for (redisContext* c : stale) redisFree(c);
    if (!stale.empty()) available_.notify_all();  // freed slots may let other waiters connect
    if (reused) return Lease(*this, reused);

    try {
        return Lease(*this, connect());
    } catch (...) {
        {
            std::lock_guard lock(mutex_);
            --open_;
        }
        available_.notify_one();
        throw;
    }
}

void RedisPool::release(redisContext* context) {
    {
        std::lock_guard lock(mutex_);
        idle_.push_back(context);
    }
    available_.notify_one();
}

void RedisPool::discard(redisContext* context) {
    redisFree(context);
    {
        std::lock_guard lock(mutex_);
        --open_;
    }
    available_.notify_one();
}

void RedisPool::note_failure(const std::string& what) {
    if (reachable_.exchange(false))
        log::warn(kComponent, "Redis unreachable", {{"endpoint", endpoint_}, {"error", what}});
}

// Asks the sentinels in turn; the first that names the master wins.
std::optional<std::pair<std::string, int>> RedisPool::discover_master(std::string& why) {
    const timeval connect_timeout = to_timeval(options_.connect_timeout);
    for (const auto& [host, port] : options_.sentinels) {
        std::string sentinel = host + ":" + std::to_string(port);
        OwnedContext context(redisConnectWithTimeout(host.c_str(), port, connect_timeout));
        if (!context || context->err) {
            why = "sentinel " + sentinel + ": " + (context ? context->errstr : "out of memory");
            continue;
        }
        if (redisSetTimeout(context.get(), to_timeval(options_.command_timeout)) != REDIS_OK) continue;
        const char* argv[] = {"SENTINEL", "get-master-addr-by-name", options_.sentinel_master.c_str()};
        const std::size_t lengths[] = {8, 23, options_.sentinel_master.size()};
        OwnedReply reply;
        int saved_errno = 0;
        {
            SigpipeBlock no_sigpipe;
            reply.reset(static_cast<redisReply*>(redisCommandArgv(context.get(), 3, argv, lengths)));
            saved_errno = errno;
        }
        if (!reply) {
            why = "sentinel " + sentinel + ": " + describe_error(context.get(), saved_errno, options_.command_timeout);
            continue;
        }
        if (auto master = parse_sentinel_master_address(copy_reply(*reply))) return master;
        why = "sentinel " + sentinel + " does not know master '" + options_.sentinel_master + "'";
    }
    return std::nullopt;
}

redisContext* RedisPool::connect() {
    const timeval connect_timeout = to_timeval(options_.connect_timeout);
    auto fail = [&](const std::string& why) {
        std::string message = "cannot connect to Redis at " + endpoint_ + ": " + why;
        note_failure(message);
        throw RedisUnavailable(message);
    };
    std::string host = options_.host;
    int port = options_.port;
    if (!options_.sentinels.empty()) {
        std::string why = "no sentinel answered";
        auto master = discover_master(why);
        if (!master) fail(why);
        std::tie(host, port) = *master;
    }
    OwnedContext context(options_.unix_socket.empty() || !options_.sentinels.empty()
                             ? redisConnectWithTimeout(host.c_str(), port, connect_timeout)
                             : redisConnectUnixWithTimeout(options_.unix_socket.c_str(), connect_timeout));
    if (!context) fail("out of memory");
    if (context->err) fail(context->errstr);
    if (redisSetTimeout(context.get(), to_timeval(options_.command_timeout)) != REDIS_OK) fail(context->errstr);
    if (options_.unix_socket.empty()) redisEnableKeepAlive(context.get());  // notices a vanished host on idle links

    auto handshake = [&](const std::vector<std::string>& args, const char* what) -> RedisReply {
        std::vector<const char*> argv;
        std::vector<std::size_t> lengths;
        for (const auto& a : args) {
            argv.push_back(a.data());
            lengths.push_back(a.size());
        }
        SigpipeBlock no_sigpipe;
        int saved_errno = 0;
        OwnedReply reply(static_cast<redisReply*>(
            redisCommandArgv(context.get(), static_cast<int>(argv.size()), argv.data(), lengths.data())));
        saved_errno = errno;
        if (!reply)
            fail(std::string(what) + ": " + describe_error(context.get(), saved_errno, options_.command_timeout));
        // Redis's own error text (WRONGPASS..., ERR DB index...) never contains the password we sent.
        if (reply->type == REDIS_REPLY_ERROR)
            fail(std::string(what) + " refused: " + std::string(reply->str, reply->len));
        return copy_reply(*reply);
    };
    if (!options_.password.empty()) {
        if (options_.username.empty()) {
            handshake({"AUTH", options_.password}, "AUTH");
        } else {
            handshake({"AUTH", options_.username, options_.password}, "AUTH");
        }
    }
    if (options_.db != 0) handshake({"SELECT", std::to_string(options_.db)}, "SELECT");
    // A sentinel may still name the old master for a moment after a failover.
    if (!options_.sentinels.empty() && !role_is_master(handshake({"ROLE"}, "ROLE")))
        fail(host + ":" + std::to_string(port) + " is not a master (yet)");

    return context.release();
}

RedisReply RedisPool::run(Lease& lease, const std::vector<std::string>& args) {
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    argv.reserve(args.size());
    lengths.reserve(args.size());
    for (const auto& a : args) {
        argv.push_back(a.data());
        lengths.push_back(a.size());
    }
    redisContext* c = lease.get();
    OwnedReply reply;
    int saved_errno = 0;
    {
        SigpipeBlock no_sigpipe;
        reply.reset(
            static_cast<redisReply*>(redisCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lengths.data())));
        saved_errno = errno;
    }
    if (!reply) {
        // The connection may still owe us a reply (timeout) or be broken: it must never be reused.
        std::string message = "Redis " + endpoint_ + ": " + describe_error(c, saved_errno, options_.command_timeout);
        lease.discard();
        note_failure(message);
        throw RedisUnavailable(message);
    }
    // Only an answered command proves Redis is back (a connect alone may land in a stuck server's backlog).
    if (!reachable_.load(std::memory_order_relaxed) && !reachable_.exchange(true)) {
        log::info(kComponent, "Redis reachable again", {{"endpoint", endpoint_}});
    }
    RedisReply out = copy_reply(*reply);
    // We are talking to a replica (a failover happened): the next connection rediscovers the master.
    if (classify_error(out) == RedisErrorKind::readonly) lease.discard();
    return out;
}

RedisReply RedisPool::command(const std::vector<std::string>& args) {
    if (args.empty()) throw std::invalid_argument("Redis command needs at least one argument");
    Lease lease = acquire();
    return run(lease, args);
}

std::string RedisPool::script_sha1(const std::string& script) {
    std::lock_guard lock(sha_mutex_);
    auto it = sha_by_script_.find(script);
    if (it != sha_by_script_.end()) return it->second;
    return sha_by_script_.emplace(script, redis_script_sha1(script)).first->second;
}

RedisReply RedisPool::eval(const std::string& script, const std::vector<std::string>& keys,
                           const std::vector<std::string>& args) {
    std::vector<std::string> argv;
    argv.reserve(3 + keys.size() + args.size());
    argv.emplace_back("EVALSHA");
    argv.push_back(script_sha1(script));
    argv.push_back(std::to_string(keys.size()));
    argv.insert(argv.end(), keys.begin(), keys.end());
    argv.insert(argv.end(), args.begin(), args.end());

    Lease lease = acquire();
    RedisReply reply = run(lease, argv);
    if (reply.is_error() && reply.str.starts_with("NOSCRIPT")) {
        // Redis restarted or SCRIPT FLUSH: EVAL runs the script and caches it under the same SHA1.
        argv[0] = "EVAL";
        argv[1] = script;
        reply = run(lease, argv);
    }
    return reply;
}

bool RedisPool::ping() {
    try {
        RedisReply reply = command({"PING"});
        return reply.type == RedisReply::Type::status && reply.str == "PONG";
    } catch (...) {
        return false;
    }
}

}  // namespace thesaban::store
