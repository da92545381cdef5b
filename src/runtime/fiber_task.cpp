#include "runtime/fiber_task.h"

#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <memory>
#include <stdexcept>

#include "runtime/event_loops.h"
#include "runtime/fiber.h"

namespace thesaban::runtime {
namespace net = boost::asio;

net::awaitable<void> on_fiber(std::function<void()> work) {
    Loop* loop = current_loop();
    if (!loop) throw std::logic_error("on_fiber outside an event loop");
    using Handler = net::any_completion_handler<void(std::exception_ptr)>;
    co_await net::async_initiate<decltype(net::use_awaitable), void(std::exception_ptr)>(
        [loop](Handler handler, std::function<void()> body) {
            auto done = std::make_shared<Handler>(std::move(handler));
            spawn_fiber(*loop, [loop, done, body = std::move(body)] {
                std::exception_ptr error;
                try {
                    body();
                } catch (...) {
                    error = std::current_exception();
                }
                // Resume the endpoint from the loop, not from inside this fiber's stack.
                net::post(loop->ioc, [done, error] { std::move (*done)(error); });
            });
        },
        net::use_awaitable, std::move(work));
}

}  // namespace thesaban::runtime
