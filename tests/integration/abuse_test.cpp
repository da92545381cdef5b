// Limits against floods and scripts, through the real binary: a resident's flood of messages, and
// a client's pace on /qr and /admin (config "limits").
#include "bot_fixture.h"

namespace thesaban::testing {
namespace {

using namespace std::chrono_literals;

class Abuse : public BotTest {
    void patch_config(json::Document& config) override {
        auto& a = config.GetAllocator();
        json::Value limits(rapidjson::kObjectType);
        limits.AddMember("messages_per_minute", 5, a);
        limits.AddMember("flood_quiet_minutes", 10, a);
        limits.AddMember("qr_per_minute", 3, a);
        limits.AddMember("admin_per_minute", 2, a);
        // Over what the test support sets for every other test.
        config.RemoveMember("limits");
        config.AddMember("limits", limits, a);
    }
    std::map<std::string, std::string> bot_env() override { return {{"ADMIN_TOKEN", "a-long-enough-admin-token-0123456789"}}; }
};

TEST_F(Abuse, AFloodGetsOneNoticeThenSilenceAndOthersAreStillAnswered) {
    EventSource flooder{"U" + std::string(31, '0') + "1", ""};
    for (int i = 0; i < 12; ++i)
        ASSERT_EQ(send(text_event(flooder, "ร้องเรียน " + std::to_string(i), reply_token_for(flooder))).status, 200);
    ASSERT_TRUE(line->wait_for_requests("/v2/bot/message/reply", 6, 5s));
    std::this_thread::sleep_for(500ms);  // nothing more may come
    auto replies = calls("/v2/bot/message/reply", 6);
    ASSERT_EQ(replies.size(), 6u) << "5 answers and one notice for 12 messages";
    std::string last = json::to_string(replies.back()["body"]);
    EXPECT_NE(last.find("ถี่เกินไป"), std::string::npos) << last;
    EXPECT_NE(last.find("10 นาที"), std::string::npos) << last;
    EXPECT_TRUE(line->requests_to("/v2/bot/message/push").empty()) << "nothing reached an officers' group";

    EventSource calm{"U" + std::string(31, '0') + "2", ""};
    ASSERT_EQ(send(text_event(calm, "สวัสดีค่ะ", reply_token_for(calm))).status, 200);
    EXPECT_TRUE(line->wait_for_requests("/v2/bot/message/reply", 7, 5s)) << "another resident is still answered";
    EXPECT_NE(bot->output().find("resident sending too fast"), std::string::npos);
}

TEST_F(Abuse, GuessingQrAndAdminUrlsIsSlowedPerAddressAndAdminCallsAreLoggedMasked) {
    for (int i = 0; i < 3; ++i) EXPECT_EQ(bot->get("/qr/" + std::string(32, 'A' + i)).status, 404);
    auto refused = bot->get("/qr/" + std::string(32, 'Z'));
    EXPECT_EQ(refused.status, 429);
    EXPECT_FALSE(refused.header("retry-after").empty());

    for (int i = 0; i < 2; ++i) EXPECT_EQ(bot->get("/admin/announcements").status, 401) << "no token";
    EXPECT_EQ(bot->get("/admin/announcements").status, 429);
    // Behind the trusted proxy (127.0.0.1 by default) another client has its own pace.
    auto forwarded = http_request(bot->port(), "GET", "/admin/announcements", {},
                                  {{"X-Forwarded-For", "203.0.113.77"},
                                   {"Authorization", "Bearer a-long-enough-admin-token-0123456789"}});
    EXPECT_EQ(forwarded.status, 200);

    std::string log = bot->output();
    EXPECT_NE(log.find(R"("remote":"127.0.0.x")"), std::string::npos);
    EXPECT_NE(log.find(R"("remote":"203.0.113.x")"), std::string::npos);
    EXPECT_EQ(log.find("203.0.113.77"), std::string::npos) << "the full address is never logged";
    EXPECT_NE(log.find(R"("msg":"admin call")"), std::string::npos);
}

}  // namespace
}  // namespace thesaban::testing
