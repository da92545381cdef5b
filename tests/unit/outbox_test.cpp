#include "store/outbox.h"

#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "app/outbox_worker.h"
#include "core/random.h"
#include "store/redis_pool.h"
#include "fakes/scripted_messaging_api.h"
#include "support/redis_server.h"

namespace thesaban::store {
namespace {

using namespace std::chrono_literals;
using app::OutboxWorker;
using testing::FakeMessagingApi;


bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds limit = 5000ms) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(5ms);
    }
    return condition();
}

OutboxWorker::Options fast_options() {
    OutboxWorker::Options o;
    o.poll_interval = 20ms;
    o.first_backoff = 10ms;
    o.max_backoff = 40ms;
    o.lease = 2000ms;
    return o;
}

const std::vector<std::string> kMessages{R"({"type":"text","text":"เรื่อง PNK-2569-000001 รับเรื่องแล้ว \"ok\"\n"})"};

class OutboxTest : public ::testing::Test {
protected:
    OutboxTest() : pool_(parse_redis_url(server_.url())) {}

    testing::RedisServer server_;
    RedisPool pool_;
    FakeMessagingApi api_;
};

TEST_F(OutboxTest, DeliveredOnceWithRetryKeyFromDedupKey) {
    RedisOutbox outbox(pool_, "t:");
    OutboxWorker worker(outbox, api_, fast_options());
    worker.start();
    outbox.push("Uresident", kMessages, "evt-1:ack");
    ASSERT_TRUE(eventually([&] { return outbox.size() == 0 && api_.calls().size() == 1; }));
    std::this_thread::sleep_for(100ms);
    auto calls = api_.calls();
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0].to, "Uresident");
    EXPECT_EQ(calls[0].messages, kMessages);
    EXPECT_EQ(calls[0].retry_key, uuid_from_name("outbox:evt-1:ack"));
}

TEST_F(OutboxTest, SameDedupKeyStoredOnce) {
    RedisOutbox outbox(pool_, "t:");
    EXPECT_TRUE(outbox.enqueue("Uresident", kMessages, "evt-1:ack"));
    EXPECT_FALSE(outbox.enqueue("Uresident", kMessages, "evt-1:ack"));
    outbox.push("Uresident", kMessages, "evt-1:ack");
    EXPECT_EQ(outbox.size(), 1u);

    OutboxWorker worker(outbox, api_, fast_options());
    EXPECT_EQ(worker.run_once(), 1u);
    EXPECT_EQ(api_.calls().size(), 1u);
    // The event processed again after delivery (a crash before it was marked done): still one send.
    EXPECT_FALSE(outbox.enqueue("Uresident", kMessages, "evt-1:ack"));
    EXPECT_EQ(worker.run_once(), 0u);
    EXPECT_EQ(api_.calls().size(), 1u);
}

TEST_F(OutboxTest, RetriesAfterFailuresWithTheSameRetryKey) {
    api_.script({FakeMessagingApi::answer(500), FakeMessagingApi::answer(0), FakeMessagingApi::answer(429)});
    RedisOutbox outbox(pool_, "t:");
    OutboxWorker worker(outbox, api_, fast_options());
    worker.start();
    outbox.push("Uresident", kMessages, "evt-2:status");
    ASSERT_TRUE(eventually([&] { return outbox.size() == 0; }));
    worker.stop();
    auto calls = api_.calls();
    ASSERT_EQ(calls.size(), 4u);
    for (const auto& c : calls) EXPECT_EQ(c.retry_key, uuid_from_name("outbox:evt-2:status"));
}

TEST_F(OutboxTest, FailedEntryWaitsForItsBackoff) {
    api_.script({FakeMessagingApi::answer(503)});
    RedisOutbox outbox(pool_, "t:");
    OutboxWorker::Options options = fast_options();
    options.first_backoff = 60s;
    options.max_backoff = 600s;
    OutboxWorker worker(outbox, api_, options);
    outbox.push("Uresident", kMessages, "evt-3");
    EXPECT_EQ(worker.run_once(), 1u);
    EXPECT_EQ(worker.run_once(), 0u);  // not due for a minute, and not dropped
    EXPECT_EQ(outbox.size(), 1u);
    RedisReply score = pool_.command({"ZSCORE", "t:outbox:due", "evt-3"});
    EXPECT_GE(std::stoll(score.str), outbox.now_ms() + 50000);
}

TEST_F(OutboxTest, BackoffDoublesAndIsCappedAtTenMinutes) {
    OutboxWorker::Options o;
    EXPECT_EQ(OutboxWorker::backoff(1, o), 5s);
    EXPECT_EQ(OutboxWorker::backoff(2, o), 10s);
    EXPECT_EQ(OutboxWorker::backoff(3, o), 20s);
    EXPECT_EQ(OutboxWorker::backoff(8, o), 600s);
    EXPECT_EQ(OutboxWorker::backoff(1000, o), 600s);
}

TEST_F(OutboxTest, PermanentRefusalIsDropped) {
    api_.script({FakeMessagingApi::answer(400, R"({"message":"May not be empty"})")});
    RedisOutbox outbox(pool_, "t:");
    OutboxWorker worker(outbox, api_, fast_options());
    outbox.push("Uresident", kMessages, "evt-4");
    EXPECT_EQ(worker.run_once(), 1u);
    EXPECT_EQ(outbox.size(), 0u);
    EXPECT_EQ(api_.calls().size(), 1u);
}

TEST_F(OutboxTest, AcceptedEarlierCountsAsDelivered) {
    line::ApiResult conflict = FakeMessagingApi::answer(409);
    conflict.accepted_earlier = true;
    api_.script({conflict});
    RedisOutbox outbox(pool_, "t:");
    OutboxWorker worker(outbox, api_, fast_options());
    outbox.push("Uresident", kMessages, "evt-5");
    worker.run_once();
    EXPECT_EQ(outbox.size(), 0u);
}

TEST_F(OutboxTest, EntriesSurviveANewOutboxAndWorker) {
    {
        RedisOutbox outbox(pool_, "t:");
        outbox.push("Uone", kMessages, "evt-6");
        outbox.push("Utwo", kMessages, "evt-7");
        // A worker that claimed evt-7 and died before sending: the lease runs out and it is sent again.
        auto claimed = outbox.claim_due(1, 200ms);
        ASSERT_EQ(claimed.size(), 1u);
    }
    server_.stop();
    server_.start();
    RedisOutbox outbox(pool_, "t:");
    EXPECT_EQ(outbox.size(), 2u);
    OutboxWorker worker(outbox, api_, fast_options());
    worker.start();
    ASSERT_TRUE(eventually([&] { return outbox.size() == 0; }));
    EXPECT_EQ(api_.calls().size(), 2u);
}

TEST_F(OutboxTest, WakesImmediatelyOnPush) {
    RedisOutbox outbox(pool_, "t:");
    OutboxWorker::Options options = fast_options();
    options.poll_interval = 30s;
    OutboxWorker worker(outbox, api_, options);
    worker.start();
    std::this_thread::sleep_for(50ms);  // the worker is asleep in its poll wait
    auto start = std::chrono::steady_clock::now();
    outbox.push("Uresident", kMessages, "evt-8");
    ASSERT_TRUE(eventually([&] { return api_.calls().size() == 1; }, 2000ms));
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
    worker.stop();  // returns promptly despite the long poll interval
}

TEST_F(OutboxTest, TwoWorkersNeverSendTheSameEntry) {
    RedisOutbox first(pool_, "t:");
    RedisOutbox second(pool_, "t:");  // as another process would
    for (int i = 0; i < 60; ++i) first.push("U" + std::to_string(i), kMessages, "evt-many-" + std::to_string(i));
    OutboxWorker::Options options = fast_options();
    options.batch = 3;
    OutboxWorker a(first, api_, options);
    OutboxWorker b(second, api_, options);
    a.start();
    b.start();
    ASSERT_TRUE(eventually([&] { return first.size() == 0; }));
    a.stop();
    b.stop();
    std::map<std::string, int> sends;
    for (const auto& c : api_.calls()) ++sends[c.retry_key];
    EXPECT_EQ(sends.size(), 60u);
    for (const auto& [key, n] : sends) EXPECT_EQ(n, 1) << key;
}

}  // namespace
}  // namespace thesaban::store
