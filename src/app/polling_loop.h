#pragma once
// The background work the outbox and the announcement sender share: one pass after another,
// straight on while a pass filled its batch, else after `interval` or as soon as wake() is called.
// In the bot it runs as a fiber on an event loop (start_on), so a pass's Redis and LINE calls go
// over that loop's pipelined connections and waiting is a timer, never a parked thread; tools and
// tests may give it a thread of its own (start). A pass that throws (Redis down) is logged and
// tried again on the next round, so the work stays where it is stored and nothing is dropped.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace thesaban::runtime {
struct Loop;
}

namespace thesaban::app {

class PollingLoop {
public:
    // `pass` returns how much it worked on; `component` names the logs.
    PollingLoop(std::string component, std::size_t batch, std::chrono::milliseconds interval,
                std::function<std::size_t()> pass);
    PollingLoop(const PollingLoop&) = delete;
    PollingLoop& operator=(const PollingLoop&) = delete;
    ~PollingLoop();  // stop()

    // On a thread of its own.
    void start();
    // As a fiber on `loop` (which must be running, or start later); call from any thread.
    void start_on(runtime::Loop& loop);
    // Lets the pass in progress finish, then returns (joins the thread, or waits for the fiber).
    // Safe to call twice; not from the loop the passes run on.
    void stop();
    void wake();
    // stop() has been called: a pass working through a batch can leave the rest for the next start.
    bool stopping() const;

private:
    void run();
    void run_in_fiber();
    bool take_wake_or_stop();

    const std::string component_;
    const std::size_t batch_;
    const std::chrono::milliseconds interval_;
    const std::function<std::size_t()> pass_;

    mutable std::mutex mutex_;
    std::condition_variable wakeup_;
    bool woken_ = false;
    bool stopping_ = false;
    std::thread thread_;

    // Fiber mode: the loop, its wake-up timer while a fiber waits (touched on the loop's thread
    // only), and the fiber's end.
    runtime::Loop* loop_ = nullptr;
    struct Timer;
    std::shared_ptr<Timer> timer_;
    std::future<void> fiber_done_;
};

// Wait before the next try after `failed_attempts` failures (≥ 1): `first`, doubling, capped at `max`.
std::chrono::milliseconds retry_backoff(int failed_attempts, std::chrono::milliseconds first,
                                        std::chrono::milliseconds max);

}  // namespace thesaban::app
