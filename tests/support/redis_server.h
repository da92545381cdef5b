#pragma once
// A real redis-server for tests: its own loopback port, its own temp dir (data, AOF, log, unix
// socket), started in the constructor and ready (answers PING) when it returns. stop()/start()
// restart it on the same port and dir, so with AOF on the data survives, as in production.
#include <string>
#include <vector>

#include "support/child_process.h"

namespace thesaban::testing {

struct RedisServerOptions {
    bool appendonly = true;
    // Allows DEBUG SLEEP and friends (Redis 7 refuses DEBUG by default).
    bool enable_debug_command = true;
    std::string appendfsync = "everysec";  // as deploy/redis.conf; "always" loses nothing on a crash
    std::vector<std::string> extra_args;   // e.g. {"--requirepass", "secret"}
};

class RedisServer {
  public:
    explicit RedisServer(RedisServerOptions options = {});
    RedisServer(const RedisServer&) = delete;
    RedisServer& operator=(const RedisServer&) = delete;
    ~RedisServer();  // stops the server and removes its dir

    // Starts on the same port and dir; waits up to 10 s for PING, else throws with the server's output.
    void start();
    void stop();   // SIGTERM: Redis flushes the AOF and exits cleanly
    void kill9();  // SIGKILL: no chance to flush
    bool running() { return process_.running(); }

    int port() const { return port_; }
    std::string url() const;  // "redis://127.0.0.1:P/0"
    const std::string& unix_socket() const { return unix_socket_; }
    const std::string& dir() const { return dir_; }
    std::string output() const { return process_.output(); }

  private:
    bool answers_ping() const;

    RedisServerOptions options_;
    std::string dir_;
    std::string unix_socket_;
    int port_ = 0;
    ChildProcess process_;
};

}  // namespace thesaban::testing
