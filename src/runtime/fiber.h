#pragma once
// Stackful coroutines (fibers) on an event loop. The conversation handlers are plain synchronous
// code over narrow ports (ConversationStore::load, TicketStore::create, MessagingApi::reply): on a
// fiber, the ports' Redis and LINE implementations start the asynchronous operation on the loop and
// suspend the fiber until it completes, so the thread never blocks and the handlers stay as they
// are. This is userver's model (synchronous-looking code on stackful coroutines); turning every
// handler and port into a C++20 coroutine instead would put Asio in every handler header and make
// each await a heap frame. Only runtime code includes this header.
#include <boost/asio/error.hpp>  // Boost 1.81's spawn.hpp uses asio::error without including it
#include <boost/asio/io_context.hpp>
#include <boost/asio/spawn.hpp>

#include <chrono>
#include <functional>
#include <utility>

namespace thesaban::runtime {

struct Loop;
struct FiberGate;
using Yield = boost::asio::basic_yield_context<boost::asio::io_context::executor_type>;

namespace detail {
Yield*& current_yield();
}

// Reuses fiber stacks (guard-paged, 256 KiB reserved, touched lazily) so an event costs no mmap.
class StackPool {
public:
    StackPool();
    ~StackPool();
    StackPool(const StackPool&) = delete;
    StackPool& operator=(const StackPool&) = delete;
    struct Impl;
    Impl& impl() { return *impl_; }

private:
    std::unique_ptr<Impl> impl_;
};

// True inside a fiber's body (and not inside a suspended one's caller).
inline bool in_fiber() { return detail::current_yield() != nullptr; }

// Runs `body` as a fiber on `loop`; must be called on the loop's own thread. An exception leaving
// `body` is logged, never propagated to the loop.
void spawn_fiber(Loop& loop, std::function<void()> body);

// As spawn_fiber, but at most `gate.limit` of the fibers started through `gate` run at once; the
// others wait, in the order they came, for one to end. A backlog then costs each item its data,
// not a suspended fiber's stack: 10,000 chats waiting on Redis or LINE would otherwise hold 10,000
// stacks (about 20 KiB touched each) while the CPU can only use a few dozen. Loop's thread only;
// `gate` belongs to `loop`. Without a gate: the loop's event_fibers.
void spawn_fiber_bounded(Loop& loop, FiberGate& gate, std::function<void()> body);
void spawn_fiber_bounded(Loop& loop, std::function<void()> body);

// For port implementations: `start(yield)` starts one asynchronous operation with `yield` as its
// completion token and returns its result; the fiber is suspended meanwhile. While it is, the
// thread's "current fiber" is cleared, so code the loop runs meanwhile never mistakes itself for it.
template <class Start>
decltype(auto) suspend(Start&& start) {
    Yield* yield = std::exchange(detail::current_yield(), nullptr);
    struct Restore {
        Yield* yield;
        ~Restore() { detail::current_yield() = yield; }
    } restore{yield};
    return std::forward<Start>(start)(*yield);
}

// A fiber waits on a timer (its loop goes on); any other thread sleeps.
void sleep_for(std::chrono::milliseconds duration);

}  // namespace thesaban::runtime
