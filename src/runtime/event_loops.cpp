#include "runtime/event_loops.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include <future>

#include "core/log.h"
#include "line/async_http_client.h"
#include "runtime/fiber.h"
#include "store/async_redis.h"

namespace thesaban::runtime {
namespace net = boost::asio;

namespace {
thread_local Loop* this_thread_loop = nullptr;
}

Loop::Loop(std::size_t i) : index(i), stacks(std::make_unique<StackPool>()) {}
Loop::~Loop() = default;

Loop* current_loop() { return this_thread_loop; }

EventLoops::EventLoops(std::size_t count, std::size_t fibers_per_loop) {
    if (count == 0) count = 1;
    for (std::size_t i = 0; i < count; ++i) {
        loops_.push_back(std::make_unique<Loop>(i));
        loops_.back()->event_fibers.limit = fibers_per_loop == 0 ? 1 : fibers_per_loop;
    }
}

EventLoops::~EventLoops() {
    stop();
    join();
}

std::vector<net::io_context*> EventLoops::contexts() {
    std::vector<net::io_context*> out;
    for (auto& loop : loops_) out.push_back(&loop->ioc);
    return out;
}

Loop& EventLoops::next() { return *loops_[next_.fetch_add(1, std::memory_order_relaxed) % loops_.size()]; }

void EventLoops::start(std::function<void(Loop&)> on_thread_start) {
    for (auto& loop : loops_) {
        threads_.emplace_back([raw = loop.get(), on_thread_start] {
            this_thread_loop = raw;
            if (on_thread_start) on_thread_start(*raw);
            // The loop runs until stop(), even while it has nothing to do.
            auto guard = net::make_work_guard(raw->ioc);
            raw->ioc.run();
            this_thread_loop = nullptr;
        });
    }
}

void EventLoops::run_on_each(const std::function<void(Loop&)>& work) {
    std::vector<std::future<void>> done;
    for (auto& loop : loops_) {
        auto promise = std::make_shared<std::promise<void>>();
        done.push_back(promise->get_future());
        net::post(loop->ioc, [raw = loop.get(), &work, promise] {
            try {
                work(*raw);
                promise->set_value();
            } catch (...) {
                promise->set_exception(std::current_exception());
            }
        });
    }
    for (auto& f : done) f.get();
}

void EventLoops::stop() {
    for (auto& loop : loops_) loop->ioc.stop();
}

void EventLoops::join() {
    for (auto& t : threads_)
        if (t.joinable()) t.join();
    threads_.clear();
}

}  // namespace thesaban::runtime
