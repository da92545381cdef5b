#include "handlers/tax/tax_flow.h"

#include <gtest/gtest.h>

#include "unit/fakes/flow_harness.h"
#include "unit/fakes/tax_fakes.h"

namespace thesaban {
namespace {

using testing::contains;
using testing::FlowHarness;
using testing::kResident;
using testing::text_of;

// The harness clock: 25 พ.ย. 2568 (2025-11-25) in Thailand.
tax::TaxRecord notice(const std::string& number, int64_t amount_satang, tax::Date due) {
    tax::TaxRecord r;
    r.notice_number = number;
    r.tax_year = 2568;
    r.type = tax::TaxType::land_building;
    r.taxpayer_name = "นายสมชาย ใจดี";
    r.national_id_hash = std::string(64, 'a');
    r.national_id_last4 = "4567";
    r.reference = "โฉนด 12345";
    r.amount_satang = amount_satang;
    r.due_date = due;
    return r;
}

std::string type_of(const std::string& message_json) {
    json::Document doc;
    json::parse(message_json, doc);
    return std::string(json::get_string(doc, "type").value_or(""));
}

class TaxFlowTest : public ::testing::Test {
protected:
    TaxFlowTest()
        : guard(h.config.tax_chat.lookup_max_failures), flow(h.config, h.templates, store, guard, qr, h.clock) {
        h.extra_flows = {&h.complaint, &h.streetlight, &flow};
        store.upsert(notice("2568/00123", 125000, {2026, 4, 30}));
        store.upsert(notice("2568/00045", 1000000, {2025, 4, 30}));
        auto paid = notice("2568/00077", 80000, {2025, 4, 30});
        paid.paid_date = tax::Date{2025, 4, 20};
        paid.paid_amount_satang = 80000;
        store.upsert(paid);
    }

    // Opens the lookup and answers both questions.
    void look_up(const std::string& number, const std::string& last4) {
        ASSERT_TRUE(h.send(h.postback("tax=lookup")));
        ASSERT_EQ(h.step(), "notice");
        ASSERT_TRUE(h.send_text(number));
        ASSERT_EQ(h.step(), "last4");
        ASSERT_TRUE(h.send_text(last4));
    }

    FlowHarness h;
    testing::tax_fakes::MemoryTaxStore store;
    testing::tax_fakes::CountingGuard guard;
    testing::tax_fakes::RecordingQr qr;
    handlers::TaxFlow flow;
};

TEST_F(TaxFlowTest, TaxWordOffersTheTopicsAndTheLookup) {
    ASSERT_TRUE(h.send_text("ภาษี"));
    ASSERT_EQ(h.replies.size(), 1u);
    EXPECT_EQ(type_of(h.replies[0]), "text");
    auto data = h.quick_data();
    EXPECT_TRUE(contains(data, "tax=land_building"));
    EXPECT_TRUE(contains(data, "tax=signboard"));
    EXPECT_TRUE(contains(data, "tax=garbage_fee"));
    EXPECT_TRUE(contains(data, "tax=lookup"));
    EXPECT_FALSE(h.has_state()) << "a menu leaves no conversation open";
}

TEST_F(TaxFlowTest, SignboardWordsGoStraightToTheSignboardAnswerWithTheLawsRates) {
    ASSERT_TRUE(h.send_text("ภาษีป้ายเสียยังไงคะ"));
    ASSERT_EQ(h.replies.size(), 1u);
    EXPECT_EQ(type_of(h.replies[0]), "flex");
    const std::string all = h.all_replies();
    EXPECT_NE(all.find("ภาษีป้าย"), std::string::npos);
    EXPECT_NE(all.find("ภ.ป.1"), std::string::npos);
    EXPECT_NE(all.find("อื่น ๆ 5 บาท"), std::string::npos) << "Thai-only, not moving: 5 baht per 500 cm²";
    EXPECT_NE(all.find("เคลื่อนที่ได้ 52 บาท / อื่น ๆ 26 บาท"), std::string::npos);
    EXPECT_NE(all.find("ไม่ต่ำกว่า 200 บาท"), std::string::npos);
    EXPECT_NE(all.find("ร้อยละ 2 ต่อเดือน"), std::string::npos);
    // The lookup is offered once: by the card's button, not again in the quick reply (#37).
    EXPECT_NE(all.find("\"data\":\"tax=lookup\""), std::string::npos);
    EXPECT_FALSE(contains(h.quick_data(), "tax=lookup"));
}

TEST_F(TaxFlowTest, LandAndBuildingAnswerStatesDeadlineInstalmentsAndLateCharges) {
    ASSERT_TRUE(h.send(h.postback("tax=land_building")));
    const std::string all = h.all_replies();
    EXPECT_NE(all.find("1 มกราคม"), std::string::npos);
    EXPECT_NE(all.find("3,000 บาทขึ้นไป"), std::string::npos);
    EXPECT_NE(all.find("3 งวด"), std::string::npos);
    EXPECT_NE(all.find("ร้อยละ 10"), std::string::npos);
    EXPECT_NE(all.find("ร้อยละ 20"), std::string::npos);
    EXPECT_NE(all.find("ร้อยละ 40"), std::string::npos);
    EXPECT_NE(all.find("ร้อยละ 1 ต่อเดือน"), std::string::npos);
    EXPECT_NE(all.find("2568"), std::string::npos) << "the tax year in พ.ศ.";
}

TEST_F(TaxFlowTest, UnpaidNoticeNotYetDueGetsTheAmountAndAQrForIt) {
    look_up("๒๕๖๘/๐๐๑๒๓", "๔๕๖๗");  // Thai digits, as a phone keyboard types them
    ASSERT_EQ(h.replies.size(), 2u);
    EXPECT_EQ(type_of(h.replies[0]), "image");
    EXPECT_NE(h.replies[0].find("https://bot.test.example/qr/"), std::string::npos);
    EXPECT_EQ(type_of(h.replies[1]), "flex");
    EXPECT_NE(h.replies[1].find("1,250.00 บาท"), std::string::npos);
    EXPECT_NE(h.replies[1].find("30 เม.ย. 2569"), std::string::npos) << "due date in พ.ศ.";
    ASSERT_EQ(qr.requests.size(), 1u);
    EXPECT_EQ(qr.requests[0].notice, "2568/00123");
    EXPECT_EQ(qr.requests[0].amount_satang, 125000);
    EXPECT_FALSE(h.has_state());
    EXPECT_EQ(guard.failures[kResident], 0);
}

TEST_F(TaxFlowTest, LateNoticeAddsThePenaltyAndOnePercentForEveryMonthStarted) {
    // Due 30 Apr 2025, asked 25 Nov 2025: the 7th month (1–30 Nov) has started → 7 %.
    look_up("2568/00045", "4567");
    ASSERT_EQ(h.replies.size(), 2u);
    const std::string& bill = h.replies[1];
    EXPECT_NE(bill.find("10,000.00 บาท"), std::string::npos);
    EXPECT_NE(bill.find("1,000.00 บาท"), std::string::npos) << "penalty 10 % before any reminder";
    EXPECT_NE(bill.find("700.00 บาท"), std::string::npos) << "เงินเพิ่ม 7 months × 1 %";
    EXPECT_NE(bill.find("11,700.00 บาท"), std::string::npos);
    EXPECT_NE(bill.find("7 เดือน"), std::string::npos);
    ASSERT_EQ(qr.requests.size(), 1u);
    EXPECT_EQ(qr.requests[0].amount_satang, 1170000);
}

TEST_F(TaxFlowTest, PaidNoticeSaysSoAndOffersNoQr) {
    look_up("2568/00077", "4567");
    ASSERT_EQ(h.replies.size(), 1u);
    EXPECT_NE(h.replies[0].find("ชำระแล้วเมื่อ 20 เม.ย. 2568"), std::string::npos);
    EXPECT_TRUE(qr.requests.empty());
}

TEST_F(TaxFlowTest, WithoutAQrTheBillSaysWhereToPay) {
    qr.enabled = false;
    look_up("2568/00123", "4567");
    ASSERT_EQ(h.replies.size(), 1u);
    EXPECT_NE(h.replies[0].find(h.config.text("tax_bill_pay_at_office")), std::string::npos);
}

TEST_F(TaxFlowTest, WrongDigitsCountAsAFailureAndSayHowManyTriesAreLeft) {
    look_up("2568/00123", "1111");
    ASSERT_EQ(h.replies.size(), 1u);
    EXPECT_NE(text_of(h.replies[0]).find("อีก 4 ครั้ง"), std::string::npos);
    EXPECT_EQ(guard.failures[kResident], 1);
    EXPECT_TRUE(qr.requests.empty());
    EXPECT_TRUE(contains(h.quick_data(), "tax=lookup"));
}

TEST_F(TaxFlowTest, UnknownNoticeGetsTheSameAnswerAsWrongDigits) {
    look_up("2568/99999", "4567");
    ASSERT_EQ(h.replies.size(), 1u);
    EXPECT_NE(text_of(h.replies[0]).find("อีก 4 ครั้ง"), std::string::npos);
}

TEST_F(TaxFlowTest, FifthFailureLocksTheLookupForTheUser) {
    for (int i = 0; i < 4; ++i) look_up("2568/00123", "0000");
    look_up("2568/00123", "0000");
    EXPECT_EQ(text_of(h.replies.back()), h.config.text("tax_lookup_locked"));
    // Even the right digits are refused now, before anything is looked up.
    ASSERT_TRUE(h.send(h.postback("tax=lookup")));
    EXPECT_EQ(text_of(h.replies.back()), h.config.text("tax_lookup_locked"));
    EXPECT_FALSE(h.has_state());
    EXPECT_TRUE(qr.requests.empty());
}

TEST_F(TaxFlowTest, DigitsThatAreNotFourDigitsAreAskedAgainWithoutCounting) {
    ASSERT_TRUE(h.send(h.postback("tax=lookup")));
    ASSERT_TRUE(h.send_text("2568/00123"));
    ASSERT_TRUE(h.send_text("12a4"));
    EXPECT_TRUE(h.said(h.config.text("tax_last4_invalid")));
    EXPECT_EQ(h.step(), "last4");
    EXPECT_EQ(guard.failures[kResident], 0);
}

TEST_F(TaxFlowTest, StickerMidLookupIsAnsweredAndTheQuestionRepeated) {
    ASSERT_TRUE(h.send(h.postback("tax=lookup")));
    ASSERT_TRUE(h.send(h.sticker()));
    EXPECT_TRUE(h.said(h.config.text("tax_lookup_text_only")));
    EXPECT_EQ(h.step(), "notice");
}

TEST_F(TaxFlowTest, BackFromTheDigitsAsksForTheNoticeAgain) {
    ASSERT_TRUE(h.send(h.postback("tax=lookup")));
    ASSERT_TRUE(h.send_text("2568/00123"));
    EXPECT_TRUE(contains(h.quick_labels(), "ย้อนกลับ"));
    ASSERT_TRUE(h.send_text("ย้อนกลับ"));
    EXPECT_EQ(h.step(), "notice");
}

TEST_F(TaxFlowTest, CancelEndsTheLookup) {
    ASSERT_TRUE(h.send(h.postback("tax=lookup")));
    ASSERT_TRUE(h.send_text("ยกเลิก"));
    EXPECT_FALSE(h.has_state());
    EXPECT_TRUE(h.said(h.config.text("flow_cancelled")));
}

TEST_F(TaxFlowTest, ATaxButtonMidComplaintTakesOver) {
    ASSERT_TRUE(h.send_text("ร้องเรียน"));
    ASSERT_EQ(h.flow(), "complaint");
    ASSERT_TRUE(h.send(h.postback("tax=lookup")));
    EXPECT_EQ(h.flow(), "tax");
    EXPECT_EQ(h.step(), "notice");
}

}  // namespace
}  // namespace thesaban
