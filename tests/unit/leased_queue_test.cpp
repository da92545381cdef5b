// The leased inbox against a real redis-server: admission, per-chat order, hand-over of a chat's
// next event on completion, take-over from a dead process and never from a live one.
#include "store/leased_queue.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <thread>

#include "store/redis_pool.h"
#include "support/redis_server.h"

namespace thesaban::store {
namespace {

using namespace std::chrono_literals;
using Status = Completion::Status;

class LeasedQueueTest : public ::testing::Test {
protected:
    testing::RedisServer server;
    RedisPool pool{parse_redis_url(server.url())};
    LeasedQueue a{pool, "t:", 60s, "proc-a", 500ms};
    LeasedQueue b{pool, "t:", 60s, "proc-b", 500ms};
};

TEST_F(LeasedQueueTest, FirstEventOfAChatRunsLaterOnesQueueDuplicatesAreDropped) {
    a.heartbeat();
    auto admitted = a.accept({{"e1", "U1", "{\"n\":1}"}, {"e2", "U1", "{\"n\":2}"}, {"e3", "U2", "{}"}}, 1000);
    ASSERT_EQ(admitted.size(), 3u);
    EXPECT_EQ(admitted[0], Admission::run_now);
    EXPECT_EQ(admitted[1], Admission::queued);
    EXPECT_EQ(admitted[2], Admission::run_now);
    // The same event again, to this process or another: a duplicate, nothing stored twice.
    EXPECT_EQ(a.accept({{"e1", "U1", "{}"}}, 1001)[0], Admission::duplicate);
    EXPECT_EQ(b.accept({{"e2", "U1", "{}"}}, 1001)[0], Admission::duplicate);
    EXPECT_EQ(a.pending(), 3u);
}

TEST_F(LeasedQueueTest, AcceptTellsTheBacklogOfAllProcessesForBackPressure) {
    a.heartbeat();
    b.heartbeat();
    std::size_t pending = 99;
    a.accept({{"e1", "U1", "{}"}, {"e2", "U1", "{}"}}, 1000, &pending);
    EXPECT_EQ(pending, 2u);
    b.accept({{"e3", "U2", "{}"}, {"e1", "U1", "{}"}}, 1001, &pending);
    EXPECT_EQ(pending, 3u) << "the duplicate is not counted again";
    a.complete("U1", "e1", 1002);
    b.accept({{"e4", "U3", "{}"}}, 1003, &pending);
    EXPECT_EQ(pending, 3u) << "a completed event no longer counts";
}

TEST_F(LeasedQueueTest, OwnIdleChatsComeBackToTheirHolderNeverToAnotherLiveProcess) {
    // The accept's reply was lost (Redis restarting): the chat is leased to a, and nothing runs it.
    a.heartbeat();
    b.heartbeat();
    ASSERT_EQ(a.accept({{"e1", "U1", "{\"n\":1}"}}, 1000)[0], Admission::run_now);
    EXPECT_TRUE(b.take_over(1000 + 600, 100).empty()) << "a is alive: b never takes its chat";
    EXPECT_TRUE(a.take_over(1000 + 100, 100).empty()) << "not idle for a lease_ttl yet";
    auto mine = a.take_over(1000 + 1300, 100);
    ASSERT_EQ(mine.size(), 1u);
    EXPECT_EQ(mine[0].chat, "U1");
    EXPECT_EQ(mine[0].event_id, "e1");
    // Offered again only after another idle lease_ttl (the caller skips it while running it).
    EXPECT_TRUE(a.take_over(1000 + 1400, 100).empty());
}

TEST_F(LeasedQueueTest, CompletionHandsOverTheChatsNextEventInOrderThenReleases) {
    a.heartbeat();
    b.heartbeat();
    ASSERT_EQ(a.accept({{"e1", "U1", "{\"n\":1}"}}, 1000)[0], Admission::run_now);
    // Another process accepts the chat's next events while a holds it: they wait behind e1.
    ASSERT_EQ(b.accept({{"e2", "U1", "{\"n\":2}"}}, 1001)[0], Admission::queued);
    ASSERT_EQ(b.accept({{"e3", "U1", "{\"n\":3}"}}, 1002)[0], Admission::queued);
    // b cannot complete what a holds.
    EXPECT_EQ(b.complete("U1", "e1", 1003).status, Status::lease_lost);

    auto c1 = a.complete("U1", "e1", 1003);
    ASSERT_EQ(c1.status, Status::next);
    EXPECT_EQ(c1.next->event_id, "e2");
    EXPECT_EQ(c1.next->event_json, "{\"n\":2}");
    auto c2 = a.complete("U1", "e2", 1004);
    ASSERT_EQ(c2.status, Status::next);
    EXPECT_EQ(c2.next->event_id, "e3");
    EXPECT_EQ(a.complete("U1", "e3", 1005).status, Status::released);
    EXPECT_EQ(a.pending(), 0u);
    // Released: whoever accepts the chat's next event holds it.
    EXPECT_EQ(b.accept({{"e4", "U1", "{}"}}, 1006)[0], Admission::run_now);
}

TEST_F(LeasedQueueTest, DeadHoldersChatsAreTakenOverWithTheirEventsInOrderLiveOnesNever) {
    a.heartbeat();
    b.heartbeat();
    auto now = [] {
        return std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
            .count();
    };
    ASSERT_EQ(a.accept({{"e1", "U1", "{\"n\":1}"}, {"e2", "U1", "{\"n\":2}"}}, now())[0], Admission::run_now);
    // Fresh leases are not even looked at; a live holder's stale-looking chat is left alone.
    EXPECT_TRUE(b.take_over(now(), 100).empty());
    std::this_thread::sleep_for(300ms);
    a.heartbeat();
    std::this_thread::sleep_for(300ms);
    a.heartbeat();
    EXPECT_TRUE(b.take_over(now(), 100).empty()) << "took a chat from a live process";

    // a dies: its heartbeat lapses after the lease ttl, and b takes the chat from its first event.
    std::this_thread::sleep_for(700ms);
    b.heartbeat();
    auto taken = b.take_over(now(), 100);
    ASSERT_EQ(taken.size(), 1u);
    EXPECT_EQ(taken[0].chat, "U1");
    EXPECT_EQ(taken[0].event_id, "e1");
    // a, back from the dead, finds the chat gone and must leave it.
    EXPECT_EQ(a.complete("U1", "e1", now()).status, Status::lease_lost);
    auto next = b.complete("U1", "e1", now());
    ASSERT_EQ(next.status, Status::next);
    EXPECT_EQ(next.next->event_id, "e2");
    EXPECT_EQ(b.complete("U1", "e2", now()).status, Status::released);
    EXPECT_TRUE(b.take_over(now() + 10000, 100).empty());
}

TEST_F(LeasedQueueTest, ResignedLeasesAreTakenOverAtOnceAfterTheIdleWindow) {
    a.heartbeat();
    b.heartbeat();
    ASSERT_EQ(a.accept({{"e1", "U9", "{}"}}, 1000)[0], Admission::run_now);
    a.resign();
    // Nothing to wait for: a's heartbeat is gone, so the first sweep past the idle window takes it.
    auto taken = b.take_over(1000 + 600, 100);
    ASSERT_EQ(taken.size(), 1u);
    EXPECT_EQ(taken[0].event_id, "e1");
}

TEST_F(LeasedQueueTest, EveryKeySharesOneHashTag) {
    a.heartbeat();
    a.accept({{"e1", "U1", "{}"}}, 1000);
    auto keys = pool.command({"KEYS", "*"});
    ASSERT_FALSE(keys.elements.empty());
    for (const auto& k : keys.elements) EXPECT_EQ(k.str.rfind("{t:inbox}:", 0), 0u) << k.str;
}

TEST_F(LeasedQueueTest, EventsLeftInThePreviousReleasesInboxAreAdoptedInOrder) {
    pool.command({"HSET", "t:webhook:inbox", "old1", R"({"type":"message","source":{"type":"user","userId":"U7"}})",
                  "old2", R"({"type":"message","source":{"type":"group","groupId":"C7","userId":"U7"}})", "old3",
                  R"({"type":"message","source":{"type":"user","userId":"U7"}})"});
    pool.command({"ZADD", "t:webhook:inbox:order", "1", "old1", "2", "old2", "3", "old3"});
    EXPECT_EQ(a.adopt_legacy(100), 3u);
    EXPECT_EQ(a.adopt_legacy(100), 0u);
    EXPECT_EQ(pool.command({"EXISTS", "t:webhook:inbox", "t:webhook:inbox:order"}).integer, 0);
    a.heartbeat();
    auto taken = a.take_over(5000, 100);
    ASSERT_EQ(taken.size(), 2u);  // chats U7 and C7, nobody held them
    std::map<std::string, std::string> first;
    for (auto& t : taken) first[t.chat] = t.event_id;
    EXPECT_EQ(first["U7"], "old1");
    EXPECT_EQ(first["C7"], "old2");
    auto next = a.complete("U7", "old1", 5001);
    ASSERT_EQ(next.status, Status::next);
    EXPECT_EQ(next.next->event_id, "old3");
}

TEST(LeasedQueueReply, WrongShapesAreRefusedNotGuessed) {
    RedisReply not_array;
    not_array.type = RedisReply::Type::integer;
    EXPECT_THROW(LeasedQueue::read_accept(not_array, 1), std::runtime_error);
    RedisReply short_array;
    short_array.type = RedisReply::Type::array;
    EXPECT_THROW(LeasedQueue::read_accept(short_array, 2), std::runtime_error);
    RedisReply no_backlog;  // an admission but not the backlog figure after it
    no_backlog.type = RedisReply::Type::array;
    no_backlog.elements.resize(1);
    no_backlog.elements[0].type = RedisReply::Type::integer;
    no_backlog.elements[0].integer = 1;
    EXPECT_THROW(LeasedQueue::read_accept(no_backlog, 1), std::runtime_error);
    RedisReply error;
    error.type = RedisReply::Type::error;
    error.str = "OOM command not allowed";
    EXPECT_THROW(LeasedQueue::read_accept(error, 1), RedisUnavailable);
}

}  // namespace
}  // namespace thesaban::store
