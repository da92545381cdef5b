// Delivery: the reply token once while fresh, push otherwise, and never a second answer for an
// event whose reply went out before a crash or a lost response.
#include "app/delivery.h"

#include <gtest/gtest.h>

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
    Delivery delivery{api, std::chrono::seconds(50), [] { return kNow; }};
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
    ASSERT_EQ(api.calls().size(), 1u);
    auto key = api.calls()[0].retry_key;
    EXPECT_TRUE(delivery.deliver(event, {R"({"type":"text","text":"a"})"}));
    EXPECT_EQ(api.calls()[1].retry_key, key) << "a repeated push must carry the same retry key";
}

TEST_F(DeliveryTest, ATokenRefusedOnAFirstRunIsAnsweredByPush) {
    api.script_replies({invalid_token()});
    EXPECT_TRUE(delivery.deliver(fresh_event(), {R"({"type":"text","text":"a"})"}));
    EXPECT_EQ(api.calls().size(), 1u);
}

TEST_F(DeliveryTest, AFreshTokenRefusedOnAReRunWasOurOwnReplyAndIsNotRepeated) {
    api.script_replies({invalid_token()});
    EXPECT_TRUE(delivery.deliver(fresh_event(), {R"({"type":"text","text":"a"})"}, /*rerun=*/true));
    EXPECT_TRUE(api.calls().empty()) << "the resident would get the answer twice";
}

TEST_F(DeliveryTest, ATokenRefusedOnTheClientsOwnRetryWasSpentByTheFirstAttempt) {
    api.script_replies({invalid_token(/*attempts=*/2)});
    EXPECT_TRUE(delivery.deliver(fresh_event(), {R"({"type":"text","text":"a"})"}));
    EXPECT_TRUE(api.calls().empty());
}

TEST_F(DeliveryTest, MoreThanFiveMessagesGoAsReplyThenPush) {
    std::vector<std::string> seven(7, R"({"type":"text","text":"a"})");
    EXPECT_TRUE(delivery.deliver(fresh_event(), seven));
    EXPECT_EQ(api.reply_tokens().size(), 1u);
    ASSERT_EQ(api.calls().size(), 1u);
    EXPECT_EQ(api.calls()[0].messages.size(), 2u);
}

}  // namespace
}  // namespace thesaban::app
