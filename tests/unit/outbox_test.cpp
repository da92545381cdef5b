// The outbox on the leased queue, against a real redis-server, sent by OutboxSender on real event
// loops: once per dedup key, in order per recipient, retried with the same retry key, taken over
// from a dead process, and adopted from the previous release's layout.
#include "store/outbox.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <thread>

#include "app/lease_keeper.h"
#include "app/outbox_sender.h"
#include "core/random.h"
#include "fakes/scripted_messaging_api.h"
#include "runtime/event_loops.h"
#include "store/redis_pool.h"
#include "support/redis_server.h"

namespace thesaban::store {
namespace {

using namespace std::chrono_literals;
using app::LeaseKeeper;
using app::OutboxSender;
using testing::FakeMessagingApi;

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds limit = 5000ms) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(5ms);
    }
    return condition();
}

OutboxSender::Options fast_options() {
    OutboxSender::Options o;
    o.first_backoff = 10ms;
    o.max_backoff = 40ms;
    return o;
}

const std::vector<std::string> kMessages{R"({"type":"text","text":"เรื่อง PNK-2569-000001 รับเรื่องแล้ว \"ok\"\n"})"};

class OutboxTest : public ::testing::Test {
protected:
    OutboxTest() : pool_(parse_redis_url(server_.url())) { loops_.start(); }
    ~OutboxTest() override {
        loops_.stop();
        loops_.join();
    }

    std::vector<std::string> sent_to(const std::string& to) {
        std::vector<std::string> keys;
        for (const auto& c : api_.calls())
            if (c.to == to) keys.push_back(c.retry_key);
        return keys;
    }

    testing::RedisServer server_;
    RedisPool pool_;
    FakeMessagingApi api_;
    runtime::EventLoops loops_{2};
};

TEST_F(OutboxTest, DeliveredOnceAtOnceWithRetryKeyFromDedupKey) {
    RedisOutbox outbox(pool_, "t:", "proc-a", 1000ms);
    OutboxSender sender(loops_, outbox, api_, fast_options());
    sender.start();
    outbox.push("Uresident", kMessages, "evt-1:ack");
    ASSERT_TRUE(eventually([&] { return outbox.size() == 0 && api_.calls().size() == 1; }));
    std::this_thread::sleep_for(100ms);
    auto calls = api_.calls();
    ASSERT_EQ(calls.size(), 1u);
    EXPECT_EQ(calls[0].to, "Uresident");
    EXPECT_EQ(calls[0].messages, kMessages);
    EXPECT_EQ(calls[0].retry_key, uuid_from_name("outbox:evt-1:ack"));
    EXPECT_EQ(sender.stats().sent, 1u);
}

TEST_F(OutboxTest, SameDedupKeyStoredOnceAlsoAfterDelivery) {
    RedisOutbox outbox(pool_, "t:", "proc-a", 1000ms);
    EXPECT_TRUE(outbox.enqueue("Uresident", kMessages, "evt-1:ack"));
    EXPECT_FALSE(outbox.enqueue("Uresident", kMessages, "evt-1:ack"));
    outbox.push("Uresident", kMessages, "evt-1:ack");
    EXPECT_EQ(outbox.size(), 1u);
    // Sent: the first push found the recipient free and leased it to this process.
    OutboxSender sender(loops_, outbox, api_, fast_options());
    sender.run(LeasedEvent{"Uresident", "evt-1:ack",
                           outbox_entry_to_json(OutboxEntry{"Uresident", kMessages, "evt-1:ack"})});
    ASSERT_TRUE(eventually([&] { return outbox.size() == 0; }));
    // The event processed again after delivery (a crash before it was marked done): still one send.
    sender.start();
    EXPECT_FALSE(outbox.enqueue("Uresident", kMessages, "evt-1:ack"));
    std::this_thread::sleep_for(50ms);
    EXPECT_EQ(api_.calls().size(), 1u);
}

TEST_F(OutboxTest, RetriesAfterFailuresWithTheSameRetryKey) {
    api_.script({FakeMessagingApi::answer(500), FakeMessagingApi::answer(0), FakeMessagingApi::answer(429)});
    RedisOutbox outbox(pool_, "t:", "proc-a", 1000ms);
    OutboxSender sender(loops_, outbox, api_, fast_options());
    sender.start();
    outbox.push("Uresident", kMessages, "evt-2:status");
    ASSERT_TRUE(eventually([&] { return outbox.size() == 0; }));
    auto calls = api_.calls();
    ASSERT_EQ(calls.size(), 4u);
    for (const auto& c : calls) EXPECT_EQ(c.retry_key, uuid_from_name("outbox:evt-2:status"));
    EXPECT_EQ(sender.stats().retries, 3u);
}

TEST_F(OutboxTest, ARecipientsPushesKeepTheirOrderAcrossAFailureAndOthersDoNotWait) {
    api_.script({FakeMessagingApi::answer(503)});
    RedisOutbox outbox(pool_, "t:", "proc-a", 1000ms);
    OutboxSender::Options options = fast_options();
    options.first_backoff = 300ms;
    options.max_backoff = 1s;
    OutboxSender sender(loops_, outbox, api_, options);
    sender.start();
    outbox.push("Uone", kMessages, "accepted");  // fails once, retried after 300 ms
    outbox.push("Uone", kMessages, "closed");    // must not overtake it
    ASSERT_TRUE(eventually([&] { return sent_to("Uone").size() == 1; }));
    outbox.push("Utwo", kMessages, "other");  // another recipient: not held up
    ASSERT_TRUE(eventually([&] { return sent_to("Utwo").size() == 1; }, 200ms))
        << "a recipient's backoff does not delay the others";
    EXPECT_EQ(sent_to("Uone").size(), 1u) << "only the failed first attempt so far";
    ASSERT_TRUE(eventually([&] { return outbox.size() == 0; }));
    EXPECT_EQ(sent_to("Uone"), (std::vector<std::string>{uuid_from_name("outbox:accepted"),
                                                          uuid_from_name("outbox:accepted"),
                                                          uuid_from_name("outbox:closed")}));
}

TEST_F(OutboxTest, AnUncertainReplyIsTriedAgainWithItsTokenAndNeverPushedWhenItHadGoneOut) {
    RedisOutbox outbox(pool_, "t:", "proc-a", 1000ms);
    OutboxSender sender(loops_, outbox, api_, fast_options());
    sender.start();
    const int64_t fresh_until = outbox.now_ms() + 60000;
    // LINE fails once more, then says the token is spent: our first attempt had gone out.
    api_.script_replies({FakeMessagingApi::answer(500), FakeMessagingApi::answer(400, R"({"message":"Invalid reply token"})")});
    outbox.reply_or_push("Uone", kMessages, "answer:e1:0", "token-1", fresh_until);
    ASSERT_TRUE(eventually([&] { return outbox.size() == 0; }));
    // LINE fails once, then takes the retried reply. (One recipient at a time: the scripted
    // answers go to whichever call comes first.)
    api_.script_replies({FakeMessagingApi::answer(500)});
    outbox.reply_or_push("Utwo", kMessages, "answer:e2:0", "token-2", fresh_until);
    ASSERT_TRUE(eventually([&] { return outbox.size() == 0; }));
    EXPECT_TRUE(api_.calls().empty()) << "no push: both answers reached LINE by reply";
    auto tokens = api_.reply_tokens();
    EXPECT_EQ(std::count(tokens.begin(), tokens.end(), "token-1"), 2);
    EXPECT_EQ(std::count(tokens.begin(), tokens.end(), "token-2"), 2);
}

TEST_F(OutboxTest, AnUncertainReplyWhoseTokenExpiredIsPushed) {
    RedisOutbox outbox(pool_, "t:", "proc-a", 1000ms);
    OutboxSender sender(loops_, outbox, api_, fast_options());
    sender.start();
    outbox.reply_or_push("Uone", kMessages, "answer:e3:0", "token-3", outbox.now_ms() - 1);
    ASSERT_TRUE(eventually([&] { return outbox.size() == 0; }));
    EXPECT_TRUE(api_.reply_tokens().empty());
    ASSERT_EQ(api_.calls().size(), 1u);
    EXPECT_EQ(api_.calls()[0].retry_key, uuid_from_name("outbox:answer:e3:0"));
}

TEST_F(OutboxTest, BackoffDoublesAndIsCappedAtTenMinutes) {
    OutboxSender::Options o;
    EXPECT_EQ(OutboxSender::backoff(1, o), 5s);
    EXPECT_EQ(OutboxSender::backoff(2, o), 10s);
    EXPECT_EQ(OutboxSender::backoff(3, o), 20s);
    EXPECT_EQ(OutboxSender::backoff(8, o), 600s);
    EXPECT_EQ(OutboxSender::backoff(1000, o), 600s);
}

TEST_F(OutboxTest, PermanentRefusalIsDroppedAndTheNextPushGoes) {
    api_.script({FakeMessagingApi::answer(400, R"({"message":"May not be empty"})")});
    RedisOutbox outbox(pool_, "t:", "proc-a", 1000ms);
    OutboxSender sender(loops_, outbox, api_, fast_options());
    sender.start();
    outbox.push("Uresident", kMessages, "evt-4");
    outbox.push("Uresident", kMessages, "evt-5");
    ASSERT_TRUE(eventually([&] { return outbox.size() == 0; }));
    EXPECT_EQ(api_.calls().size(), 2u);
    EXPECT_EQ(sender.stats().refused, 1u);
    EXPECT_EQ(sender.stats().sent, 1u);
}

TEST_F(OutboxTest, AcceptedEarlierCountsAsDelivered) {
    line::ApiResult conflict = FakeMessagingApi::answer(409);
    conflict.accepted_earlier = true;
    api_.script({conflict});
    RedisOutbox outbox(pool_, "t:", "proc-a", 1000ms);
    OutboxSender sender(loops_, outbox, api_, fast_options());
    sender.start();
    outbox.push("Uresident", kMessages, "evt-5");
    ASSERT_TRUE(eventually([&] { return outbox.size() == 0; }));
    EXPECT_EQ(api_.calls().size(), 1u);
}

TEST_F(OutboxTest, ADeadProcesssPushesAreTakenOverAndSentInOrder) {
    {
        // Process a stores the pushes (the recipient leased to it) and dies before sending them.
        RedisOutbox dead(pool_, "t:", "proc-a", 200ms);
        dead.queue().heartbeat();
        dead.push("Uone", kMessages, "evt-6");
        dead.push("Uone", kMessages, "evt-7");
        dead.push("Utwo", kMessages, "evt-8");
    }
    server_.stop();  // and Redis restarts meanwhile (AOF): nothing is lost
    server_.start();
    RedisOutbox outbox(pool_, "t:", "proc-b", 200ms);
    EXPECT_EQ(outbox.size(), 3u);
    OutboxSender sender(loops_, outbox, api_, fast_options());
    sender.start();
    LeaseKeeper keeper(loops_, {{"outbox", &outbox.queue(),
                                 [&](runtime::Loop&, LeasedEvent e) { sender.run(std::move(e), true); }, {}}});
    keeper.start();
    ASSERT_TRUE(eventually([&] { return outbox.size() == 0; }));
    EXPECT_EQ(sent_to("Uone"), (std::vector<std::string>{uuid_from_name("outbox:evt-6"), uuid_from_name("outbox:evt-7")}));
    EXPECT_EQ(sent_to("Utwo").size(), 1u);
    keeper.stop_and_resign();
}

TEST_F(OutboxTest, TwoProcessesNeverSendTheSameEntryAndKeepEachRecipientsOrder) {
    RedisOutbox first(pool_, "t:", "proc-a", 1000ms);
    RedisOutbox second(pool_, "t:", "proc-b", 1000ms);
    first.queue().heartbeat();
    second.queue().heartbeat();
    OutboxSender a(loops_, first, api_, fast_options());
    OutboxSender b(loops_, second, api_, fast_options());
    a.start();
    b.start();
    // 60 pushes to 6 recipients, made alternately by the two processes.
    for (int i = 0; i < 60; ++i) {
        auto& outbox = i % 2 ? second : first;
        outbox.push("U" + std::to_string(i % 6), kMessages, "evt-many-" + std::to_string(i));
    }
    ASSERT_TRUE(eventually([&] { return first.size() == 0; }));
    std::map<std::string, int> sends;
    for (const auto& c : api_.calls()) ++sends[c.retry_key];
    EXPECT_EQ(sends.size(), 60u);
    for (const auto& [key, n] : sends) EXPECT_EQ(n, 1) << key;
    for (int r = 0; r < 6; ++r) {
        std::vector<std::string> expected;
        for (int i = r; i < 60; i += 6) expected.push_back(uuid_from_name("outbox:evt-many-" + std::to_string(i)));
        EXPECT_EQ(sent_to("U" + std::to_string(r)), expected) << "recipient U" << r;
    }
}

TEST_F(OutboxTest, ThePreviousReleasesOutboxIsAdoptedAndSent) {
    // The layout before the leased queue: a hash of entries and a zset of due times.
    auto old_entry = [](const std::string& to, const std::string& key) {
        return R"({"to":")" + to + R"(","messages":["{\"type\":\"text\",\"text\":\"old\"}"],"dedup_key":")" + key +
               R"(","attempts":2,"next_at":5})";
    };
    pool_.command({"HSET", "t:outbox:entries", "old-1", old_entry("Uold", "old-1")});
    pool_.command({"HSET", "t:outbox:entries", "old-2", old_entry("Uold", "old-2")});
    pool_.command({"ZADD", "t:outbox:due", "10", "old-1", "20", "old-2"});
    RedisOutbox outbox(pool_, "t:", "proc-a", 200ms);
    OutboxSender sender(loops_, outbox, api_, fast_options());
    sender.start();
    LeaseKeeper keeper(loops_, {{"outbox", &outbox.queue(),
                                 [&](runtime::Loop&, LeasedEvent e) { sender.run(std::move(e), true); },
                                 [&] { return outbox.adopt_legacy(); }}});
    keeper.start();
    ASSERT_TRUE(eventually([&] { return sent_to("Uold").size() == 2 && outbox.size() == 0; }));
    EXPECT_EQ(sent_to("Uold"), (std::vector<std::string>{uuid_from_name("outbox:old-1"), uuid_from_name("outbox:old-2")}));
    EXPECT_EQ(api_.calls()[0].messages, (std::vector<std::string>{R"({"type":"text","text":"old"})"}));
    EXPECT_EQ(pool_.command({"EXISTS", "t:outbox:entries"}).integer, 0);
    EXPECT_EQ(pool_.command({"EXISTS", "t:outbox:due"}).integer, 0);
    keeper.stop_and_resign();
}

}  // namespace
}  // namespace thesaban::store
