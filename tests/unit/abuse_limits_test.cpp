// The limits against floods and scripts: a resident's message rate (Redis, shared by all
// processes), the flood guard in front of the conversations, a client address's request pace,
// and how an address is logged.
#include <gtest/gtest.h>

#include <thread>

#include "config/config.h"
#include "core/log.h"
#include "core/thai_date.h"
#include "handlers/common/flood_guard.h"
#include "http/address_rate_limiter.h"
#include "store/redis_message_rate_limiter.h"
#include "store/redis_pool.h"
#include "support/redis_server.h"
#include "fakes/parsed_events.h"

namespace thesaban {
namespace {

using namespace std::chrono_literals;
using Verdict = handlers::MessageRateLimiter::Verdict;

TEST(RedisMessageRateLimiter, TheFirstOverTheLimitGetsANoticeTheRestAreIgnoredUntilTheQuietEnds) {
    testing::RedisServer server;
    store::RedisPool pool(store::parse_redis_url(server.url()));
    store::RedisMessageRateLimiter limiter(pool, "t:", 3, 600ms, 60s);
    for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.check("Uflood"), Verdict::allowed) << i;
    EXPECT_EQ(limiter.check("Uflood"), Verdict::notice);
    EXPECT_EQ(limiter.check("Uflood"), Verdict::ignore);
    EXPECT_EQ(limiter.check("Uflood"), Verdict::ignore);
    // Someone else is not affected.
    EXPECT_EQ(limiter.check("Ucalm"), Verdict::allowed);
    // After the quiet period the resident starts afresh.
    std::this_thread::sleep_for(700ms);
    EXPECT_EQ(limiter.check("Uflood"), Verdict::allowed);
    // Keys expire by themselves.
    EXPECT_GT(pool.command({"PTTL", "t:limits:messages:Uflood"}).integer, 0);
}

TEST(RedisMessageRateLimiter, AWindowThatEndsStartsTheCountAgain) {
    testing::RedisServer server;
    store::RedisPool pool(store::parse_redis_url(server.url()));
    store::RedisMessageRateLimiter limiter(pool, "t:", 2, 10s, 300ms);
    EXPECT_EQ(limiter.check("U1"), Verdict::allowed);
    EXPECT_EQ(limiter.check("U1"), Verdict::allowed);
    std::this_thread::sleep_for(400ms);
    EXPECT_EQ(limiter.check("U1"), Verdict::allowed);
    EXPECT_EQ(limiter.check("U1"), Verdict::allowed);
    EXPECT_EQ(limiter.check("U1"), Verdict::notice);
}

TEST(RedisMessageRateLimiter, ZeroTurnsItOffWithoutTouchingRedis) {
    testing::RedisServer server;
    store::RedisPool pool(store::parse_redis_url(server.url()));
    store::RedisMessageRateLimiter limiter(pool, "t:", 0, 10s);
    for (int i = 0; i < 50; ++i) EXPECT_EQ(limiter.check("U1"), Verdict::allowed);
    EXPECT_EQ(pool.command({"DBSIZE"}).integer, 0);
}

class ScriptedLimiter final : public handlers::MessageRateLimiter {
public:
    Verdict check(const std::string& user_id) override {
        checked.push_back(user_id);
        return verdict;
    }
    Verdict verdict = Verdict::allowed;
    std::vector<std::string> checked;
};

TEST(FloodGuard, StopsAFloodOfAResidentsMessagesWithOneNoticeAndLeavesGroupsAndFollowsAlone) {
    auto config = config::load_config(THESABAN_SOURCE_DIR "/config/thesaban.example.jsonc", {}, false);
    ScriptedLimiter limiter;
    handlers::FloodGuard guard(config, limiter);
    const std::string resident = "U0123456789abcdef0123456789abcdef";

    handlers::CollectingResponder out;
    auto text = testing::parsed_events::event_from(line::EventKind::message, resident);
    EXPECT_FALSE(guard.handle(text, out)) << "allowed: the conversations see it";
    EXPECT_TRUE(out.messages.empty());

    limiter.verdict = Verdict::notice;
    EXPECT_TRUE(guard.handle(text, out));
    ASSERT_EQ(out.messages.size(), 1u);
    EXPECT_NE(out.messages[0].find("10 นาที"), std::string::npos) << out.messages[0];
    EXPECT_NE(out.messages[0].find(config.municipality_phone), std::string::npos);

    limiter.verdict = Verdict::ignore;
    out.messages.clear();
    EXPECT_TRUE(guard.handle(text, out));
    EXPECT_TRUE(out.messages.empty()) << "ignored: no answer at all";

    // Officers in their group and follow events are never counted.
    auto in_group = text;
    in_group.source.type = line::Source::Type::group;
    in_group.source.group_id = "C0123456789abcdef0123456789abcdef";
    EXPECT_FALSE(guard.handle(in_group, out));
    EXPECT_FALSE(guard.handle(testing::parsed_events::event_from(line::EventKind::follow, resident), out));
    EXPECT_EQ(limiter.checked.size(), 3u);
}

TEST(AddressRateLimiter, RefusesPastThePaceAndSaysWhenToComeBack) {
    http::AddressRateLimiter pace(3);
    auto t0 = http::AddressRateLimiter::Clock::now();
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(pace.allow("203.0.113.7", t0 + std::chrono::seconds(i)));
    std::chrono::seconds retry_after{0};
    EXPECT_FALSE(pace.allow("203.0.113.7", t0 + 20s, &retry_after));
    EXPECT_EQ(retry_after, 40s);
    EXPECT_TRUE(pace.allow("198.51.100.1", t0 + 20s)) << "another address has its own pace";
    EXPECT_TRUE(pace.allow("203.0.113.7", t0 + 61s)) << "a new minute";
    auto answer = http::AddressRateLimiter::too_many(40s);
    EXPECT_EQ(answer.status, 429);
    ASSERT_EQ(answer.headers.size(), 1u);
    EXPECT_EQ(answer.headers[0].second, "40");
    http::AddressRateLimiter off(0);
    for (int i = 0; i < 1000; ++i) EXPECT_TRUE(off.allow("203.0.113.7", t0));
}

TEST(AddressRateLimiter, AWideScanCannotGrowItsMemoryWithoutBound) {
    http::AddressRateLimiter pace(5, 100);
    auto t0 = http::AddressRateLimiter::Clock::now();
    for (int i = 0; i < 10000; ++i) pace.allow("10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256), t0);
    // Still counting correctly for a fresh address afterwards.
    for (int i = 0; i < 5; ++i) EXPECT_TRUE(pace.allow("203.0.113.9", t0));
    EXPECT_FALSE(pace.allow("203.0.113.9", t0));
}

TEST(ClientAddress, TrustsXForwardedForOnlyFromAConfiguredProxyAndOnlyItsLastEntry) {
    http::Request r;
    r.remote_address = "127.0.0.1";
    r.headers = {{"x-forwarded-for", "6.6.6.6, 203.0.113.7"}};
    EXPECT_EQ(http::client_address(r, {"127.0.0.1"}), "203.0.113.7");
    EXPECT_EQ(http::client_address(r, {}), "127.0.0.1") << "no proxy configured: the peer";
    r.remote_address = "198.51.100.1";
    EXPECT_EQ(http::client_address(r, {"127.0.0.1"}), "198.51.100.1") << "a client cannot claim an address";
    r.remote_address = "127.0.0.1";
    r.headers.clear();
    EXPECT_EQ(http::client_address(r, {"127.0.0.1"}), "127.0.0.1");
}

TEST(MaskAddress, KeepsTheNetworkNotTheMachine) {
    EXPECT_EQ(log::mask_address("203.150.12.34"), "203.150.12.x");
    EXPECT_EQ(log::mask_address("2001:db8:1:2::5"), "2001:db8:1:x");
    EXPECT_EQ(log::mask_address("::1"), "x");
    EXPECT_EQ(log::mask_address(""), "");
}

TEST(ThaiDayStart, IsMidnightInThailand) {
    // 2026-03-01 12:00 in Thailand (05:00 UTC) → 2026-03-01 00:00 in Thailand (2026-02-28 17:00 UTC).
    EXPECT_EQ(thai_day_start_ms(1772341200000), 1772341200000 - 12 * 3600 * 1000LL);
    // 23:30 UTC is already the next day in Thailand.
    EXPECT_EQ(thai_day_start_ms(1772341200000 + 18 * 3600 * 1000LL + 30 * 60 * 1000LL), 1772384400000);
}

}  // namespace
}  // namespace thesaban
