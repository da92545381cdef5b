#pragma once
// The background thread the outbox and the announcement sender share: it runs one pass after
// another, straight on while a pass filled its batch, else after `interval` or as soon as wake()
// is called. A pass that throws (Redis down) is logged and tried again on the next round, so the
// work stays where it is stored and nothing is dropped.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace thesaban::app {

class PollingLoop {
public:
    // `pass` returns how much it worked on; `component` names the logs.
    PollingLoop(std::string component, std::size_t batch, std::chrono::milliseconds interval,
                std::function<std::size_t()> pass);
    PollingLoop(const PollingLoop&) = delete;
    PollingLoop& operator=(const PollingLoop&) = delete;
    ~PollingLoop();  // stop()

    void start();
    // Lets the pass in progress finish, then joins. Safe to call twice.
    void stop();
    void wake();
    // stop() has been called: a pass working through a batch can leave the rest for the next start.
    bool stopping() const;

private:
    void run();

    const std::string component_;
    const std::size_t batch_;
    const std::chrono::milliseconds interval_;
    const std::function<std::size_t()> pass_;

    mutable std::mutex mutex_;
    std::condition_variable wakeup_;
    bool woken_ = false;
    bool stopping_ = false;
    std::thread thread_;
};

// Wait before the next try after `failed_attempts` failures (≥ 1): `first`, doubling, capped at `max`.
std::chrono::milliseconds retry_backoff(int failed_attempts, std::chrono::milliseconds first,
                                        std::chrono::milliseconds max);

}  // namespace thesaban::app
