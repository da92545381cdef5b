#include "runtime/fiber.h"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/context/protected_fixedsize_stack.hpp>

#include <exception>
#include <thread>
#include <vector>

#include "core/log.h"
#include "runtime/event_loops.h"

namespace thesaban::runtime {
namespace net = boost::asio;
namespace ctx = boost::context;

namespace {
thread_local Yield* this_fiber = nullptr;
constexpr std::size_t kStackSize = 256 * 1024;
constexpr std::size_t kStacksKept = 256;
}  // namespace

Yield*& detail::current_yield() { return this_fiber; }

struct StackPool::Impl {
    ctx::protected_fixedsize_stack make{kStackSize};
    std::vector<ctx::stack_context> free;
    ~Impl() {
        for (auto& s : free) make.deallocate(s);
    }
};

StackPool::StackPool() : impl_(std::make_unique<Impl>()) {}
StackPool::~StackPool() = default;

namespace {

// Boost.Context's StackAllocator concept over the loop's pool. Fibers live and die on their loop's
// thread, so the pool needs no lock.
struct PooledStack {
    StackPool::Impl* pool;
    ctx::stack_context allocate() {
        if (!pool->free.empty()) {
            auto s = pool->free.back();
            pool->free.pop_back();
            return s;
        }
        return pool->make.allocate();
    }
    void deallocate(ctx::stack_context& s) {
        if (pool->free.size() < kStacksKept) {
            pool->free.push_back(s);
        } else {
            pool->make.deallocate(s);
        }
    }
};

}  // namespace

void spawn_fiber(Loop& loop, std::function<void()> body) {
    if (in_fiber()) {
        // Started from inside a fiber, spawn could run the new one on the current one's thread of
        // control; from a posted handler it starts clean.
        net::post(loop.ioc, [&loop, body = std::move(body)]() mutable { spawn_fiber(loop, std::move(body)); });
        return;
    }
    net::spawn(
        loop.ioc, std::allocator_arg, PooledStack{&loop.stacks->impl()},
        [body = std::move(body)](Yield yield) {
            this_fiber = &yield;
            try {
                body();
            } catch (const std::exception& e) {
                log::error("runtime", "fiber failed", {{"error", e.what()}});
            }
            this_fiber = nullptr;
        },
        [](std::exception_ptr) {});
}

void spawn_fiber_bounded(Loop& loop, FiberGate& gate, std::function<void()> body) {
    if (gate.running >= gate.limit) {
        gate.waiting.push_back(std::move(body));
        return;
    }
    ++gate.running;
    spawn_fiber(loop, [&loop, &gate, body = std::move(body)]() mutable {
        struct Next {
            Loop& loop;
            FiberGate& gate;
            ~Next() {
                --gate.running;
                // Unwound with its loop at shutdown: start nothing on a context being destroyed.
                if (std::uncaught_exceptions() > 0 || gate.waiting.empty()) return;
                auto next = std::move(gate.waiting.front());
                gate.waiting.pop_front();
                spawn_fiber_bounded(loop, gate, std::move(next));  // from a fiber: posted, starts clean
            }
        } next{loop, gate};
        try {
            body();
        } catch (const std::exception& e) {
            log::error("runtime", "fiber failed", {{"error", e.what()}});
        }
    });
}

void spawn_fiber_bounded(Loop& loop, std::function<void()> body) {
    spawn_fiber_bounded(loop, loop.event_fibers, std::move(body));
}

void sleep_for(std::chrono::milliseconds duration) {
    if (!in_fiber()) {
        std::this_thread::sleep_for(duration);
        return;
    }
    suspend([&](Yield& yield) {
        net::steady_timer timer(yield.get_executor(), duration);
        boost::system::error_code ignored;
        timer.async_wait(yield[ignored]);
    });
}

}  // namespace thesaban::runtime
