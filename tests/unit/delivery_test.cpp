// Delivery: the reply token once while fresh, push otherwise, and never a second answer for an
// event whose reply went out before a crash or a lost response.
#include "app/delivery.h"

#include <gtest/gtest.h>

#include "fakes/in_memory_ports.h"
#include "fakes/parsed_events.h"
#include "fakes/scripted_messaging_api.h"

namespace thesaban::app {
namespace {

using testing::FakeMessagingApi;

constexpr int64_t kNow = 1'800'000'000'000;

line::Event fresh_event() {
    line::Event e = testing::parsed_events::text_event("U0123456789abcdef0123456789abcdef", "", "สวัสดี");
    e.webhook_event_id = "01HEVENT";
    e.reply_token = "token-1";
    e.timestamp_ms = kNow - 1000;
    return e;
}

line::ApiResult invalid_token(int attempts = 1) {
    auto r = FakeMessagingApi::answer(400, R"({"message":"Invalid reply token"})");
    r.attempts = attempts;
    return r;
}

class DeliveryTest : public ::testing::Test {
protected:
    FakeMessagingApi api;
    testing::RecordingNotifier outbox;
    Delivery delivery{api, outbox, std::chrono::seconds(50), [] { return kNow; }};
};

TEST_F(DeliveryTest, FreshTokenIsRepliedOnce) {
    EXPECT_TRUE(delivery.deliver(fresh_event(), {R"({"type":"text","text":"a"})"}));
    EXPECT_EQ(api.reply_tokens(), std::vector<std::string>{"token-1"});
    EXPECT_TRUE(api.calls().empty());
}

TEST_F(DeliveryTest, ExpiredTokenIsPushedWithAKeyFromTheEventId) {
    auto event = fresh_event();
    event.timestamp_ms = kNow - 55'000;
    EXPECT_TRUE(delivery.deliver(event, {R"({"type":"text","text":"a"})"}));
    EXPECT_TRUE(api.reply_tokens().empty());
    ASSERT_EQ(outbox.pushes.size(), 1u);
    EXPECT_EQ(outbox.pushes[0].to, "U0123456789abcdef0123456789abcdef");
    EXPECT_EQ(outbox.pushes[0].dedup_key, "answer:01HEVENT:0");
    // Delivered again (a rerun): the same dedup key, so the outbox stores and sends it once.
    EXPECT_TRUE(delivery.deliver(event, {R"({"type":"text","text":"a"})"}));
    EXPECT_EQ(outbox.pushes.size(), 1u);
    EXPECT_TRUE(api.calls().empty()) << "pushes go through the outbox, never straight to LINE";
}

TEST_F(DeliveryTest, ATokenRefusedOnAFirstRunIsAnsweredByPush) {
    api.script_replies({invalid_token()});
    EXPECT_TRUE(delivery.deliver(fresh_event(), {R"({"type":"text","text":"a"})"}));
    EXPECT_EQ(outbox.pushes.size(), 1u);
}

TEST_F(DeliveryTest, AReplyLineCannotTakeDuringAnOutageIsStoredToBePushedLater) {
    api.script_replies({FakeMessagingApi::answer(500)});
    EXPECT_TRUE(delivery.deliver(fresh_event(), {R"({"type":"text","text":"a"})"}));
    ASSERT_EQ(outbox.pushes.size(), 1u) << "the answer must not be lost with the outage";
    EXPECT_EQ(outbox.pushes[0].messages, std::vector<std::string>{R"({"type":"text","text":"a"})"});
    // LINE may have taken it before failing: the same token first, while it lives, then a push.
    EXPECT_EQ(outbox.pushes[0].reply_token, "token-1");
    EXPECT_EQ(outbox.pushes[0].reply_until_ms, kNow - 1000 + 50'000);
}

TEST_F(DeliveryTest, AReplyLineRefusedForGoodIsPushedWithoutTheToken) {
    api.script_replies({FakeMessagingApi::answer(400, R"x({"message":"The request body has 1 error(s)"})x")});
    EXPECT_TRUE(delivery.deliver(fresh_event(), {R"({"type":"text","text":"a"})"}));
    ASSERT_EQ(outbox.pushes.size(), 1u);
    EXPECT_EQ(outbox.pushes[0].reply_token, "");
}

TEST_F(DeliveryTest, AFreshTokenRefusedOnAReRunWasOurOwnReplyAndIsNotRepeated) {
    api.script_replies({invalid_token()});
    EXPECT_TRUE(delivery.deliver(fresh_event(), {R"({"type":"text","text":"a"})"}, /*rerun=*/true));
    EXPECT_TRUE(outbox.pushes.empty()) << "the resident would get the answer twice";
}

TEST_F(DeliveryTest, ATokenRefusedOnTheClientsOwnRetryWasSpentByTheFirstAttempt) {
    api.script_replies({invalid_token(/*attempts=*/2)});
    EXPECT_TRUE(delivery.deliver(fresh_event(), {R"({"type":"text","text":"a"})"}));
    EXPECT_TRUE(outbox.pushes.empty());
}

TEST_F(DeliveryTest, MoreThanFiveMessagesGoAsReplyThenPush) {
    std::vector<std::string> seven(7, R"({"type":"text","text":"a"})");
    EXPECT_TRUE(delivery.deliver(fresh_event(), seven));
    EXPECT_EQ(api.reply_tokens().size(), 1u);
    ASSERT_EQ(outbox.pushes.size(), 1u);
    EXPECT_EQ(outbox.pushes[0].messages.size(), 2u);
}

}  // namespace
}  // namespace thesaban::app
