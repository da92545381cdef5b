// Flows that never trap (issue 9, deliverable 2), with the inputs of the review of 2026-12-07
// (reviews/2026-12-07-conversations.md, defect numbers in the test names' comments): menu words,
// ticket numbers and other intents at any step, early photos and places, drafts kept aside when a
// rating is tapped or a question asked, stale buttons and timeouts said, each action once.
#include <gtest/gtest.h>

#include <set>

#include "handlers/assist/assist_flow.h"
#include "handlers/tax/tax_flow.h"
#include "handlers/tracking/tracking_flow.h"
#include "unit/fakes/flow_harness.h"
#include "unit/fakes/tax_fakes.h"

namespace thesaban {
namespace {

using testing::contains;
using testing::FlowHarness;
using testing::kResident;
using testing::text_of;

class NeverTrapTest : public ::testing::Test {
protected:
    NeverTrapTest()
        : guard(h.config.tax_chat.lookup_max_failures),
          tracking(h.config, h.templates, h.tickets, h.media, h.clock),
          tax(h.config, h.templates, store, guard, qr, h.clock),
          assist(h.config) {
        h.extra_flows = {&h.complaint, &h.streetlight, &tracking, &tax, &assist};
    }

    // A complaint answered up to `step` (category, description, photos, location, phone, confirm).
    void complaint_until(const std::string& step) {
        ASSERT_TRUE(h.send_text("ร้องเรียน"));
        if (step == "category") return;
        ASSERT_TRUE(h.send_text(h.config.complaint_categories.front().label));
        if (step == "description") return;
        ASSERT_TRUE(h.send_text("ถนนเป็นหลุมลึกมาก รถจักรยานยนต์ล้มบ่อย"));
        if (step == "photos") return;
        ASSERT_TRUE(h.send_text("ข้าม"));
        if (step == "location") return;
        ASSERT_TRUE(h.send(h.location(17.35, 103.83, "หน้าตลาด")));
        if (step == "phone") return;
        ASSERT_TRUE(h.send_text("ข้าม"));
        ASSERT_EQ(h.step(), "confirm");
    }

    tickets::Ticket done_ticket() {
        tickets::TicketDraft draft;
        draft.kind = "streetlight";
        draft.category = "streetlight";
        draft.fault = "all_out";
        draft.department = "engineering";
        draft.place_text = "เสาหน้าโรงเรียน";
        draft.reporter_user_id = kResident;
        auto ticket = h.tickets.create(draft, "done-" + std::to_string(++created), h.clock.now);
        auto& t = h.tickets.put(ticket);
        t.status = tickets::Status::done;
        return t;
    }

    // The offer to go on with a draft kept aside is the last message, with ทำต่อ.
    bool offers_resume() const { return contains(h.quick_data(), "flow=resume"); }
    std::string last_text() const { return h.replies.empty() ? "" : text_of(h.replies.back()); }

    FlowHarness h;
    testing::tax_fakes::MemoryTaxStore store;
    testing::tax_fakes::CountingGuard guard;
    testing::tax_fakes::RecordingQr qr;
    handlers::TrackingFlow tracking;
    handlers::TaxFlow tax;
    handlers::AssistFlow assist;
    int created = 0;
};

// #13: menu words at the photo step; the draft is kept and resumed where it was.
TEST_F(NeverTrapTest, MenuWordAtThePhotoStepIsAnsweredAndTheDraftResumes) {
    complaint_until("photos");
    ASSERT_TRUE(h.send_text("ติดตามเรื่อง"));
    EXPECT_FALSE(h.said(h.config.text("flow_photo_expected_first")));
    EXPECT_TRUE(h.said(h.config.text("tracking_none"))) << h.all_replies();
    EXPECT_TRUE(offers_resume()) << h.all_replies();
    EXPECT_FALSE(h.has_state()) << "the draft is aside, not in progress";

    ASSERT_TRUE(h.send(h.postback("flow=resume")));
    EXPECT_EQ(h.flow(), "complaint");
    EXPECT_EQ(h.step(), "photos");
    ASSERT_TRUE(h.send_text("ข้าม"));
    EXPECT_EQ(h.step(), "location") << "the category and description were kept";
}

// #4/#5: a typed ticket number at any step shows that ticket.
TEST_F(NeverTrapTest, TicketNumberMidFlowShowsThatTicket) {
    auto ticket = done_ticket();
    complaint_until("description");
    std::string typed = ticket.id;
    for (auto& c : typed) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    ASSERT_TRUE(h.send_text(typed));
    EXPECT_NE(h.all_replies().find(ticket.id), std::string::npos) << h.all_replies();
    EXPECT_TRUE(offers_resume());
}

// #12: a tax question while the bot waits for a phone number.
TEST_F(NeverTrapTest, TaxQuestionAtThePhoneStepIsAnsweredNotCalledAWrongNumber) {
    complaint_until("phone");
    ASSERT_TRUE(h.send_text("ภาษีป้ายยื่นเมื่อไหร่"));
    EXPECT_FALSE(h.said(h.config.text("flow_phone_invalid"))) << h.all_replies();
    EXPECT_NE(h.all_replies().find(h.config.text("tax_signboard_label")), std::string::npos) << h.all_replies();
    EXPECT_TRUE(offers_resume());
    ASSERT_TRUE(h.send(h.postback("flow=resume")));
    EXPECT_EQ(h.step(), "phone");
    // "ทิ้งร่าง" instead would have dropped it, saying so.
}

// Rule: a second unusable answer at the same step offers the menu and a contact.
TEST_F(NeverTrapTest, SecondMissAtTheSameStepOffersMenuAndContactNotTheSameApology) {
    complaint_until("phone");
    ASSERT_TRUE(h.send_text("ไม่รู้สิ"));
    EXPECT_TRUE(h.said(h.config.text("flow_phone_invalid")));
    ASSERT_TRUE(h.send_text("อะไรนะ"));
    EXPECT_FALSE(h.said(h.config.text("flow_phone_invalid"))) << "a second identical apology";
    EXPECT_NE(last_text().find(h.config.municipality_phone), std::string::npos) << last_text();
    EXPECT_TRUE(contains(h.quick_labels(), h.config.text("handover_command")));
    EXPECT_TRUE(contains(h.quick_labels(), h.config.main_menu.front().label));
    EXPECT_EQ(h.step(), "phone") << "the draft stays";
    ASSERT_TRUE(h.send_text("ไม่รู้"));
    EXPECT_FALSE(h.said(h.config.text("flow_phone_invalid"))) << "never a third";
    ASSERT_TRUE(h.send(h.postback("flow=resume")));
    EXPECT_TRUE(h.said(h.config.text("flow_ask_phone")));
}

// #16 (inside a flow): an early photo is kept for the photo step.
TEST_F(NeverTrapTest, PhotoSentBeforeItsStepIsKept) {
    complaint_until("category");
    ASSERT_TRUE(h.send(h.image("early1")));
    EXPECT_TRUE(h.said(h.config.text("flow_photo_kept_for_later"))) << h.all_replies();
    EXPECT_EQ(h.step(), "category");
    ASSERT_TRUE(h.send_text(h.config.complaint_categories.front().label));
    ASSERT_TRUE(h.send_text("ถนนเป็นหลุมลึกมาก รถล้มบ่อย"));
    EXPECT_EQ(h.step(), "photos");
    EXPECT_NE(h.all_replies().find("1"), std::string::npos);
    EXPECT_TRUE(contains(h.quick_labels(), h.config.text("flow_done_label"))) << "the photo is attached";
}

// #16 (outside any flow): the photo offers a report and goes with it.
TEST_F(NeverTrapTest, PhotoWithNoFlowOffersAReportAndIsAttachedToIt) {
    ASSERT_TRUE(h.send(h.image("first-move")));
    EXPECT_TRUE(h.said(h.config.text("flow_orphan_photo"))) << h.all_replies();
    EXPECT_TRUE(contains(h.quick_labels(), "ร้องเรียน"));
    ASSERT_TRUE(h.send_text("ร้องเรียน"));
    EXPECT_TRUE(h.said(h.config.text("flow_early_kept"))) << h.all_replies();
    ASSERT_TRUE(h.send_text(h.config.complaint_categories.front().label));
    ASSERT_TRUE(h.send_text("ถนนเป็นหลุมลึกมาก รถล้มบ่อย"));
    EXPECT_TRUE(contains(h.quick_labels(), h.config.text("flow_done_label")));
}

// #14: a rating tapped mid-complaint; the draft is kept and offered back.
TEST_F(NeverTrapTest, RatingTapMidComplaintKeepsTheDraft) {
    auto ticket = done_ticket();
    complaint_until("description");
    ASSERT_TRUE(h.send(h.postback("rate=" + ticket.id + "&stars=3")));
    EXPECT_EQ(h.flow(), "tracking");
    ASSERT_TRUE(h.send_text("ข้าม"));
    EXPECT_TRUE(h.said(h.config.text("tracking_rate_thanks"))) << h.all_replies();
    EXPECT_TRUE(offers_resume());
    EXPECT_EQ(h.tickets.get(ticket.id)->rating, 3);
    ASSERT_TRUE(h.send(h.postback("flow=resume")));
    EXPECT_EQ(h.flow(), "complaint");
    EXPECT_EQ(h.step(), "description");
}

// #36: an old ยืนยัน after ยกเลิก.
TEST_F(NeverTrapTest, StaleButtonSaysItIsNoLongerValid) {
    complaint_until("confirm");
    ASSERT_TRUE(h.send_text("ยกเลิก"));
    ASSERT_TRUE(h.send(h.postback("flow=confirm")));
    EXPECT_TRUE(h.said(h.config.text("flow_stale_button_none"))) << h.all_replies();
    EXPECT_TRUE(h.tickets.by_reporter(kResident, 10).empty());
}

// #15: a draft left past conversation_idle, then a location.
TEST_F(NeverTrapTest, ExpiredDraftSaysSoAndCanBeResumedWithWhatWasSent) {
    complaint_until("location");
    h.clock.now += std::chrono::duration_cast<std::chrono::milliseconds>(h.config.conversation_idle).count() + 60000;
    ASSERT_TRUE(h.send(h.location(17.36, 103.84, "หน้าวัด")));
    EXPECT_NE(last_text().find("หมดเวลา"), std::string::npos) << h.all_replies();
    EXPECT_TRUE(offers_resume());
    EXPECT_TRUE(contains(h.quick_data(), "flow=restart"));
    ASSERT_TRUE(h.send(h.postback("flow=resume")));
    EXPECT_EQ(h.flow(), "complaint");
    EXPECT_EQ(h.step(), "location");
    EXPECT_TRUE(contains(h.quick_labels(), h.config.text("flow_keep_label"))) << "the location sent is kept";
}

// #37: each action once per message.
TEST_F(NeverTrapTest, EachActionIsOfferedOncePerMessage) {
    complaint_until("confirm");
    auto check_once = [&] {
        for (const auto& reply : h.replies) {
            std::set<std::string> seen;
            std::string all = reply;
            for (const auto& label : testing::quick_reply_actions(reply, "label"))
                EXPECT_TRUE(seen.insert(label).second) << "twice: " << label;
            // The card's own buttons are not repeated in the quick reply.
            for (const auto& label : testing::quick_reply_actions(reply, "label")) {
                auto first = all.find("\"label\":\"" + label + "\"");
                EXPECT_EQ(all.find("\"label\":\"" + label + "\"", first + 1), std::string::npos) << "twice: " << label;
            }
        }
    };
    check_once();
    ASSERT_TRUE(h.send(h.postback("flow=confirm")));
    ASSERT_EQ(h.tickets.by_reporter(kResident, 10).size(), 1u);
    check_once();
}

// #23/#44 and LINE on PC: the complaint's place step takes a typed landmark, not "ตรงนี้".
TEST_F(NeverTrapTest, ComplaintPlaceStepTakesATypedLandmark) {
    complaint_until("location");
    ASSERT_TRUE(h.send_text("ตรงนี้"));
    EXPECT_TRUE(h.said(h.config.text("flow_place_vague")));
    EXPECT_EQ(h.step(), "location");
    ASSERT_TRUE(h.send_text("หน้าโรงเรียนบ้านพรรณา หมู่ 2"));
    EXPECT_EQ(h.step(), "phone");
    ASSERT_TRUE(h.send_text("ข้าม"));
    EXPECT_NE(h.all_replies().find("หน้าโรงเรียนบ้านพรรณา หมู่ 2"), std::string::npos) << "on the summary";
    ASSERT_TRUE(h.send(h.postback("flow=confirm")));
    ASSERT_EQ(h.tickets.by_reporter(kResident, 10).size(), 1u);
    EXPECT_EQ(h.tickets.by_reporter(kResident, 10).front().place_text, "หน้าโรงเรียนบ้านพรรณา หมู่ 2");
}

// #45: phones as residents type them.
TEST_F(NeverTrapTest, PhoneWithCountryCodeOrPoliteParticle) {
    EXPECT_EQ(handlers::parse_phone("+66 81 234 5678").value_or(""), "0812345678");
    EXPECT_EQ(handlers::parse_phone("081 234 5678 ค่ะ").value_or(""), "0812345678");
    EXPECT_EQ(handlers::parse_phone("๐๘๑-๒๓๔-๕๖๗๘ ครับ").value_or(""), "0812345678");
    EXPECT_FALSE(handlers::parse_phone("ภาษีป้ายยื่นเมื่อไหร่"));
    EXPECT_FALSE(handlers::parse_phone("+1 415 555 0100"));
}

// #42: the fault in the resident's words.
TEST_F(NeverTrapTest, StreetlightFaultTypedFreely) {
    ASSERT_TRUE(h.send_text("แจ้งไฟฟ้าสาธารณะเสีย"));
    ASSERT_TRUE(h.send_text("เสาหน้าวัดโพธิ์ชัย"));
    ASSERT_EQ(h.step(), "fault");
    ASSERT_TRUE(h.send_text("มันกะพริบติดๆดับๆทั้งคืน"));
    EXPECT_NE(h.step(), "fault") << h.all_replies();
}

// #10: a sentence at the notice step is answered as a question and costs no try.
TEST_F(NeverTrapTest, SentenceAtTheNoticeStepIsAnsweredAndCostsNoTry) {
    ASSERT_TRUE(h.send(h.postback("tax=lookup")));
    ASSERT_EQ(h.step(), "notice");
    ASSERT_TRUE(h.send_text("ไม่มีใบค่ะ แค่อยากรู้ว่าต้องจ่ายภาษีเดือนไหน"));
    EXPECT_FALSE(h.said(h.config.text("tax_ask_last4"))) << h.all_replies();
    EXPECT_EQ(guard.failures[kResident], 0);
    EXPECT_FALSE(h.has_state() && h.step() == "last4");
}

// #2 and #22: greetings, thanks, the menu and the municipality's phone.
TEST_F(NeverTrapTest, GreetingThanksMenuAndContactAreAnsweredWithTheMenu) {
    for (const char* typed : {"สวัสดีครับ", "ขอบคุณค่ะ", "เมนู", "ขอเบอร์โทรเทศบาล"}) {
        ASSERT_TRUE(h.send_text(typed)) << typed;
        ASSERT_EQ(h.replies.size(), 1u) << typed;
        EXPECT_EQ(last_text().find("ขออภัย"), std::string::npos) << typed << ": " << last_text();
        EXPECT_TRUE(contains(h.quick_labels(), h.config.main_menu.front().label)) << typed;
    }
    EXPECT_NE(last_text().find(h.config.municipality_phone), std::string::npos);
}

// #25: a rating typed after the rating push, Thai digits too.
TEST_F(NeverTrapTest, TypedRatingRatesTheLatestDoneTicket) {
    auto ticket = done_ticket();
    ASSERT_TRUE(h.send_text("๕"));
    EXPECT_EQ(h.flow(), "tracking");
    ASSERT_TRUE(h.send_text("ข้าม"));
    EXPECT_EQ(h.tickets.get(ticket.id)->rating, 5);
}

// #26: a menu word at the rating's comment step is not stored as the comment.
TEST_F(NeverTrapTest, MenuWordAtTheCommentStepStartsTheMenuAction) {
    auto ticket = done_ticket();
    ASSERT_TRUE(h.send(h.postback("rate=" + ticket.id + "&stars=4")));
    ASSERT_TRUE(h.send_text("ร้องเรียน"));
    EXPECT_EQ(h.flow(), "complaint");
    EXPECT_EQ(h.tickets.get(ticket.id)->rating, 0) << "not rated with the menu word as its comment";
}

}  // namespace
}  // namespace thesaban
