#include "support/redis_sentinel.h"

#include <hiredis/hiredis.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string_view>

namespace thesaban::testing {
namespace {

constexpr auto kStartTimeout = std::chrono::seconds(10);

struct ContextFree {
    void operator()(redisContext* c) const { redisFree(c); }
};
struct ReplyFree {
    void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Context = std::unique_ptr<redisContext, ContextFree>;
using Reply = std::unique_ptr<redisReply, ReplyFree>;

Reply ask(int port, const std::vector<std::string>& args) {
    timeval tv{0, 300'000};
    Context c(redisConnectWithTimeout("127.0.0.1", port, tv));
    if (!c || c->err || redisSetTimeout(c.get(), tv) != REDIS_OK) return nullptr;
    std::vector<const char*> argv;
    std::vector<std::size_t> lengths;
    for (const auto& a : args) {
        argv.push_back(a.data());
        lengths.push_back(a.size());
    }
    return Reply(static_cast<redisReply*>(
        redisCommandArgv(c.get(), static_cast<int>(argv.size()), argv.data(), lengths.data())));
}

}  // namespace

RedisSentinel::RedisSentinel(RedisSentinelOptions options) : options_(std::move(options)) {
    if (options_.master_port <= 0) throw std::invalid_argument("RedisSentinel needs the master's port");
    dir_ = make_temp_dir("sentinel");
    // free_loopback_port() can race with another test binary grabbing the same port: try a few.
    for (int attempt = 1;; ++attempt) {
        port_ = free_loopback_port();
        try {
            start();
            return;
        } catch (const std::exception&) {
            bool port_taken = process_.output().find("Address already in use") != std::string::npos;
            if (process_.pid() > 0) process_.stop(SIGKILL);
            if (!port_taken || attempt == 3) {
                std::error_code ignored;
                std::filesystem::remove_all(dir_, ignored);
                throw;
            }
        }
    }
}

RedisSentinel::~RedisSentinel() {
    if (process_.pid() > 0) process_.stop(SIGTERM);
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
}

void RedisSentinel::start() {
    const std::string conf = dir_ + "/sentinel.conf";
    {
        std::ofstream out(conf, std::ios::trunc);
        const std::string& m = options_.master_name;
        out << "port " << port_ << "\n"
            << "bind 127.0.0.1\n"
            << "dir " << dir_ << "\n"
            << "daemonize no\n"
            << "sentinel monitor " << m << " " << options_.master_host << " " << options_.master_port << " "
            << options_.quorum << "\n"
            << "sentinel down-after-milliseconds " << m << " " << options_.down_after_ms << "\n"
            << "sentinel failover-timeout " << m << " " << options_.failover_timeout_ms << "\n"
            << "sentinel parallel-syncs " << m << " 1\n";
        if (!out) throw std::runtime_error("cannot write " + conf);
    }
    process_.start({REDIS_SERVER_EXECUTABLE, conf, "--sentinel"}, {}, dir_ + "/sentinel.log");
    auto answers_ping = [&] {
        Reply r = ask(port_, {"PING"});
        return r && r->type == REDIS_REPLY_STATUS && std::string_view(r->str, r->len) == "PONG";
    };
    bool ready = wait_until([&] { return !process_.running() || answers_ping(); }, kStartTimeout);
    if (!ready || !process_.running()) {
        std::string why = ready ? "redis sentinel exited" : "redis sentinel did not answer PING within 10 s";
        throw std::runtime_error(why + " (port " + std::to_string(port_) + "); its output:\n" + process_.output());
    }
}

std::optional<std::pair<std::string, int>> RedisSentinel::master_address() const {
    Reply r = ask(port_, {"SENTINEL", "get-master-addr-by-name", options_.master_name});
    if (!r || r->type != REDIS_REPLY_ARRAY || r->elements != 2) return std::nullopt;
    if (r->element[0]->type != REDIS_REPLY_STRING || r->element[1]->type != REDIS_REPLY_STRING) return std::nullopt;
    return std::pair{std::string(r->element[0]->str, r->element[0]->len), std::stoi(r->element[1]->str)};
}

int RedisSentinel::count(const char* what) const {
    Reply r = ask(port_, {"SENTINEL", what, options_.master_name});
    if (!r || r->type != REDIS_REPLY_ARRAY) return -1;
    return static_cast<int>(r->elements);
}

int RedisSentinel::known_sentinels() const { return count("sentinels"); }
int RedisSentinel::known_replicas() const { return count("replicas"); }

bool RedisSentinel::wait_until_knows(int sentinels, int replicas, std::chrono::milliseconds timeout) const {
    return wait_until([&] { return known_sentinels() >= sentinels && known_replicas() >= replicas; }, timeout);
}

}  // namespace thesaban::testing
