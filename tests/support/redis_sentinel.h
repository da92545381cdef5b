#pragma once
// A real Redis Sentinel for tests (`redis-server <conf> --sentinel`): its own loopback port and temp
// dir (the sentinel rewrites its config there), started in the constructor and ready (answers
// PING) when it returns. Three of them with quorum 2 fail a killed master over in a few seconds.
#include <chrono>
#include <optional>
#include <string>
#include <utility>

#include "support/child_process.h"

namespace thesaban::testing {

struct RedisSentinelOptions {
    std::string master_name = "m";
    std::string master_host = "127.0.0.1";
    int master_port = 0;
    int quorum = 2;
    int down_after_ms = 500;
    int failover_timeout_ms = 2000;
};

class RedisSentinel {
public:
    explicit RedisSentinel(RedisSentinelOptions options);
    RedisSentinel(const RedisSentinel&) = delete;
    RedisSentinel& operator=(const RedisSentinel&) = delete;
    ~RedisSentinel();  // stops the sentinel and removes its dir

    int port() const { return port_; }
    std::string output() const { return process_.output(); }

    // What this sentinel says now (SENTINEL get-master-addr-by-name), nullopt when it cannot say.
    std::optional<std::pair<std::string, int>> master_address() const;
    // How many other sentinels / replicas of the master this sentinel knows, -1 when it cannot say.
    int known_sentinels() const;
    int known_replicas() const;
    // Polls until this sentinel knows `sentinels` other sentinels and `replicas` replicas (a
    // failover needs the sentinels to have found each other); false after `timeout`.
    bool wait_until_knows(int sentinels, int replicas, std::chrono::milliseconds timeout) const;

private:
    void start();
    int count(const char* what) const;

    RedisSentinelOptions options_;
    std::string dir_;
    int port_ = 0;
    ChildProcess process_;
};

}  // namespace thesaban::testing
