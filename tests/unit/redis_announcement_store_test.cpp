#include "store/redis_announcement_store.h"

#include <gtest/gtest.h>

#include "store/redis_pool.h"
#include "support/redis_server.h"

namespace thesaban::store {
namespace {

using announcements::ChunkState;
using announcements::Status;
using testing::RedisServer;

constexpr int64_t kNow = 1764052200000;
constexpr std::chrono::milliseconds kLease{60000};

class RedisAnnouncementStoreTest : public ::testing::Test {
protected:
    RedisAnnouncementStoreTest() : pool_(parse_redis_url(server_.url())), store_(pool_, "t:", {"general", "tax"}) {}

    announcements::Draft draft(std::string topic = {}, int64_t send_at = 0) {
        announcements::Draft d;
        d.title = "หัวข้อ";
        d.body = "เนื้อหา";
        d.topic = std::move(topic);
        d.send_at_ms = send_at;
        return d;
    }

    RedisServer server_;
    RedisPool pool_;
    RedisAnnouncementStore store_;
};

TEST_F(RedisAnnouncementStoreTest, CreateIsIdempotentByKeyAndDueAtSendAt) {
    std::string a = store_.create(draft(), "api", kNow, "key-1");
    EXPECT_EQ(store_.create(draft(), "api", kNow, "key-1"), a);
    std::string later = store_.create(draft("", kNow + 60000), "api", kNow);
    EXPECT_NE(later, a);
    auto got = store_.get(a);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->draft.title, "หัวข้อ");
    EXPECT_EQ(got->status, Status::scheduled);
    EXPECT_FALSE(got->planned);

    EXPECT_EQ(store_.claim_due(kNow, kLease, 10), std::vector<std::string>{a});
    EXPECT_TRUE(store_.claim_due(kNow, kLease, 10).empty()) << "leased: nobody else claims it";
    EXPECT_EQ(store_.claim_due(kNow + 60000, kLease, 10), std::vector<std::string>{later});
    store_.release_all_leases();
    EXPECT_EQ(store_.claim_due(kNow + 60000, kLease, 10).size(), 2u);

    auto history = store_.history(10);
    ASSERT_EQ(history.size(), 2u);
    EXPECT_EQ(history[0].id, later) << "newest first";
}

TEST_F(RedisAnnouncementStoreTest, ThePlanIsFixedOnce) {
    std::string id = store_.create(draft("tax"), "api", kNow);
    auto first = announcements::plan_multicast({"U1", "U2", "U3"}, 2);
    ASSERT_TRUE(store_.plan(id, first));
    EXPECT_FALSE(store_.plan(id, announcements::plan_multicast({"U9"}, 2))) << "a second plan must not replace it";
    auto chunk = store_.chunk(id, 0);
    ASSERT_TRUE(chunk);
    EXPECT_EQ(chunk->retry_key, first[0].retry_key);
    EXPECT_EQ(chunk->to, (std::vector<std::string>{"U1", "U2"}));
    auto got = store_.get(id);
    ASSERT_EQ(got->chunks.size(), 2u);
    EXPECT_EQ(got->status, Status::sending);
    EXPECT_EQ(got->chunks[1].recipients, 1u);

    announcements::ChunkDelivery sent;
    sent.state = ChunkState::sent;
    sent.request_id = "req-1";
    sent.attempts = 1;
    store_.record_delivery(id, 0, sent);
    store_.finish(id, Status::sent, kNow + 5);
    got = store_.get(id);
    EXPECT_EQ(got->chunks[0].state, ChunkState::sent);
    EXPECT_EQ(got->chunks[0].request_id, "req-1");
    EXPECT_EQ(got->chunks[1].state, ChunkState::pending);
    EXPECT_EQ(got->status, Status::sent);
    store_.release_all_leases();
    EXPECT_TRUE(store_.claim_due(kNow + 10, kLease, 10).empty()) << "finished: off the due queue";
    auto ttl = pool_.command({"TTL", "t:ann:" + id + ":chunk:1"});
    EXPECT_GT(ttl.integer, 29 * 24 * 3600) << "recipient lists are kept a month, then expire";
    EXPECT_EQ(pool_.command({"TTL", "t:ann:" + id}).integer, -1) << "the history itself stays";
}

TEST_F(RedisAnnouncementStoreTest, UnfollowedAreLeftOutOfEveryTopic) {
    store_.subscribe("Ua", "tax");
    store_.subscribe("Ub", "tax");
    store_.subscribe("Ub", "general");
    store_.unfollow("Ub");
    EXPECT_EQ(store_.recipients("tax"), std::vector<std::string>{"Ua"});
    EXPECT_TRUE(store_.recipients("general").empty());
    EXPECT_TRUE(store_.subscriptions("Ub").empty());
    // In a topic set but unfollowed (e.g. written by an older build): still filtered at planning.
    pool_.command({"SADD", "t:news:topic:tax", "Ub"});
    EXPECT_EQ(store_.recipients("tax"), std::vector<std::string>{"Ua"});
    store_.follow("Ub");
    EXPECT_EQ(store_.recipients("tax").size(), 2u);
}

TEST_F(RedisAnnouncementStoreTest, BroadcastSlotsKeepTheHourlyLimit) {
    EXPECT_EQ(store_.take_broadcast_slot("k1", kNow, 2), 0);
    EXPECT_EQ(store_.take_broadcast_slot("k1", kNow + 1, 2), 0) << "a resend of the same chunk costs no slot";
    EXPECT_EQ(store_.take_broadcast_slot("k2", kNow + 10, 2), 0);
    EXPECT_EQ(store_.take_broadcast_slot("k3", kNow + 20, 2), kNow + 3600 * 1000);
    EXPECT_EQ(store_.take_broadcast_slot("k3", kNow + 3600 * 1000 + 1, 2), 0) << "the window moved on";
}

}  // namespace
}  // namespace thesaban::store
