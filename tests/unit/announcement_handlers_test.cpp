#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "config/config.h"
#include "handlers/announcements/announce_handler.h"
#include "handlers/announcements/announcement_cards.h"
#include "handlers/announcements/follow_tracker.h"
#include "handlers/announcements/news_flow.h"
#include "handlers/common/flow.h"
#include "templates/template_library.h"
#include "unit/fakes/example_config.h"
#include "unit/fakes/in_memory_ports.h"
#include "unit/fakes/line_messages.h"
#include "unit/fakes/parsed_events.h"

namespace thesaban {
namespace {

using handlers::CollectingResponder;
using testing::example_config;
using testing::example_templates;
using testing::line_message_problems;
using testing::parsed;
using testing::text_of;
using testing::parsed_events::follow_event;
using testing::parsed_events::postback_event;
using testing::parsed_events::text_event;

// From config/thesaban.example.jsonc.
const std::string kAdminGroup = "C3a2b3c4d5e6f708192a3b4c5d6e7f803";
const std::string kOtherGroup = "C1a2b3c4d5e6f708192a3b4c5d6e7f801";
const std::string kMalee = "U4a2b3c4d5e6f708192a3b4c5d6e7f804";    // allowlisted for announcements
const std::string kSomchai = "U1a2b3c4d5e6f708192a3b4c5d6e7f801";  // an officer, but not for announcements
const std::string kResident = "Uaaaabbbbccccddddeeeeffff00001111";
constexpr int64_t kNow = 1764052200000;

std::vector<std::string> postback_data(const std::string& message_json) {
    std::vector<std::string> out;
    std::vector<const json::Value*> stack;
    auto doc = parsed(message_json);
    stack.push_back(&doc);
    while (!stack.empty()) {
        const json::Value* v = stack.back();
        stack.pop_back();
        if (v->IsObject()) {
            if (auto data = json::get_string(*v, "data")) out.emplace_back(*data);
            for (auto it = v->MemberBegin(); it != v->MemberEnd(); ++it) stack.push_back(&it->value);
        } else if (v->IsArray()) {
            for (const auto& e : v->GetArray()) stack.push_back(&e);
        }
    }
    std::reverse(out.begin(), out.end());
    return out;
}

namespace news_fakes {

class InMemoryNewsAudience final : public handlers::NewsAudience {
public:
    void follow(const std::string& user) override { followers.insert(user); }
    void unfollow(const std::string& user) override {
        followers.erase(user);
        for (auto& [topic, users] : topics) users.erase(user);
    }
    void subscribe(const std::string& user, const std::string& topic) override { topics[topic].insert(user); }
    void unsubscribe(const std::string& user, const std::string& topic) override { topics[topic].erase(user); }
    std::vector<std::string> subscriptions(const std::string& user) override {
        std::vector<std::string> out;
        for (const auto& t : example_config().announcements.topics)
            if (topics[t.key].count(user)) out.push_back(t.key);
        return out;
    }
    std::set<std::string> followers;
    std::map<std::string, std::set<std::string>> topics;
};

class InMemoryNewsArchive final : public handlers::NewsArchive {
public:
    std::vector<announcements::Announcement> latest_published(std::size_t limit) override {
        asked = limit;
        return {items.begin(), items.begin() + static_cast<std::ptrdiff_t>(std::min(limit, items.size()))};
    }
    std::vector<announcements::Announcement> items;
    std::size_t asked = 0;
};

class RecordingPublisher final : public handlers::AnnouncementPublisher {
public:
    std::string publish(const announcements::Draft& draft, const std::string& created_by,
                        const std::string& idempotency_key) override {
        auto it = by_key.find(idempotency_key);
        if (it != by_key.end()) return it->second;
        published.push_back({draft, created_by});
        return by_key[idempotency_key] = std::to_string(published.size());
    }
    std::vector<std::pair<announcements::Draft, std::string>> published;
    std::map<std::string, std::string> by_key;
};

}  // namespace news_fakes

TEST(FollowTracker, TracksFollowAndLeavesTheWelcomeToOthers) {
    news_fakes::InMemoryNewsAudience audience;
    handlers::FollowTracker tracker(audience);
    CollectingResponder out;
    EXPECT_FALSE(tracker.handle(follow_event(kResident, line::EventKind::follow), out));
    EXPECT_TRUE(audience.followers.count(kResident));
    audience.subscribe(kResident, "tax");
    EXPECT_TRUE(tracker.handle(follow_event(kResident, line::EventKind::unfollow), out));
    EXPECT_FALSE(audience.followers.count(kResident));
    EXPECT_FALSE(audience.topics["tax"].count(kResident)) << "an unfollowed user stays subscribed";
    EXPECT_TRUE(out.messages.empty());
}

class NewsFlowTest : public ::testing::Test {
protected:
    CollectingResponder run(const line::Event& event) {
        CollectingResponder out;
        json::Document state;
        state.SetObject();
        handlers::FlowContext context{event, event.source.user_id, state, out};
        flow.start(context);
        EXPECT_TRUE(context.finished);
        for (const auto& m : out.messages) EXPECT_TRUE(line_message_problems(m).empty()) << m;
        return out;
    }
    news_fakes::InMemoryNewsAudience audience;
    news_fakes::InMemoryNewsArchive archive;
    handlers::NewsFlow flow{example_config(), example_templates(), audience, archive};
};

TEST_F(NewsFlowTest, SubscribeOffersTheTopicsNotYetTakenAndUnsubscribeTheOthers) {
    auto offer = run(text_event(kResident, "", "รับข่าว"));
    ASSERT_EQ(offer.messages.size(), 1u);
    EXPECT_EQ(postback_data(offer.messages[0]).size(), example_config().announcements.topics.size());

    auto done = run(postback_event(kResident, "", "news=sub&topic=tax"));
    EXPECT_TRUE(audience.topics["tax"].count(kResident));
    EXPECT_NE(done.messages[0].find("ภาษี"), std::string::npos);

    offer = run(text_event(kResident, "", "รับข่าว"));
    auto data = postback_data(offer.messages[0]);
    EXPECT_EQ(data.size(), example_config().announcements.topics.size() - 1);
    EXPECT_EQ(std::count(data.begin(), data.end(), "news=sub&topic=tax"), 0);

    auto leave = run(text_event(kResident, "", "เลิกรับข่าว"));
    EXPECT_EQ(postback_data(leave.messages[0]), std::vector<std::string>{"news=unsub&topic=tax"});
    run(postback_event(kResident, "", "news=unsub&topic=tax"));
    EXPECT_FALSE(audience.topics["tax"].count(kResident));
}

TEST_F(NewsFlowTest, UnknownTopicIsRefusedPolitely) {
    auto out = run(postback_event(kResident, "", "news=sub&topic=lottery"));
    EXPECT_NE(out.messages[0].find(example_config().text("news_unknown_topic")), std::string::npos);
    EXPECT_TRUE(audience.topics["lottery"].empty());
}

TEST_F(NewsFlowTest, LatestShowsACarouselOfTheConfiguredCount) {
    auto none = run(text_event(kResident, "", "ข่าวสาร"));
    EXPECT_EQ(text_of(none.messages[0]), example_config().text("news_none"));

    for (int i = 0; i < 7; ++i) {
        announcements::Announcement a;
        a.id = std::to_string(i);
        a.draft.title = "ข่าว " + std::to_string(i);
        a.draft.body = std::string(3000, 'x');  // longer than a carousel shows
        a.created_at_ms = kNow;
        a.status = announcements::Status::sent;
        archive.items.push_back(a);
    }
    auto out = run(text_event(kResident, "", "ข่าวสาร"));
    EXPECT_EQ(archive.asked, example_config().announcements.latest_count);
    auto carousel = parsed(out.messages[0]);
    ASSERT_EQ(std::string(json::get_string(carousel["contents"], "type").value_or("")), "carousel");
    EXPECT_EQ(carousel["contents"]["contents"].Size(), example_config().announcements.latest_count);
    EXPECT_LT(out.messages[0].size(), 50u * 1024);
}

class AnnounceHandlerTest : public ::testing::Test {
protected:
    CollectingResponder handle(const line::Event& event, bool expect_taken = true) {
        CollectingResponder out;
        EXPECT_EQ(handler.handle(event, out), expect_taken);
        for (const auto& m : out.messages) EXPECT_TRUE(line_message_problems(m).empty()) << m;
        return out;
    }
    testing::InMemoryConversationStore drafts;
    news_fakes::RecordingPublisher publisher;
    testing::FixedClock clock{kNow};
    handlers::AnnounceHandler handler{example_config(), example_templates(), drafts, publisher, clock};
};

TEST_F(AnnounceHandlerTest, OfficerPreviewsThenSendsOnce) {
    auto preview = handle(text_event(kMalee, kAdminGroup, "ประกาศ งดจ่ายน้ำ\nพรุ่งนี้งดจ่ายน้ำประปาหมู่ 3"));
    ASSERT_EQ(preview.messages.size(), 2u);
    EXPECT_NE(preview.messages[0].find("งดจ่ายน้ำ"), std::string::npos);
    EXPECT_EQ(parsed(preview.messages[0])["contents"].HasMember("hero"), false) << "no image: no hero";
    auto buttons = postback_data(preview.messages[1]);
    ASSERT_EQ(buttons.size(), 2u);
    EXPECT_TRUE(publisher.published.empty()) << "nothing goes out before ส่ง";

    auto sent = handle(postback_event(kMalee, kAdminGroup, buttons[0]));
    ASSERT_EQ(publisher.published.size(), 1u);
    EXPECT_EQ(publisher.published[0].first.title, "งดจ่ายน้ำ");
    EXPECT_EQ(publisher.published[0].first.body, "พรุ่งนี้งดจ่ายน้ำประปาหมู่ 3");
    EXPECT_TRUE(publisher.published[0].first.topic.empty()) << "from LINE: a broadcast";
    EXPECT_EQ(publisher.published[0].second, kMalee);

    auto again = handle(postback_event(kMalee, kAdminGroup, buttons[0]));
    EXPECT_EQ(publisher.published.size(), 1u);
    EXPECT_NE(again.messages[0].find(example_config().text("announce_expired")), std::string::npos);
}

TEST_F(AnnounceHandlerTest, CancelSendsNothing) {
    auto preview = handle(text_event(kMalee, kAdminGroup, "ประกาศ ตลาดนัดเลื่อนไปวันเสาร์"));
    auto buttons = postback_data(preview.messages[1]);
    ASSERT_EQ(buttons.size(), 2u);
    handle(postback_event(kMalee, kAdminGroup, buttons[1]));
    handle(postback_event(kMalee, kAdminGroup, buttons[0]));
    EXPECT_TRUE(publisher.published.empty());
}

TEST_F(AnnounceHandlerTest, OnlyAllowlistedOfficersInTheAdminGroup) {
    auto refused = handle(text_event(kSomchai, kAdminGroup, "ประกาศ ทดสอบ"));
    EXPECT_NE(refused.messages[0].find(example_config().text("announce_not_authorized")), std::string::npos);
    EXPECT_TRUE(drafts.states.empty());

    auto preview = handle(text_event(kMalee, kAdminGroup, "ประกาศ ทดสอบ"));
    auto buttons = postback_data(preview.messages[1]);
    handle(postback_event(kSomchai, kAdminGroup, buttons[0]));
    EXPECT_TRUE(publisher.published.empty()) << "someone else tapped ส่ง";

    handle(text_event(kMalee, kOtherGroup, "ประกาศ ทดสอบ"), false);
    handle(text_event(kMalee, "", "ประกาศ ทดสอบ"), false);
    handle(text_event(kMalee, kAdminGroup, "ประกาศนียบัตรมาแล้ว"), false);
}

TEST_F(AnnounceHandlerTest, ParsesTitleAndBody) {
    auto one_line = handler.parse_command("ประกาศ  ตลาดนัดเลื่อน");
    ASSERT_TRUE(one_line);
    EXPECT_EQ(one_line->title, example_config().text("announce_default_title"));
    EXPECT_EQ(one_line->body, "ตลาดนัดเลื่อน");
    auto empty = handle(text_event(kMalee, kAdminGroup, "ประกาศ"));
    EXPECT_EQ(text_of(empty.messages[0]), example_config().text("announce_usage"));
}

TEST_F(AnnounceHandlerTest, HashTopicSendsToThatTopicOnly) {
    auto preview = handle(text_event(kMalee, kAdminGroup, "ประกาศ #ภาษี เตือนชำระภาษี\nชำระได้ถึง 30 เม.ย."));
    ASSERT_EQ(preview.messages.size(), 2u);
    EXPECT_NE(preview.messages[1].find("ภาษี"), std::string::npos);
    handle(postback_event(kMalee, kAdminGroup, postback_data(preview.messages[1])[0]));
    ASSERT_EQ(publisher.published.size(), 1u);
    EXPECT_EQ(publisher.published[0].first.topic, "tax");
    EXPECT_EQ(publisher.published[0].first.title, "เตือนชำระภาษี");

    auto by_key = handler.parse_command("ประกาศ #utilities ตัดไฟ");
    ASSERT_TRUE(by_key);
    EXPECT_EQ(by_key->topic, "utilities");
    EXPECT_EQ(by_key->body, "ตัดไฟ");

    auto unknown = handle(text_event(kMalee, kAdminGroup, "ประกาศ #หวย งวดนี้"));
    ASSERT_EQ(unknown.messages.size(), 1u);
    EXPECT_NE(text_of(unknown.messages[0]).find("#น้ำประปาและไฟฟ้า"), std::string::npos) << unknown.messages[0];
    EXPECT_EQ(publisher.published.size(), 1u);
}

TEST_F(AnnounceHandlerTest, TooLongIsExplainedInThai) {
    std::string body;
    for (std::size_t i = 0; i <= announcements::kMaxBodyUnits; ++i) body += "ก";
    auto out = handle(text_event(kMalee, kAdminGroup, "ประกาศ หัวข้อ\n" + body));
    ASSERT_EQ(out.messages.size(), 1u);
    EXPECT_EQ(text_of(out.messages[0]),
              templates::fill_placeholders(example_config().text("announce_body_too_long"),
                                           {{"max", std::to_string(announcements::kMaxBodyUnits)}}));
    EXPECT_TRUE(drafts.states.empty());
}

TEST(AnnouncementCards, OptionalBlocksComeOnlyWithTheirContent) {
    handlers::AnnouncementCards cards(example_config(), example_templates());
    announcements::Draft d;
    d.title = "หัวข้อ";
    d.body = "เนื้อหา";
    auto plain = cards.message(d, kNow);
    EXPECT_FALSE(plain["contents"].HasMember("hero"));
    EXPECT_FALSE(plain["contents"].HasMember("footer"));
    EXPECT_NE(json::to_string(plain).find("2568"), std::string::npos) << "the date in พ.ศ.";
    d.image_url = "https://x.example/a.jpg";
    d.link_url = "https://x.example/news/1";
    auto full = cards.message(d, kNow);
    std::string text = json::to_string(full);
    EXPECT_TRUE(full["contents"].HasMember("hero"));
    EXPECT_NE(text.find("https://x.example/news/1"), std::string::npos);
    EXPECT_TRUE(line_message_problems(text).empty());
}

}  // namespace
}  // namespace thesaban
