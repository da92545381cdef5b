#include "handlers/tax/tax_answers.h"

#include <gtest/gtest.h>

#include "unit/fakes/example_config.h"

namespace thesaban::handlers {
namespace {

TEST(FormatBaht, GroupsThousandsAndKeepsSatang) {
    EXPECT_EQ(format_baht(0), "0.00 บาท");
    EXPECT_EQ(format_baht(5), "0.05 บาท");
    EXPECT_EQ(format_baht(125000), "1,250.00 บาท");
    EXPECT_EQ(format_baht(123456789), "1,234,567.89 บาท");
    EXPECT_EQ(format_baht(100000000), "1,000,000.00 บาท");
}

TEST(ThaiDateOf, UsesTheBuddhistEra) {
    EXPECT_EQ(thai_date_of({2026, 4, 30}), "30 เม.ย. 2569");
    EXPECT_EQ(thai_date_of({2024, 2, 29}), "29 ก.พ. 2567");
}

TEST(ThaiDateAt, IsTheDateInThailand) {
    // 2025-12-31 17:00 UTC is already 1 January 2026 in Thailand.
    EXPECT_EQ(tax::thai_date_at(1767200400000), (tax::Date{2026, 1, 1}));
    EXPECT_EQ(tax::thai_date_at(1767200399999), (tax::Date{2025, 12, 31}));
    EXPECT_EQ(tax::thai_date_at(1709164800000), (tax::Date{2024, 2, 29}));  // 00:00 UTC+0 = 07:00 in Thailand
}

TEST(TaxAnswerValues, LandAndBuildingUsesTheConfiguredYear) {
    auto v = tax_answer_values(testing::example_config(), "land_building", {2026, 3, 1});
    EXPECT_EQ(v["year"], "2569");
    EXPECT_EQ(v["payment_deadline"], "30 เม.ย. 2569");
    EXPECT_EQ(v["instalment_dates"], "30 เม.ย. 2569, 31 พ.ค. 2569, 30 มิ.ย. 2569");
    EXPECT_EQ(v["instalment_threshold"], "3,000");
    EXPECT_EQ(v["notice_month"], "กุมภาพันธ์");
    EXPECT_NE(v["s4_text"].find("ร้อยละ 10"), std::string::npos);
    EXPECT_EQ(v["s4_text"].find("{{"), std::string::npos) << v["s4_text"];
}

TEST(TaxAnswerValues, SignboardRatesComeFromConfig) {
    auto config = testing::example_config();
    config.tax.signboard.thai_only.other_satang = 750;
    auto v = tax_answer_values(config, "signboard", {2026, 3, 1});
    EXPECT_EQ(v["rate_thai_other"], "7.50");
    EXPECT_EQ(v["rate_foreign_other"], "50");
    EXPECT_EQ(v["filing_deadline"], "31 มีนาคม");
    EXPECT_NE(v["s3_text"].find("อื่น ๆ 7.50 บาท"), std::string::npos) << v["s3_text"];
}

TEST(TaxAnswerValues, GarbageFeeMentionsLateChargesOnlyWhenThereAreAny) {
    auto config = testing::example_config();
    auto v = tax_answer_values(config, "garbage_fee", {2026, 3, 1});
    EXPECT_EQ(v["household_per_year"], "240");
    EXPECT_EQ(v["s3_text"].find("เงินเพิ่ม"), std::string::npos);
    config.tax.garbage_fee.surcharge_percent_per_month = 2;
    v = tax_answer_values(config, "garbage_fee", {2026, 3, 1});
    EXPECT_NE(v["s3_text"].find("เงินเพิ่มร้อยละ 2"), std::string::npos) << v["s3_text"];
}

}  // namespace
}  // namespace thesaban::handlers
