// Announcements end to end over the real binary, a real redis-server and the fake LINE API: the
// admin API and officers in LINE queue them, the sender multicasts a topic in chunks of 500 or
// broadcasts, a restart mid-send neither repeats nor misses a chunk, residents read the latest.
#include <map>
#include <set>
#include <thread>

#include "announcements/announcement.h"
#include "bot_fixture.h"
#include "store/redis_announcement_store.h"
#include "store/redis_pool.h"
#include "support/http_client.h"
#include "support/resident.h"

namespace thesaban::testing {
namespace {

using namespace std::chrono_literals;

const std::string kAdminToken = "test-admin-token-0123456789";
// From config/thesaban.example.jsonc.
const std::string kAdminGroup = "C3a2b3c4d5e6f708192a3b4c5d6e7f803";
const std::string kMalee = "U4a2b3c4d5e6f708192a3b4c5d6e7f804";
const std::string kMulticast = "/v2/bot/message/multicast";
const std::string kBroadcast = "/v2/bot/message/broadcast";

std::string user_id(int n) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "U%032x", n + 0x100000);
    return buf;
}

class Announcements : public BotTest {
protected:
    std::map<std::string, std::string> bot_env() override { return {{"ADMIN_TOKEN", kAdminToken}}; }

    HttpResult admin(const std::string& method, const std::string& target, const std::string& body = {},
                     const std::string& token = kAdminToken) {
        std::map<std::string, std::string> headers{{"Content-Type", "application/json"}};
        if (!token.empty()) headers["Authorization"] = "Bearer " + token;
        return http_request(bot->port(), method, target, body, headers);
    }

    // The bot's own store on the test's Redis, to seed subscribers without 2,400 webhooks.
    store::RedisAnnouncementStore& store() {
        if (!store_) {
            auto options = store::parse_redis_url(redis->url());
            options.pool_size = 2;
            pool_ = std::make_unique<store::RedisPool>(options);
            store_ = std::make_unique<store::RedisAnnouncementStore>(
                *pool_, "thesaban:", std::vector<std::string>{"general", "tax", "utilities", "disaster"});
        }
        return *store_;
    }

    void seed_subscribers(const std::string& topic, int count) {
        for (int i = 0; i < count; ++i) store().subscribe(user_id(i), topic);
    }

    std::string post_announcement(const std::string& body) {
        auto r = admin("POST", "/admin/announcements", body);
        EXPECT_EQ(r.status, 202) << r.body;
        json::Document doc;
        json::parse(r.body, doc);
        return std::string(json::get_string(doc, "id").value_or(""));
    }

    json::Document announcement(const std::string& id) {
        auto r = admin("GET", "/admin/announcements/" + id);
        json::Document doc;
        json::parse(r.body, doc);
        return doc;
    }

    bool wait_status(const std::string& id, const std::string& status, std::chrono::milliseconds timeout = 10s) {
        return wait_until([&] { return json::get_string(announcement(id), "status").value_or("") == status; }, timeout);
    }

    std::unique_ptr<store::RedisPool> pool_;
    std::unique_ptr<store::RedisAnnouncementStore> store_;

    void TearDown() override {
        store_.reset();
        pool_.reset();
        BotTest::TearDown();
    }
};

std::string header_of(const json::Value& call, const char* name) {
    const auto* headers = json::get_object(call, "headers");
    return headers ? std::string(json::get_string(*headers, name).value_or("")) : std::string();
}

TEST_F(Announcements, AdminApiNeedsTheToken) {
    const std::string body = R"({"title":"ทดสอบ","body":"ข้อความ"})";
    auto missing = admin("POST", "/admin/announcements", body, "");
    EXPECT_EQ(missing.status, 401);
    EXPECT_NE(missing.body.find("\"error\""), std::string::npos) << missing.body;
    EXPECT_EQ(admin("POST", "/admin/announcements", body, "wrong-token").status, 401);
    EXPECT_EQ(admin("POST", "/admin/announcements", body, kAdminToken + "x").status, 401);
    EXPECT_EQ(admin("GET", "/admin/announcements", "", "wrong-token").status, 401);
    auto basic =
        http_request(bot->port(), "GET", "/admin/announcements", "", {{"Authorization", "Basic " + kAdminToken}});
    EXPECT_EQ(basic.status, 401);
    std::this_thread::sleep_for(300ms);
    EXPECT_TRUE(line->requests_to(kBroadcast).empty()) << "an unauthorized request sent something";
    EXPECT_EQ(admin("GET", "/admin/announcements").status, 200);
}

TEST_F(Announcements, InvalidAnnouncementIs400NamingTheField) {
    auto check = [&](const std::string& body, const std::string& field, const std::string& words) {
        auto r = admin("POST", "/admin/announcements", body);
        EXPECT_EQ(r.status, 400) << body;
        json::Document doc;
        ASSERT_TRUE(json::parse(r.body, doc)) << r.body;
        EXPECT_EQ(json::get_string(doc, "field").value_or(""), field) << r.body;
        EXPECT_NE(std::string(json::get_string(doc, "error").value_or("")).find(words), std::string::npos) << r.body;
    };
    check(R"({"body":"ข้อความ"})", "title", "title is required");
    check(R"({"title":"หัวข้อ"})", "body", "body is required");
    check(R"({"title":"หัวข้อ","body":"x","topic":"lottery"})", "topic", "topic must be one of");
    check(R"({"title":"หัวข้อ","body":"x","image_url":"http://insecure.example/a.jpg"})", "image_url", "https");
    check(R"({"title":"หัวข้อ","body":"x","send_at":"2020-01-01T00:00:00+07:00"})", "send_at", "past");
    check(R"({"title":"หัวข้อ","body":"x","send_at":"พรุ่งนี้"})", "send_at", "ISO 8601");
    check("not json", "", "not valid JSON");
    auto list = admin("GET", "/admin/announcements");
    EXPECT_EQ(list.body, R"({"announcements":[]})");
}

TEST_F(Announcements, TopicWith1200SubscribersGoesOutAsThreeChunks) {
    seed_subscribers("tax", 1200);
    // Subscribed, then unfollowed without the bot hearing of the unsubscribe: filtered at planning.
    const std::string gone = user_id(5000);
    store().subscribe(gone, "tax");
    pool_->command({"SADD", "thesaban:news:unfollowed", gone});

    std::string id = post_announcement(
        R"({"title":"เตือนชำระภาษีที่ดิน","body":"ชำระได้ถึง 30 เม.ย.","link_url":"https://phannanakhon.go.th/tax","topic":"tax"})");
    ASSERT_FALSE(id.empty());
    ASSERT_TRUE(wait_status(id, "sent")) << json::to_string(announcement(id));

    auto multicasts = calls(kMulticast, 3);
    ASSERT_EQ(multicasts.size(), 3u);
    std::vector<std::size_t> sizes;
    std::set<std::string> keys, recipients;
    for (const auto& call : multicasts) {
        EXPECT_EQ(json::get_int(call, "status").value_or(0), 200);
        const auto& to = call["body"]["to"];
        sizes.push_back(to.Size());
        for (const auto& u : to.GetArray()) EXPECT_TRUE(recipients.insert(u.GetString()).second) << "sent twice";
        keys.insert(header_of(call, "x-line-retry-key"));
        EXPECT_NE(message_text(call).find("เตือนชำระภาษีที่ดิน"), std::string::npos);
    }
    EXPECT_EQ(sizes, (std::vector<std::size_t>{500, 500, 200}));
    EXPECT_EQ(keys.size(), 3u) << "each chunk carries its own retry key";
    EXPECT_EQ(recipients.size(), 1200u);
    EXPECT_EQ(recipients.count(gone), 0u) << "an unfollowed user was multicast";
    EXPECT_TRUE(line->requests_to(kBroadcast).empty());

    // The history shows each chunk's delivery with LINE's request id.
    auto history = admin("GET", "/admin/announcements");
    json::Document doc;
    ASSERT_TRUE(json::parse(history.body, doc)) << history.body;
    ASSERT_EQ(doc["announcements"].Size(), 1u);
    const auto& chunks = doc["announcements"][0]["chunks"];
    ASSERT_EQ(chunks.Size(), 3u);
    std::set<std::string> request_ids;
    for (const auto& call : multicasts)
        request_ids.insert(std::string(json::get_string(call, "requestId").value_or("")));
    for (const auto& c : chunks.GetArray()) {
        EXPECT_EQ(json::get_string(c, "state").value_or(""), "sent");
        EXPECT_TRUE(request_ids.count(std::string(json::get_string(c, "request_id").value_or(""))));
    }
}

TEST_F(Announcements, RestartMidSendNeitherRepeatsNorMisses) {
    seed_subscribers("general", 1200);
    // LINE accepts the first chunk but answers late; the bot is killed before it hears back.
    line->add_fault(R"({"path":"/v2/bot/message/multicast","count":1,"delayMs":4000})");
    std::string id = post_announcement(R"({"title":"ประชุมประชาคม","body":"วันเสาร์นี้ 9.00 น.","topic":"general"})");
    ASSERT_TRUE(line->wait_for_requests(kMulticast, 1, 10s));
    bot->stop(9);
    ASSERT_EQ(line->requests_to(kMulticast).size(), 1u);

    bot->start();
    ASSERT_TRUE(wait_status(id, "sent", 15s)) << json::to_string(announcement(id));
    auto multicasts = calls(kMulticast, 4);
    std::map<std::string, int> delivered;  // user → accepted deliveries
    std::map<std::string, int> keys;
    for (const auto& call : multicasts) {
        int status = static_cast<int>(json::get_int(call, "status").value_or(0));
        keys[header_of(call, "x-line-retry-key")]++;
        if (status == 409) continue;  // LINE already had it: not delivered again
        EXPECT_EQ(status, 200);
        for (const auto& u : call["body"]["to"].GetArray()) delivered[u.GetString()]++;
    }
    EXPECT_EQ(multicasts.size(), 4u) << "the first chunk again (409), then the two not sent";
    EXPECT_EQ(keys.size(), 3u) << "the resent chunk reuses its retry key";
    EXPECT_EQ(delivered.size(), 1200u) << "someone missed the announcement";
    for (const auto& [user, times] : delivered) EXPECT_EQ(times, 1) << user;

    // The resent chunk is recorded with the id of the request LINE accepted before the restart.
    std::string first_request = std::string(json::get_string(multicasts[0], "requestId").value_or(""));
    auto doc = announcement(id);
    ASSERT_EQ(doc["chunks"].Size(), 3u);
    std::set<std::string> recorded;
    for (const auto& c : doc["chunks"].GetArray()) {
        EXPECT_EQ(json::get_string(c, "state").value_or(""), "sent");
        recorded.insert(std::string(json::get_string(c, "request_id").value_or("")));
    }
    EXPECT_TRUE(recorded.count(first_request)) << json::to_string(doc);
}

TEST_F(Announcements, ScheduledAnnouncementGoesOutAtSendAtEvenAcrossARestart) {
    int64_t send_at = now_ms() + 4000;
    std::string id = post_announcement(R"({"title":"ตัดไฟฟ้าชั่วคราว","body":"ซ่อมหม้อแปลง","send_at":")" +
                                       announcements::format_iso8601(send_at) + R"("})");
    EXPECT_EQ(json::get_string(announcement(id), "status").value_or(""), "scheduled");
    bot->stop();
    std::this_thread::sleep_for(1s);
    EXPECT_TRUE(line->requests_to(kBroadcast).empty()) << "sent before send_at";
    bot->start();
    ASSERT_TRUE(line->wait_for_requests(kBroadcast, 1, 15s));
    EXPECT_GE(now_ms(), send_at - 1000);
    ASSERT_TRUE(wait_status(id, "sent"));
    EXPECT_EQ(line->requests_to(kBroadcast).size(), 1u);
}

TEST_F(Announcements, OfficerAnnouncesFromLineAndResidentsReadIt) {
    Resident officer(*bot, *line, {kMalee, kAdminGroup});
    auto preview = officer.say("ประกาศ งดจ่ายน้ำประปา\nวันที่ 5 ธ.ค. หมู่ 3 ตั้งแต่ 9.00 น.");
    ASSERT_FALSE(preview.empty());
    std::string shown;
    for (const auto& m : preview) shown += m.visible_text;
    EXPECT_NE(shown.find("งดจ่ายน้ำประปา"), std::string::npos) << shown;
    std::this_thread::sleep_for(300ms);
    EXPECT_TRUE(line->requests_to(kBroadcast).empty()) << "sent before ส่ง";

    Resident stranger(*bot, *line, {"U77777777777777777777777777777777", kAdminGroup});
    auto refused = stranger.say("ประกาศ ข่าวปลอม");
    ASSERT_FALSE(refused.empty());
    EXPECT_NE(refused.back().visible_text.find("เฉพาะเจ้าหน้าที่"), std::string::npos);

    officer.tap("ส่ง");
    ASSERT_TRUE(line->wait_for_requests(kBroadcast, 1, 10s));
    auto broadcasts = calls(kBroadcast);
    ASSERT_EQ(broadcasts.size(), 1u);
    EXPECT_NE(message_text(broadcasts[0]).find("งดจ่ายน้ำประปา"), std::string::npos);
    EXPECT_FALSE(header_of(broadcasts[0], "x-line-retry-key").empty());

    // Tapped again: nothing more goes out.
    officer.tap("ส่ง");
    std::this_thread::sleep_for(500ms);
    EXPECT_EQ(line->requests_to(kBroadcast).size(), 1u);

    auto history = admin("GET", "/admin/announcements");
    EXPECT_NE(history.body.find(kMalee), std::string::npos) << history.body;
    EXPECT_NE(history.body.find("\"state\":\"sent\""), std::string::npos) << history.body;

    Resident resident(*bot, *line, {"U0123456789abcdef0123456789abcdef", ""});
    auto news = resident.say("ข่าวสาร");
    ASSERT_FALSE(news.empty());
    EXPECT_NE(news.front().json.find("carousel"), std::string::npos) << news.front().json;
    EXPECT_NE(news.front().json.find("งดจ่ายน้ำประปา"), std::string::npos);
}

TEST_F(Announcements, ResidentsSubscribeAndTheUnfollowedAreNeverMulticast) {
    Resident stays(*bot, *line, {"U0123456789abcdef0123456789abcdef", ""});
    Resident leaves(*bot, *line, {"U1111111111abcdef0123456789abcdef", ""});
    for (auto* r : {&stays, &leaves}) {
        std::size_t seen = r->messages().size();
        send(follow_event(r->source(), reply_token_for(r->source())));
        ASSERT_FALSE(r->wait_for_messages_after(seen).empty()) << "the welcome still comes on follow";
        r->say("รับข่าว");
        auto done = r->tap("ภาษี");
        ASSERT_FALSE(done.empty());
        EXPECT_NE(done.back().visible_text.find("ภาษี"), std::string::npos);
    }
    send(raw_event("unfollow", leaves.source(), ""));
    ASSERT_TRUE(wait_until([&] { return store().subscriptions(leaves.source().user_id).empty(); }, 5s));

    std::string id = post_announcement(R"({"title":"ภาษีป้าย","body":"ยื่นแบบภายในมีนาคม","topic":"tax"})");
    ASSERT_TRUE(wait_status(id, "sent"));
    auto multicasts = calls(kMulticast);
    ASSERT_EQ(multicasts.size(), 1u);
    const auto& to = multicasts[0]["body"]["to"];
    ASSERT_EQ(to.Size(), 1u);
    EXPECT_EQ(std::string(to[0].GetString()), stays.source().user_id);
}

TEST_F(Announcements, RefusedChunkIsRecordedAsFailedAndAnOutageIsRetriedWithTheSameKey) {
    line->add_fault(R"({"path":"/v2/bot/message/broadcast","status":400,"count":1})");
    std::string refused = post_announcement(R"({"title":"ทดสอบ","body":"ถูกปฏิเสธ"})");
    ASSERT_TRUE(wait_status(refused, "failed")) << json::to_string(announcement(refused));
    auto doc = announcement(refused);
    EXPECT_EQ(json::get_string(doc["chunks"][0], "state").value_or(""), "failed");
    EXPECT_EQ(json::get_int(doc["chunks"][0], "status").value_or(0), 400);

    // LINE down for every attempt of the client's own retries: the sender tries again later.
    line->clear_requests();
    line->add_fault(R"({"path":"/v2/bot/message/broadcast","status":500,"count":5})");
    std::string delayed = post_announcement(R"({"title":"ทดสอบ","body":"ส่งซ้ำภายหลัง"})");
    ASSERT_TRUE(wait_status(delayed, "sent", 20s)) << json::to_string(announcement(delayed));
    auto broadcasts = calls(kBroadcast, 6);
    std::set<std::string> keys;
    int accepted = 0;
    for (const auto& call : broadcasts) {
        keys.insert(header_of(call, "x-line-retry-key"));
        if (json::get_int(call, "status").value_or(0) == 200) ++accepted;
    }
    EXPECT_EQ(keys.size(), 1u) << "every attempt of one chunk carries the same retry key";
    EXPECT_EQ(accepted, 1);
    EXPECT_EQ(json::get_int(announcement(delayed)["chunks"][0], "attempts").value_or(0), 2);

    // Residents' news shows what reached them, not what LINE refused.
    Resident resident(*bot, *line, {"U0123456789abcdef0123456789abcdef", ""});
    auto news = resident.say("ข่าวสาร");
    ASSERT_FALSE(news.empty());
    EXPECT_NE(news.front().json.find("ส่งซ้ำภายหลัง"), std::string::npos) << news.front().json;
    EXPECT_EQ(news.front().json.find("ถูกปฏิเสธ"), std::string::npos) << news.front().json;
}

TEST_F(Announcements, OfficerAnnouncesToOneTopicFromLine) {
    store().subscribe(user_id(1), "disaster");
    store().subscribe(user_id(2), "disaster");
    store().subscribe(user_id(3), "tax");
    Resident officer(*bot, *line, {kMalee, kAdminGroup});
    auto preview = officer.say("ประกาศ #ภัยพิบัติ เตือนภัยน้ำหลาก\nหมู่ 5 และหมู่ 7 โปรดขนของขึ้นที่สูง");
    ASSERT_FALSE(preview.empty());
    officer.tap("ส่ง");
    ASSERT_TRUE(line->wait_for_requests(kMulticast, 1, 10s));
    auto multicasts = calls(kMulticast);
    ASSERT_EQ(multicasts.size(), 1u);
    std::set<std::string> to;
    for (const auto& u : multicasts[0]["body"]["to"].GetArray()) to.insert(u.GetString());
    EXPECT_EQ(to, (std::set<std::string>{user_id(1), user_id(2)}));
    EXPECT_NE(message_text(multicasts[0]).find("เตือนภัยน้ำหลาก"), std::string::npos);
    std::this_thread::sleep_for(300ms);
    EXPECT_TRUE(line->requests_to(kBroadcast).empty());
}

class AnnouncementsOneBroadcastAnHour : public Announcements {
protected:
    void patch_config(json::Document& config) override { config["announcements"]["broadcasts_per_hour"].SetInt(1); }
};

TEST_F(AnnouncementsOneBroadcastAnHour, ASecondBroadcastWaitsForTheWindow) {
    std::string first = post_announcement(R"({"title":"หนึ่ง","body":"ข่าวแรก"})");
    ASSERT_TRUE(wait_status(first, "sent"));
    std::string second = post_announcement(R"({"title":"สอง","body":"ข่าวที่สอง"})");
    std::this_thread::sleep_for(1500ms);
    EXPECT_EQ(line->requests_to(kBroadcast).size(), 1u) << "LINE's hourly broadcast limit was not kept";
    auto doc = announcement(second);
    EXPECT_EQ(json::get_string(doc, "status").value_or(""), "sending");
    EXPECT_EQ(json::get_string(doc["chunks"][0], "state").value_or(""), "pending");
    // It is due again when the hour since the first broadcast is over.
    store();  // opens the test's own connection
    auto due = pool_->command({"ZSCORE", "thesaban:ann:due", second});
    ASSERT_FALSE(due.is_nil());
    EXPECT_GT(std::stoll(due.str), now_ms() + 58 * 60 * 1000);
}

class AnnouncementsWithoutToken : public BotTest {};

TEST_F(AnnouncementsWithoutToken, AdminApiIsOff) {
    EXPECT_EQ(http_request(bot->port(), "POST", "/admin/announcements", R"({"title":"a","body":"b"})",
                           {{"Authorization", "Bearer "}})
                  .status,
              404);
    EXPECT_EQ(bot->get("/admin/announcements").status, 404);
}

}  // namespace
}  // namespace thesaban::testing
