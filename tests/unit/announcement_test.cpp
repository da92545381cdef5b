#include "announcements/announcement.h"

#include <gtest/gtest.h>

#include <set>

#include "core/json.h"

namespace thesaban::announcements {
namespace {

constexpr int64_t kNow = 1764052200000;  // 2025-11-25T06:30:00Z
const std::vector<std::string> kTopics{"general", "tax"};

Draft valid_draft() {
    Draft d;
    d.title = "งดจ่ายน้ำประปา";
    d.body = "วันที่ 5 ธ.ค. งดจ่ายน้ำประปาหมู่ 3 ตั้งแต่ 9.00 น.";
    return d;
}

TEST(AnnouncementValidation, AcceptsAValidDraft) { EXPECT_FALSE(validate(valid_draft(), kTopics, kNow)); }

TEST(AnnouncementValidation, NamesTheFieldThatIsWrong) {
    auto check = [](Draft d, const std::string& field) {
        auto problem = validate(d, kTopics, kNow);
        ASSERT_TRUE(problem) << field;
        EXPECT_EQ(problem->field, field);
        EXPECT_FALSE(problem->message.empty());
    };
    Draft d = valid_draft();
    d.title = "  ";
    check(d, "title");
    d = valid_draft();
    d.title = std::string(kMaxTitleUnits + 1, 'a');
    check(d, "title");
    d = valid_draft();
    d.body = "";
    check(d, "body");
    d = valid_draft();
    d.body = std::string(kMaxBodyUnits + 1, 'a');
    check(d, "body");
    d = valid_draft();
    d.image_url = "http://example.com/a.jpg";
    check(d, "image_url");
    d = valid_draft();
    d.link_url = "javascript:alert(1)";
    check(d, "link_url");
    d = valid_draft();
    d.topic = "sports";
    check(d, "topic");
    d = valid_draft();
    d.send_at_ms = kNow - 2 * 60 * 1000;
    check(d, "send_at");
}

TEST(AnnouncementValidation, RefusesTextThatIsNotUtf8) {
    Draft d;
    // A lone surrogate escape decodes to bytes no UTF-8 reader accepts (found by the fuzzer).
    auto problem = parse_draft(R"({"title":"ประกาศ","body":"a\udDDDb"})", kTopics, kNow, d);
    ASSERT_TRUE(problem);
    EXPECT_EQ(problem->field, "body");
    d = valid_draft();
    d.title = "\xc0\xaf";  // overlong "/"
    EXPECT_EQ(validate(d, kTopics, kNow)->field, "title");
    d = valid_draft();
    d.body = "🍎 ok";
    EXPECT_FALSE(validate(d, kTopics, kNow));
}

TEST(AnnouncementValidation, ThaiTextCountsInCharactersNotBytes) {
    Draft d = valid_draft();
    std::string body;
    for (std::size_t i = 0; i < kMaxBodyUnits; ++i) body += "ก";  // 3 bytes each
    d.body = body;
    EXPECT_FALSE(validate(d, kTopics, kNow));
}

TEST(AnnouncementValidation, SendAtWithinAMinuteOfNowIsAccepted) {
    Draft d = valid_draft();
    d.send_at_ms = kNow - 30 * 1000;
    EXPECT_FALSE(validate(d, kTopics, kNow));
}

TEST(AnnouncementParse, ReadsTheAdminBody) {
    Draft d;
    auto problem = parse_draft(
        R"({"title":"ประกาศ","body":"เนื้อหา","image_url":"https://x.example/a.jpg","link_url":"https://x.example",)"
        R"("topic":"tax","send_at":"2025-11-25T14:00:00+07:00"})",
        kTopics, kNow, d);
    ASSERT_FALSE(problem) << problem->message;
    EXPECT_EQ(d.title, "ประกาศ");
    EXPECT_EQ(d.topic, "tax");
    EXPECT_EQ(d.send_at_ms, kNow + 30 * 60 * 1000);
}

TEST(AnnouncementParse, RefusesWhatIsNotAnAnnouncement) {
    Draft d;
    EXPECT_EQ(parse_draft("not json", kTopics, kNow, d)->field, "");
    EXPECT_EQ(parse_draft("[]", kTopics, kNow, d)->field, "");
    EXPECT_EQ(parse_draft(R"({"title":"a","body":"b","colour":"red"})", kTopics, kNow, d)->field, "colour");
    EXPECT_EQ(parse_draft(R"({"title":1,"body":"b"})", kTopics, kNow, d)->field, "title");
    EXPECT_EQ(parse_draft(R"({"title":"a","body":"b","send_at":"2025-11-25 14:00"})", kTopics, kNow, d)->field,
              "send_at");
    EXPECT_EQ(parse_draft(R"({"title":"a","body":"b","send_at":"2025-11-25T14:00:00"})", kTopics, kNow, d)->field,
              "send_at");
}

TEST(Iso8601, ParsesOffsetsAndRefusesNonsense) {
    EXPECT_EQ(parse_iso8601("2025-11-25T06:30:00Z"), kNow);
    EXPECT_EQ(parse_iso8601("2025-11-25T13:30:00+07:00"), kNow);
    EXPECT_EQ(parse_iso8601("2025-11-25T13:30+07:00"), kNow);
    EXPECT_EQ(parse_iso8601("2025-11-25T06:30:00.250Z"), kNow + 250);
    EXPECT_EQ(parse_iso8601("2025-11-24T22:30:00-08:00"), kNow);
    EXPECT_FALSE(parse_iso8601("2025-02-30T00:00:00Z"));
    EXPECT_FALSE(parse_iso8601("2025-11-25T25:00:00Z"));
    EXPECT_FALSE(parse_iso8601("2025-11-25T06:30:00Zjunk"));
    EXPECT_FALSE(parse_iso8601("tomorrow"));
    EXPECT_EQ(format_iso8601(kNow), "2025-11-25T06:30:00Z");
}

TEST(ChunkPlanning, TwelveHundredRecipientsMakeThreeChunksWithDistinctKeys) {
    std::vector<std::string> users;
    for (int i = 0; i < 1200; ++i) users.push_back("U" + std::to_string(100000 + i));
    users.push_back(users.front());  // a duplicate must not be sent twice
    auto chunks = plan_multicast(users);
    ASSERT_EQ(chunks.size(), 3u);
    EXPECT_EQ(chunks[0].to.size(), 500u);
    EXPECT_EQ(chunks[1].to.size(), 500u);
    EXPECT_EQ(chunks[2].to.size(), 200u);
    std::set<std::string> keys, everyone;
    for (const auto& c : chunks) {
        keys.insert(c.retry_key);
        EXPECT_EQ(c.retry_key.size(), 36u);
        everyone.insert(c.to.begin(), c.to.end());
    }
    EXPECT_EQ(keys.size(), 3u);
    EXPECT_EQ(everyone.size(), 1200u);
}

TEST(ChunkPlanning, NoRecipientsNoChunks) { EXPECT_TRUE(plan_multicast({}).empty()); }

TEST(AnnouncementJson, RoundTrips) {
    Announcement a;
    a.id = "7";
    a.draft = valid_draft();
    a.draft.topic = "tax";
    a.draft.link_url = "https://x.example";
    a.created_by = "api";
    a.created_at_ms = kNow;
    a.status = Status::sending;
    Announcement back;
    ASSERT_TRUE(announcement_from_json(announcement_to_json(a), back));
    EXPECT_EQ(back.id, "7");
    EXPECT_EQ(back.draft.title, a.draft.title);
    EXPECT_EQ(back.draft.link_url, a.draft.link_url);
    EXPECT_EQ(back.draft.topic, "tax");
    EXPECT_EQ(back.status, Status::sending);

    Chunk c{{"U1", "U2"}, "123e4567-e89b-12d3-a456-426614174000"};
    Chunk c_back;
    ASSERT_TRUE(chunk_from_json(chunk_to_json(c), c_back));
    EXPECT_EQ(c_back.to, c.to);
    EXPECT_EQ(c_back.retry_key, c.retry_key);
}

}  // namespace
}  // namespace thesaban::announcements
