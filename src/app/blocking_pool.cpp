#include "app/blocking_pool.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace thesaban::app {
namespace net = boost::asio;

struct BlockingPool::Impl {
    explicit Impl(std::size_t threads) : pool(threads) {}
    net::thread_pool pool;
};

BlockingPool::BlockingPool(std::size_t threads) : impl_(std::make_unique<Impl>(threads)) {}
BlockingPool::~BlockingPool() { stop(); }

namespace {
// A plain coroutine, not a capturing lambda: parameters live in the coroutine frame, whereas a
// lambda's captures live in a closure object that co_spawn may move or destroy underneath it.
net::awaitable<void> invoke(std::function<void()> work) {
    work();
    co_return;
}
}  // namespace

net::awaitable<void> BlockingPool::run(std::function<void()> work) {
    // co_spawn onto the pool; use_awaitable brings the completion back to the caller's executor.
    co_await net::co_spawn(impl_->pool.get_executor(), invoke(std::move(work)), net::use_awaitable);
}

void BlockingPool::stop() {
    impl_->pool.stop();
    impl_->pool.join();
}

}  // namespace thesaban::app
