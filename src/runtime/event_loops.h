#pragma once
// One event loop per core: each an io_context run by exactly one thread, owning what its
// connections need (its Redis connection, its LINE client, its fiber stacks). A connection, and
// the events it accepted, stay on the loop that accepted them, so nothing on the webhook path
// takes a lock, hops threads or waits on a condition variable.
#include <atomic>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>

namespace thesaban::store {
class AsyncRedis;
}
namespace thesaban::line {
class AsyncHttpClient;
}

namespace thesaban::runtime {

class StackPool;

// A bound on fibers of one kind running on one loop (spawn_fiber_bounded): the others wait, in
// order, for one to end. Touched only on its loop's thread.
struct FiberGate {
    std::size_t limit = 128;
    std::size_t running = 0;
    std::deque<std::function<void()>> waiting;
};

struct Loop {
    explicit Loop(std::size_t index);
    ~Loop();
    Loop(const Loop&) = delete;
    Loop& operator=(const Loop&) = delete;

    const std::size_t index;
    // Declared first, destroyed last: suspended fibers are unwound when the context and the clients
    // holding their completions go, and give their stacks back here.
    std::unique_ptr<StackPool> stacks;
    // Before the context, so they outlive the fibers it unwinds: the events' fibers (ChatRunner),
    // at most server.fibers_per_loop at once, and the background sends' (OutboxSender).
    FiberGate event_fibers;
    FiberGate background_fibers;
    boost::asio::io_context ioc{1};  // concurrency hint 1: one thread, Asio takes no locks
    // Made on the loop's own thread; destroyed before the context whose sockets they hold.
    std::unique_ptr<store::AsyncRedis> redis;
    std::unique_ptr<line::AsyncHttpClient> http;
    // Events this loop is working on; read by other threads only for back-pressure and shutdown.
    std::atomic<std::size_t> events_in_flight{0};
};

// The loop whose thread calls this, or nullptr on any other thread (CLI tools, pool threads).
Loop* current_loop();

class EventLoops {
public:
    // `fibers_per_loop`: see Loop::event_fibers.
    explicit EventLoops(std::size_t count, std::size_t fibers_per_loop = 128);
    ~EventLoops();

    std::size_t size() const { return loops_.size(); }
    Loop& at(std::size_t i) { return *loops_[i]; }
    std::vector<boost::asio::io_context*> contexts();
    // Each loop in turn, for work that belongs to no connection (recovered events).
    Loop& next();

    // Runs every loop on its own thread; `on_thread_start` runs first on each loop's thread.
    void start(std::function<void(Loop&)> on_thread_start = {});
    // Runs `work` on every loop's thread and waits for all (start-up and shutdown steps).
    void run_on_each(const std::function<void(Loop&)>& work);
    void stop();
    void join();

private:
    std::vector<std::unique_ptr<Loop>> loops_;
    std::vector<std::thread> threads_;
    std::atomic<std::size_t> next_{0};
};

}  // namespace thesaban::runtime
