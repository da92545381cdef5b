#include "handlers/tracking/tracking_flow.h"

#include <gtest/gtest.h>

#include "config/config.h"
#include "templates/template_library.h"
#include "unit/fakes/example_config.h"
#include "unit/fakes/in_memory_ports.h"
#include "unit/fakes/line_messages.h"
#include "unit/fakes/parsed_events.h"

namespace thesaban {
namespace {

using testing::example_config;
using testing::example_templates;
using testing::text_of;
using testing::parsed_events::postback_event;
using testing::parsed_events::text_event;
using tickets::Status;

const std::string kResident = "Uaaaabbbbccccddddeeeeffff00001111";
const std::string kNeighbour = "Uffffeeeeddddccccbbbbaaaa00002222";
constexpr int64_t kNow = 1764052200000;

class TrackingFlowTest : public ::testing::Test {
protected:
    void TearDown() override {
        for (const auto& m : sent_) testing::expect_valid_line_message(m);
    }

    tickets::Ticket new_ticket(const std::string& reporter, Status status = Status::received) {
        tickets::TicketDraft draft;
        draft.kind = "streetlight";
        draft.category = "streetlight";
        draft.fault = "all_out";
        draft.department = "engineering";
        draft.place_text = "เสาหน้าโรงเรียน";
        draft.reporter_user_id = reporter;
        draft.reporter_name = "สมศรี ใจดี";
        auto ticket = store.create(draft, "e" + std::to_string(++created_), clock.now);
        clock.now += 3600000;
        if (status != Status::received) {
            auto& t = store.put(ticket);
            t.status = status;
            ticket = t;
        }
        return ticket;
    }

    // Runs the flow as the resident router would: start with a fresh state, resume with the saved one.
    std::vector<std::string> run(const line::Event& event, bool resume) {
        if (!resume) {
            state.SetObject();
        }
        handlers::CollectingResponder out;
        handlers::FlowContext context{event, event.source.user_id, state, out};
        if (resume)
            flow.resume(context);
        else
            flow.start(context);
        finished = context.finished;
        sent_.insert(sent_.end(), out.messages.begin(), out.messages.end());
        return out.messages;
    }

    testing::InMemoryTicketStore store;
    testing::InMemoryMediaStore media;
    testing::FixedClock clock{kNow};
    handlers::TrackingFlow flow{example_config(), example_templates(), store, media, clock};
    json::Document state;
    bool finished = false;

private:
    std::vector<std::string> sent_;
    int created_ = 0;
};

TEST_F(TrackingFlowTest, DescribesItself) {
    EXPECT_EQ(flow.name(), "tracking");
    EXPECT_EQ(flow.intents(), std::vector<std::string>{"status"});
    EXPECT_TRUE(flow.accepts_postback("rate=PNK-2569-000001&stars=5"));
    EXPECT_TRUE(flow.accepts_postback("track=PNK-2569-000001&follow=1"));
    EXPECT_FALSE(flow.accepts_postback("ticket=PNK-2569-000001&do=accept"));
}

TEST_F(TrackingFlowTest, ShowsOwnTicketsNewestFirst) {
    auto older = new_ticket(kResident);
    new_ticket(kNeighbour);
    auto newer = new_ticket(kResident, Status::in_progress);
    auto replies = run(text_event(kResident, "", "ติดตามเรื่อง"), false);
    EXPECT_TRUE(finished);
    ASSERT_EQ(replies.size(), 1u);
    json::Document doc;
    json::parse(replies[0], doc);
    const auto& bubbles = doc["contents"]["contents"];
    ASSERT_EQ(bubbles.Size(), 2u);
    auto first = json::to_string(bubbles[0]);
    EXPECT_NE(first.find(newer.id), std::string::npos);
    EXPECT_NE(first.find("กำลังดำเนินการ"), std::string::npos);
    EXPECT_NE(first.find("ไฟฟ้าสาธารณะ: ดับทั้งต้น"), std::string::npos);
    EXPECT_NE(first.find("2568"), std::string::npos);
    EXPECT_NE(json::to_string(bubbles[1]).find(older.id), std::string::npos);
    EXPECT_NE(json::to_string(bubbles[1]).find("รอรับเรื่อง"), std::string::npos);
}

TEST_F(TrackingFlowTest, NoTicketsIsPoliteWithMainMenu) {
    auto replies = run(text_event(kResident, "", "เรื่องของฉัน"), false);
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_NE(text_of(replies[0]).find("ยังไม่มีเรื่องที่แจ้งไว้"), std::string::npos);
    EXPECT_NE(replies[0].find("quickReply"), std::string::npos);
    EXPECT_TRUE(finished);
}

TEST_F(TrackingFlowTest, FollowOpenTicketConfirmsWithStatus) {
    auto ticket = new_ticket(kResident, Status::accepted);
    auto replies = run(postback_event(kNeighbour, "", "track=" + ticket.id + "&follow=1"), false);
    EXPECT_NE(text_of(replies.at(0)).find("รับเรื่องแล้ว"), std::string::npos);
    EXPECT_EQ(store.get(ticket.id)->followers, std::vector<std::string>{kNeighbour});
    // Now they may look at it.
    replies = run(postback_event(kNeighbour, "", "track=" + ticket.id), false);
    EXPECT_NE(replies.at(0).find(ticket.id), std::string::npos);
}

TEST_F(TrackingFlowTest, FollowFinishedOrMissingTicketIsRefused) {
    auto closed = new_ticket(kResident, Status::closed);
    auto replies = run(postback_event(kNeighbour, "", "track=" + closed.id + "&follow=1"), false);
    EXPECT_NE(text_of(replies.at(0)).find("ขออภัย"), std::string::npos);
    replies = run(postback_event(kNeighbour, "", "track=PNK-2568-424242&follow=1"), false);
    EXPECT_NE(text_of(replies.at(0)).find("ขออภัย"), std::string::npos);
    replies = run(postback_event(kNeighbour, "", "track=" + closed.id), false);  // not theirs
    EXPECT_NE(text_of(replies.at(0)).find("ขออภัย"), std::string::npos);
    EXPECT_TRUE(store.get(closed.id)->followers.empty());
}

TEST_F(TrackingFlowTest, RateDoneTicketWithComment) {
    auto ticket = new_ticket(kResident, Status::done);
    auto ask = run(postback_event(kResident, "", "rate=" + ticket.id + "&stars=4"), false);
    EXPECT_FALSE(finished);
    EXPECT_NE(text_of(ask.at(0)).find("4 ดาว"), std::string::npos);
    EXPECT_NE(ask[0].find("ข้าม"), std::string::npos);
    EXPECT_EQ(store.rate_calls, 0);
    auto thanks = run(text_event(kResident, "", "  ซ่อมไวมากครับ ขอบคุณ "), true);
    EXPECT_TRUE(finished);
    EXPECT_NE(text_of(thanks.at(0)).find("ขอบคุณ"), std::string::npos);
    EXPECT_EQ(store.rate_calls, 1);
    auto now = *store.get(ticket.id);
    EXPECT_EQ(now.rating, 4);
    EXPECT_EQ(now.rating_comment, "ซ่อมไวมากครับ ขอบคุณ");
}

TEST_F(TrackingFlowTest, RateSkippingComment) {
    auto ticket = new_ticket(kResident, Status::done);
    run(postback_event(kResident, "", "rate=" + ticket.id + "&stars=5"), false);
    run(text_event(kResident, "", "ข้าม"), true);
    auto now = *store.get(ticket.id);
    EXPECT_EQ(now.rating, 5);
    EXPECT_TRUE(now.rating_comment.empty());
    EXPECT_EQ(store.rate_calls, 1);
}

TEST_F(TrackingFlowTest, RatingRulesRefuse) {
    auto others = new_ticket(kNeighbour, Status::done);
    auto unfinished = new_ticket(kResident, Status::in_progress);
    auto mine = new_ticket(kResident, Status::done);
    for (const auto& data : {"rate=" + others.id + "&stars=5", "rate=" + unfinished.id + "&stars=5",
                             "rate=" + mine.id + "&stars=0", "rate=" + mine.id + "&stars=6",
                             "rate=" + mine.id + "&stars=x", std::string("rate=PNK-2568-999999&stars=3")}) {
        auto replies = run(postback_event(kResident, "", data), false);
        EXPECT_NE(text_of(replies.at(0)).find("ขออภัย"), std::string::npos) << data;
        EXPECT_TRUE(finished) << data;
    }
    EXPECT_EQ(store.rate_calls, 0);
    EXPECT_EQ(store.get(others.id)->rating, 0);

    // Rated once; a second rating is refused up front.
    run(postback_event(kResident, "", "rate=" + mine.id + "&stars=3"), false);
    run(text_event(kResident, "", "ข้าม"), true);
    auto replies = run(postback_event(kResident, "", "rate=" + mine.id + "&stars=1"), false);
    EXPECT_NE(text_of(replies.at(0)).find("ขออภัย"), std::string::npos);
    EXPECT_EQ(store.get(mine.id)->rating, 3);
}

TEST_F(TrackingFlowTest, RatePostbackWhileAskingForCommentStartsOver) {
    auto first = new_ticket(kResident, Status::done);
    auto second = new_ticket(kResident, Status::done);
    run(postback_event(kResident, "", "rate=" + first.id + "&stars=2"), false);
    run(postback_event(kResident, "", "rate=" + second.id + "&stars=5"), true);
    run(text_event(kResident, "", "ดีมาก"), true);
    EXPECT_EQ(store.get(second.id)->rating, 5);
    EXPECT_EQ(store.get(first.id)->rating, 0);
}

}  // namespace
}  // namespace thesaban
