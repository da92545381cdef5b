#include "store/redis_conversation_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "store/redis_pool.h"
#include "support/redis_server.h"

namespace thesaban::store {
namespace {

using namespace std::chrono_literals;

TEST(RedisConversationStore, SaveLoadClearAndExpiry) {
    testing::RedisServer server;
    RedisPool pool(parse_redis_url(server.url()));
    RedisConversationStore store(pool, "t:", 1s);

    EXPECT_FALSE(store.load("Uchat"));
    store.save("Uchat", R"({"flow":"complaint","text":"ถนน \"พัง\"\n"})");
    EXPECT_EQ(store.load("Uchat"), R"({"flow":"complaint","text":"ถนน \"พัง\"\n"})");
    EXPECT_TRUE(pool.command({"EXISTS", "t:conv:Uchat"}).integer == 1);
    RedisReply ttl = pool.command({"TTL", "t:conv:Uchat"});
    EXPECT_GE(ttl.integer, 0);
    EXPECT_LE(ttl.integer, 1);

    store.clear("Uchat");
    EXPECT_FALSE(store.load("Uchat"));

    store.save("Cgroup:Uofficer", "{}");
    std::this_thread::sleep_for(1500ms);
    EXPECT_FALSE(store.load("Cgroup:Uofficer"));
}

TEST(RedisConversationStore, RejectsSubSecondTimeout) {
    testing::RedisServer server;
    RedisPool pool(parse_redis_url(server.url()));
    EXPECT_THROW(RedisConversationStore(pool, "t:", 0s), std::invalid_argument);
}

}  // namespace
}  // namespace thesaban::store
