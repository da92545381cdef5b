// EventDispatcher wakes only as many workers as there are chats with new work; these check that
// no event is left waiting for a wake-up, whether events come one per call (as under webhook load)
// or many chats at once.
#include "app/event_dispatcher.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

namespace thesaban::app {
namespace {

line::Event event_from(const std::string& user_id, int n) {
    line::Event event;
    event.webhook_event_id = "evt-" + user_id + "-" + std::to_string(n);
    event.source.type = line::Source::Type::user;
    event.source.user_id = user_id;
    return event;
}

TEST(EventDispatcher, ProcessesEventsDispatchedOneAtATimeFromManyThreads) {
    std::atomic<int> processed{0};
    EventDispatcher dispatcher(4, [&](const line::Event&) {
        std::this_thread::sleep_for(std::chrono::microseconds(50));
        ++processed;
    });
    std::vector<std::thread> senders;
    for (int s = 0; s < 4; ++s) {
        senders.emplace_back([&, s] {
            for (int i = 0; i < 250; ++i) dispatcher.dispatch({event_from("U" + std::to_string(s * 1000 + i % 7), i)});
        });
    }
    for (auto& t : senders) t.join();
    ASSERT_TRUE(dispatcher.drain(std::chrono::seconds(10))) << dispatcher.queued() << " still queued";
    EXPECT_EQ(processed.load(), 1000);
}

TEST(EventDispatcher, ManyChatsInOneCallRunConcurrentlyAndInOrderWithinAChat) {
    std::mutex mutex;
    std::map<std::string, std::vector<std::string>> seen;
    std::atomic<int> running{0}, most_running{0};
    EventDispatcher dispatcher(4, [&](const line::Event& event) {
        int now = ++running;
        int before = most_running.load();
        while (now > before && !most_running.compare_exchange_weak(before, now)) {
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        {
            std::lock_guard lock(mutex);
            seen[event.source.user_id].push_back(event.webhook_event_id);
        }
        --running;
    });
    std::vector<line::Event> events;
    for (int i = 0; i < 3; ++i)
        for (const char* user : {"Ua", "Ub", "Uc", "Ud"}) events.push_back(event_from(user, i));
    dispatcher.dispatch(std::move(events));
    ASSERT_TRUE(dispatcher.drain(std::chrono::seconds(10)));
    EXPECT_GT(most_running.load(), 1);  // four chats at once are not run one by one
    for (const char* user : {"Ua", "Ub", "Uc", "Ud"}) {
        std::string u(user);
        EXPECT_EQ(seen[u], (std::vector<std::string>{"evt-" + u + "-0", "evt-" + u + "-1", "evt-" + u + "-2"}));
    }
}

}  // namespace
}  // namespace thesaban::app
