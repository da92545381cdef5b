#pragma once
// Runs blocking calls (Redis) off the HTTP threads and resumes the waiting coroutine on its own
// executor when the call returns. The asio headers stay in the .cpp files.
#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>

namespace thesaban::app {

class BlockingPool {
public:
    explicit BlockingPool(std::size_t threads);
    ~BlockingPool();
    // Runs `work` on the pool; rethrows its exception in the awaiting coroutine.
    boost::asio::awaitable<void> run(std::function<void()> work);
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace thesaban::app
