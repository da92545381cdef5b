#include "store/redis_expiring_images.h"

#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <thread>

#include "store/redis_pool.h"
#include "support/redis_server.h"
#include "tax/qr_png.h"

namespace thesaban::store {
namespace {

using namespace std::chrono_literals;

TEST(RedisExpiringImages, PublishesAPngAtAnUnguessableLinkThatExpires) {
    testing::RedisServer server;
    RedisPool pool(parse_redis_url(server.url()));
    RedisExpiringImages images(pool, "t:", "https://bot.example/");
    const std::string png = tax::qr_png("00020101021153037645802TH6304ABCD");

    auto first = images.publish_png(png, 1s);
    auto second = images.publish_png(png, 1s);
    ASSERT_TRUE(first && second);
    std::smatch m;
    ASSERT_TRUE(std::regex_match(*first, m, std::regex(R"(https://bot\.example/qr/([A-Za-z0-9_-]{32}))"))) << *first;
    EXPECT_NE(*first, *second) << "every QR gets its own token";
    const std::string token = m[1];
    EXPECT_EQ(images.find(token), png) << "binary bytes kept exactly";

    std::this_thread::sleep_for(2100ms);
    EXPECT_FALSE(images.find(token)) << "gone once the TTL has passed";
}

TEST(RedisExpiringImages, RefusesWhatIsNotAPngAndMalformedTokens) {
    testing::RedisServer server;
    RedisPool pool(parse_redis_url(server.url()));
    RedisExpiringImages images(pool, "t:", "https://bot.example");
    EXPECT_FALSE(images.publish_png("<html>not an image</html>", 60s));
    EXPECT_FALSE(images.publish_png(tax::qr_png("x"), 0s));
    EXPECT_FALSE(images.find("../../etc/passwd"));
    EXPECT_FALSE(images.find(std::string(32, '*')));
    EXPECT_FALSE(images.find(std::string(32, 'A')));
}

}  // namespace
}  // namespace thesaban::store
