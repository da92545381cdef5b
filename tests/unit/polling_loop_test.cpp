// PollingLoop: passes run straight on while they fill their batch, else after the interval or a
// wake-up; on an event loop they run in a fiber, the loop's thread, and waiting there is a timer.
#include "app/polling_loop.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "runtime/event_loops.h"
#include "runtime/fiber.h"

namespace thesaban::app {
namespace {

using namespace std::chrono_literals;

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout = 5s) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!condition()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(1ms);
    }
    return true;
}

TEST(PollingLoop, OnAnEventLoopPassesRunInAFiberOfThatLoopAndWakeCutsTheWait) {
    runtime::EventLoops loops(1);
    loops.start();
    std::atomic<int> passes{0};
    std::atomic<bool> on_loop_fiber{true};
    PollingLoop polling("test", 10, std::chrono::hours(1), [&] {
        if (runtime::current_loop() != &loops.at(0) || !runtime::in_fiber()) on_loop_fiber = false;
        ++passes;
        return std::size_t{0};
    });
    polling.start_on(loops.at(0));
    ASSERT_TRUE(eventually([&] { return passes == 1; }));
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ(passes, 1) << "with nothing done it waits for the interval (an hour)";
    polling.wake();
    ASSERT_TRUE(eventually([&] { return passes == 2; })) << "a wake-up cuts the wait";
    polling.wake();
    ASSERT_TRUE(eventually([&] { return passes == 3; }));
    auto before = std::chrono::steady_clock::now();
    polling.stop();
    EXPECT_LT(std::chrono::steady_clock::now() - before, 2s) << "stop does not wait out the interval";
    EXPECT_EQ(passes, 3);
    EXPECT_TRUE(on_loop_fiber);
    polling.stop();  // twice is fine
    loops.stop();
    loops.join();
}

TEST(PollingLoop, AFullBatchRunsTheNextPassAtOnceAndAFailingPassIsRetried) {
    runtime::EventLoops loops(1);
    loops.start();
    std::atomic<int> passes{0};
    PollingLoop polling("test", 5, 20ms, [&]() -> std::size_t {
        int n = ++passes;
        if (n == 2) throw std::runtime_error("redis unavailable");
        return n < 4 ? 5 : 0;  // full batches first, then idle
    });
    polling.start_on(loops.at(0));
    EXPECT_TRUE(eventually([&] { return passes >= 6; })) << "after the idle pass it polls every 20 ms";
    polling.stop();
    loops.stop();
    loops.join();
}

TEST(PollingLoop, OnItsOwnThreadAWakeUpCutsTheWait) {
    std::atomic<int> passes{0};
    PollingLoop polling("test", 10, std::chrono::hours(1), [&] {
        EXPECT_EQ(runtime::current_loop(), nullptr);
        ++passes;
        return std::size_t{0};
    });
    polling.start();
    ASSERT_TRUE(eventually([&] { return passes == 1; }));
    polling.wake();
    ASSERT_TRUE(eventually([&] { return passes == 2; }));
    polling.stop();
}

}  // namespace
}  // namespace thesaban::app
