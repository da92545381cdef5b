#include "support/redis_server.h"

#include <hiredis/hiredis.h>
#include <signal.h>

#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string_view>

namespace thesaban::testing {
namespace {
constexpr auto kStartTimeout = std::chrono::seconds(10);
}

RedisServer::RedisServer(RedisServerOptions options) : options_(std::move(options)) {
    dir_ = make_temp_dir("redis");
    unix_socket_ = dir_ + "/redis.sock";
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

RedisServer::~RedisServer() {
    if (process_.pid() > 0) process_.stop(SIGTERM);
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
}

void RedisServer::start() {
    if (process_.running()) throw std::logic_error("redis-server is already running");
    // One option and its value a line.
    // clang-format off
    std::vector<std::string> argv = {
        REDIS_SERVER_EXECUTABLE,
        "--save",
        "",
        "--appendonly",
        options_.appendonly ? "yes" : "no",
        "--appendfsync",
        options_.appendfsync,
        "--bind",
        "127.0.0.1",
        "--port",
        std::to_string(port_),
        "--dir",
        dir_,
        "--unixsocket",
        unix_socket_,
        "--unixsocketperm",
        "700",
        "--daemonize",
        "no",
    };
    // clang-format on
    if (options_.enable_debug_command) argv.insert(argv.end(), {"--enable-debug-command", "local"});
    argv.insert(argv.end(), options_.extra_args.begin(), options_.extra_args.end());
    // One log across restarts (ChildProcess appends), so a failure shows the whole story.
    process_.start(argv, {}, dir_ + "/redis.log");

    bool ready = wait_until([&] { return !process_.running() || answers_ping(); }, kStartTimeout);
    if (!ready || !process_.running()) {
        std::string why = ready ? "redis-server exited" : "redis-server did not answer PING within 10 s";
        throw std::runtime_error(why + " (port " + std::to_string(port_) + "); its output:\n" + process_.output());
    }
}

void RedisServer::stop() {
    if (process_.pid() > 0) process_.stop(SIGTERM);
}

void RedisServer::kill9() {
    if (process_.pid() > 0) process_.stop(SIGKILL);
}

std::string RedisServer::url() const { return "redis://127.0.0.1:" + std::to_string(port_) + "/0"; }

bool RedisServer::answers_ping() const {
    timeval tv{0, 200'000};
    redisContext* c = redisConnectWithTimeout("127.0.0.1", port_, tv);
    if (!c) return false;
    bool ok = false;
    if (!c->err && redisSetTimeout(c, tv) == REDIS_OK) {
        auto* reply = static_cast<redisReply*>(redisCommand(c, "PING"));
        if (reply) {
            std::string_view text(reply->str ? reply->str : "", reply->str ? reply->len : 0);
            // NOAUTH: up, but protected by --requirepass. LOADING: still replaying the AOF.
            ok = (reply->type == REDIS_REPLY_STATUS && text == "PONG") ||
                 (reply->type == REDIS_REPLY_ERROR && text.starts_with("NOAUTH"));
            freeReplyObject(reply);
        }
    }
    redisFree(c);
    return ok;
}

}  // namespace thesaban::testing
