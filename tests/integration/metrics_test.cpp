// GET /metrics through the real binary: behind the admin token, in Prometheus's text format, with
// what residents' traffic did (webhooks by status, LINE calls, event age, tickets by state).
#include <regex>

#include "bot_fixture.h"
#include "support/resident.h"

namespace thesaban::testing {
namespace {

using namespace std::chrono_literals;
const std::string kToken = "metrics-test-admin-token-0123456789";

class Metrics : public BotTest {
    std::map<std::string, std::string> bot_env() override { return {{"ADMIN_TOKEN", kToken}}; }

public:
    HttpResult scrape() { return http_request(bot->port(), "GET", "/metrics", {}, {{"Authorization", "Bearer " + kToken}}); }
    // The value of one sample line ("name{labels} value"), or -1.
    static double sample(const std::string& page, const std::string& series) {
        auto at = page.find("\n" + series + " ");
        if (at == std::string::npos) return -1;
        return std::stod(page.substr(at + series.size() + 2));
    }
};

TEST_F(Metrics, NeedsTheAdminToken) {
    EXPECT_EQ(bot->get("/metrics").status, 401);
    EXPECT_EQ(http_request(bot->port(), "GET", "/metrics", {}, {{"Authorization", "Bearer wrong"}}).status, 401);
    EXPECT_EQ(scrape().status, 200);
}

TEST_F(Metrics, CountWhatTheTrafficDid) {
    EventSource resident;
    ASSERT_EQ(send(text_event(resident, "สวัสดีค่ะ", reply_token_for(resident))).status, 200);
    const std::string bad_signature = "bad";
    ASSERT_EQ(bot->post_webhook(webhook_body({}), &bad_signature).status, 401);
    ASSERT_TRUE(line->wait_for_requests("/v2/bot/message/reply", 1, 5s));
    Resident filer(*bot, *line, {"U" + std::string(31, 'a') + "1", ""});
    Resident::Plan plan;
    plan.text = "ขยะกองหน้าตลาดไม่มีคนมาเก็บหลายวันแล้วค่ะ";
    plan.prefer = {"ขยะ", "ข้าม", "ยืนยัน"};
    plan.avoid = {"ยกเลิก", "แก้ไข", "ย้อนกลับ"};
    std::string transcript;
    ASSERT_TRUE(filer.converse(std::regex("(PNK-\\d{4}-\\d{6})"), plan, &transcript)) << transcript;

    HttpResult page;
    ASSERT_TRUE(wait_until([&] {
        page = scrape();
        return sample(page.body, "thesaban_tickets{state=\"received\"}") == 1;
    }, 5s)) << page.body;
    EXPECT_EQ(page.header("content-type").rfind("text/plain; version=0.0.4", 0), 0u);
    EXPECT_GE(sample(page.body, "thesaban_http_responses_total{route=\"POST /webhook\",status=\"200\"}"), 2);
    EXPECT_EQ(sample(page.body, "thesaban_http_responses_total{route=\"POST /webhook\",status=\"401\"}"), 1);
    EXPECT_GE(sample(page.body, "thesaban_line_api_calls_total{op=\"reply\",status=\"200\"}"), 2);
    EXPECT_GE(sample(page.body, "thesaban_event_age_seconds_count"), 2);
    EXPECT_GE(sample(page.body, "thesaban_events_total"), 2);
    EXPECT_EQ(sample(page.body, "thesaban_inbox_pending_events"), 0);
    EXPECT_EQ(sample(page.body, "thesaban_redis_readable"), 1);
    EXPECT_GE(sample(page.body, "thesaban_redis_replies_total"), 1);
    EXPECT_NE(page.body.find("thesaban_tickets_open{department=\""), std::string::npos);
    // No personal data: no user ids, no texts.
    EXPECT_EQ(page.body.find("U0123456789abcdef"), std::string::npos);
    EXPECT_EQ(page.body.find("ขยะกอง"), std::string::npos);

    // Redis down: the page still answers, and says so.
    redis->stop();
    ASSERT_TRUE(wait_until([&] {
        page = scrape();
        return sample(page.body, "thesaban_redis_readable") == 0;
    }, 10s)) << page.body;
    EXPECT_EQ(page.status, 200);
}

}  // namespace
}  // namespace thesaban::testing
