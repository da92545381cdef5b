#include "handlers/common/resident_router.h"

#include <gtest/gtest.h>

#include "fakes/flow_harness.h"

namespace thesaban::testing {
namespace {

// Stands in for another team's tracking flow: takes "track=..." buttons.
class RecordingTrackFlow final : public handlers::Flow {
public:
    std::string name() const override { return "track"; }
    std::vector<std::string> intents() const override { return {"status"}; }
    bool accepts_postback(std::string_view data) const override { return data.rfind("track=", 0) == 0; }
    void start(handlers::FlowContext& context) override {
        ++starts;
        if (const auto* p = std::get_if<line::Postback>(&context.event.payload)) last_data = p->data;
        context.out.send(R"({"type":"text","text":"ติดตามเรื่องค่ะ"})");
        context.finished = true;
    }
    void resume(handlers::FlowContext& context) override { context.finished = true; }

    int starts = 0;
    std::string last_data;
};

class ResidentRouterTest : public ::testing::Test {
protected:
    FlowHarness h;
};

TEST_F(ResidentRouterTest, LeavesGroupsRoomsAndOtherEventsToOtherHandlers) {
    line::Event group = h.text("ร้องเรียน");
    group.source.type = line::Source::Type::group;
    group.source.group_id = "C1a2b3c4d5e6f708192a3b4c5d6e7f801";
    EXPECT_FALSE(h.send(group));
    line::Event room = h.text("ร้องเรียน");
    room.source.type = line::Source::Type::room;
    EXPECT_FALSE(h.send(room));
    line::Event follow = h.base(line::EventKind::follow);
    follow.payload = line::Follow{};
    EXPECT_FALSE(h.send(follow));
    EXPECT_TRUE(h.conversations.states.empty());
}

TEST_F(ResidentRouterTest, TextWithoutFlowIntentIsNotTaken) {
    EXPECT_FALSE(h.send_text("สวัสดีค่ะ"));
    EXPECT_FALSE(h.send_text("ภาษีป้ายจ่ายที่ไหน"));
    EXPECT_FALSE(h.send(h.sticker()));
    EXPECT_FALSE(h.has_state());
}

TEST_F(ResidentRouterTest, StaleEngineButtonWithNothingInProgressSaysSo) {
    // Review 2026-12-07 #36: an old ยืนยัน after ยกเลิก said "ระบบยังไม่เข้าใจ".
    EXPECT_TRUE(h.send(h.postback("flow=confirm")));
    EXPECT_TRUE(h.said(h.config.text("flow_stale_button_none")));
    EXPECT_FALSE(h.has_state());
}

TEST_F(ResidentRouterTest, IntentStartsTheFlowAndStateIsSavedByUser) {
    ASSERT_TRUE(h.send_text("ไฟดับหน้าบ้าน"));
    EXPECT_EQ(h.flow(), "streetlight");
    json::Document state;
    ASSERT_TRUE(json::parse(h.conversations.states.at(kResident), state));
    EXPECT_TRUE(state["data"].IsObject());
    EXPECT_TRUE(state["trail"].IsArray());
}

TEST_F(ResidentRouterTest, StateInProgressWinsOverIntents) {
    ASSERT_TRUE(h.send_text("ร้องเรียน"));
    ASSERT_TRUE(h.send_text("อื่น ๆ"));
    // A description that mentions a streetlight is still this complaint's description.
    ASSERT_TRUE(h.send_text("ไฟดับบ่อยและมีกลิ่นเหม็นจากท่อ"));
    EXPECT_EQ(h.flow(), "complaint");
    EXPECT_EQ(h.step(), "photos");
}

TEST_F(ResidentRouterTest, CancelAnswersEvenWithNothingInProgress) {
    EXPECT_TRUE(h.send_text("ยกเลิก"));
    EXPECT_TRUE(h.said(h.config.text("flow_cancelled")));
    EXPECT_TRUE(contains(h.quick_labels(), h.config.main_menu.front().label));
}

TEST_F(ResidentRouterTest, UnknownOrBrokenStateIsClearedAndFallsThrough) {
    h.conversations.states[kResident] = R"({"flow":"lottery","step":"x"})";
    EXPECT_FALSE(h.send_text("สวัสดี"));
    EXPECT_FALSE(h.has_state());

    h.conversations.states[kResident] = R"({"flow":"lottery","step":"x"})";
    EXPECT_TRUE(h.send_text("ร้องเรียน"));
    EXPECT_EQ(h.flow(), "complaint");

    h.conversations.states[kResident] = "{not json";
    EXPECT_TRUE(h.send_text("ไฟถนนดับ"));
    EXPECT_EQ(h.flow(), "streetlight");

    h.conversations.states[kResident] = R"({"flow":"complaint","step":"no-such-step","data":[],"trail":7})";
    EXPECT_TRUE(h.send_text("อะไรก็ได้"));
    EXPECT_EQ(h.flow(), "complaint");
    EXPECT_EQ(h.step(), "category") << "an unknown step starts the flow over";
}

TEST_F(ResidentRouterTest, AnEventRunAgainAfterACrashGetsTheSameAnswerAndTheFlowDoesNotAdvance) {
    ASSERT_TRUE(h.send_text("ร้องเรียน"));
    auto category = h.text("อื่น ๆ");
    ASSERT_TRUE(h.send(category));
    ASSERT_EQ(h.step(), "description");
    auto first = h.replies;
    // The process died after the answer was stored but before LINE had it: the event runs again.
    ASSERT_TRUE(h.send(category));
    EXPECT_EQ(h.replies, first);
    EXPECT_EQ(h.step(), "description") << "the category was not read again as the description";
    // A new event is read at the step as usual.
    ASSERT_TRUE(h.send_text("ท่อระบายน้ำอุดตันหน้าบ้านเลขที่ 12 ค่ะ"));
    EXPECT_EQ(h.step(), "photos");
}

TEST_F(ResidentRouterTest, AConfirmationRunAgainAfterTheFlowFinishedRepeatsTheTicketNotTheMenu) {
    ASSERT_TRUE(h.send_text("ร้องเรียน"));
    ASSERT_TRUE(h.send_text("ถนน/ทางเท้า"));
    ASSERT_TRUE(h.send_text("ถนนหน้าโรงเรียนเป็นหลุมลึก รถจักรยานยนต์ล้มบ่อย"));
    ASSERT_TRUE(h.send(h.image("p1")));
    ASSERT_TRUE(h.send_text("เสร็จแล้ว"));
    ASSERT_TRUE(h.send(h.location(17.35, 103.80, "หน้าโรงเรียนบ้านพรรณา", "ต.พรรณา อ.พรรณานิคม")));
    ASSERT_TRUE(h.send_text("081-234-5678"));
    ASSERT_EQ(h.step(), "confirm");
    auto confirm = h.postback("flow=confirm");
    ASSERT_TRUE(h.send(confirm));
    ASSERT_EQ(h.tickets.size(), 1u);
    auto told = h.replies;
    ASSERT_NE(h.all_replies().find("PNK-2568-000001"), std::string::npos);
    // Run again (the process died before LINE had the answer): the same answer, with the number.
    ASSERT_TRUE(h.send(confirm));
    EXPECT_EQ(h.replies, told);
    EXPECT_EQ(h.tickets.size(), 1u);
    // The finished conversation's record is not a flow in progress.
    EXPECT_EQ(h.flow(), "");
    EXPECT_FALSE(h.send_text("สวัสดี"));
}

TEST_F(ResidentRouterTest, PostbackOfAnotherFlowStartsItAndTakesOver) {
    RecordingTrackFlow track;
    h.extra_flows = {&h.complaint, &h.streetlight, &track};

    EXPECT_TRUE(h.send(h.postback("track=PNK-2568-000009")));
    EXPECT_EQ(track.starts, 1);

    // Mid-report, the resident chooses to follow the report already filed for this pole.
    tickets::TicketDraft draft;
    draft.kind = "streetlight";
    draft.location = tickets::GeoPoint{17.35, 103.8, "", ""};
    auto existing = h.tickets.seed(draft, kNowMs, "seed");
    ASSERT_TRUE(h.send_text("ไฟถนนดับ"));
    ASSERT_TRUE(h.send(h.location(17.35, 103.8)));
    ASSERT_EQ(h.step(), "duplicate");
    EXPECT_TRUE(h.send(h.postback("track=" + existing.id + "&follow=1")));
    EXPECT_EQ(track.starts, 2);
    EXPECT_EQ(track.last_data, "track=" + existing.id + "&follow=1");
    EXPECT_FALSE(h.has_state()) << "the streetlight report in progress was replaced";
}

TEST_F(ResidentRouterTest, EachResidentHasTheirOwnConversation) {
    ASSERT_TRUE(h.send_text("ร้องเรียน"));
    line::Event other = h.text("ไฟถนนดับ");
    other.source.user_id = "U99999999999999999999999999999999";
    ASSERT_TRUE(h.send(other));
    EXPECT_EQ(h.flow(), "complaint");
    EXPECT_EQ(h.conversations.states.size(), 2u);
}

TEST_F(ResidentRouterTest, EveryQuestionOfTheCatalogueFitsLineLimits) {
    // Walk both flows through every step, including re-asks; the harness validates each message.
    for (const char* start : {"ร้องเรียน", "ไฟดับ"}) {
        ASSERT_TRUE(h.send_text(start));
        for (int i = 0; i < 8 && h.has_state(); ++i) {
            ASSERT_TRUE(h.send(h.sticker()));
            for (const auto& r : h.replies) expect_valid_line_message(r);
            ASSERT_TRUE(h.send_text(std::string(5000, 'z')));
            std::string step = h.step();
            if (step == "category") h.send_text("สัตว์จรจัด");
            else if (step == "description" || step == "place") h.send_text("หน้าตลาดสดเทศบาล");
            else if (step == "fault") h.send_text("เสาหรือสายชำรุด");
            else if (step == "photos" || step == "photo" || step == "location" || step == "phone") h.send_text("ข้าม");
            else if (step == "confirm") h.send(h.postback("flow=confirm"));
        }
        EXPECT_FALSE(h.has_state()) << start;
    }
    EXPECT_EQ(h.tickets.size(), 2u);
}

}  // namespace
}  // namespace thesaban::testing
