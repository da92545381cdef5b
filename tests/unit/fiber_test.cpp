// Fibers on an event loop: suspension lets the loop go on, and spawn_fiber_bounded keeps at most
// the loop's limit running while the rest wait in order.
#include "runtime/fiber.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "runtime/event_loops.h"

namespace thesaban::runtime {
namespace {

using namespace std::chrono_literals;

// Runs `work` on the single loop's thread and waits for `done` to be set by whatever it starts.
void on_loop(EventLoops& loops, const std::function<void(Loop&, std::promise<void>&)>& work) {
    std::promise<void> done;
    auto finished = done.get_future();
    loops.start();
    boost::asio::post(loops.at(0).ioc, [&] { work(loops.at(0), done); });
    ASSERT_EQ(finished.wait_for(10s), std::future_status::ready) << "the fibers did not finish";
    loops.stop();
    loops.join();
}

TEST(Fiber, SleepingFiberLetsTheLoopRunOthers) {
    EventLoops loops(1);
    std::vector<int> order;
    on_loop(loops, [&](Loop& loop, std::promise<void>& done) {
        spawn_fiber(loop, [&] {
            EXPECT_TRUE(in_fiber());
            sleep_for(50ms);
            order.push_back(2);
            done.set_value();
        });
        spawn_fiber(loop, [&] { order.push_back(1); });
    });
    EXPECT_EQ(order, (std::vector<int>{1, 2}));
}

TEST(Fiber, BoundedFibersNeverExceedTheLoopsLimitAndStartInOrder) {
    EventLoops loops(1, 3);
    int running = 0, most = 0, finished = 0;
    std::vector<int> started;
    constexpr int kFibers = 20;
    on_loop(loops, [&](Loop& loop, std::promise<void>& done) {
        for (int i = 0; i < kFibers; ++i) {
            spawn_fiber_bounded(loop, [&, i] {
                started.push_back(i);
                most = std::max(most, ++running);
                sleep_for(std::chrono::milliseconds(1 + i % 4));
                --running;
                if (++finished == kFibers) done.set_value();
            });
        }
        EXPECT_EQ(loop.event_fibers.waiting.size(), static_cast<std::size_t>(kFibers - 3));
    });
    EXPECT_EQ(most, 3);
    ASSERT_EQ(started.size(), static_cast<std::size_t>(kFibers));
    for (int i = 0; i < kFibers; ++i) EXPECT_EQ(started[i], i);
    EXPECT_EQ(loops.at(0).event_fibers.running, 0u);
    EXPECT_TRUE(loops.at(0).event_fibers.waiting.empty());
}

TEST(Fiber, ABoundedFiberThatThrowsStillLetsTheNextOneRun) {
    EventLoops loops(1, 1);
    bool second_ran = false;
    on_loop(loops, [&](Loop& loop, std::promise<void>& done) {
        spawn_fiber_bounded(loop, [] { throw std::runtime_error("handler failed"); });
        spawn_fiber_bounded(loop, [&] {
            second_ran = true;
            done.set_value();
        });
    });
    EXPECT_TRUE(second_ran);
}

}  // namespace
}  // namespace thesaban::runtime
