#include "tax/tax_record.h"

#include <gtest/gtest.h>

namespace thesaban::tax {

TEST(TaxTypeKey, RoundTripsEveryType) {
    for (TaxType t : {TaxType::land_building, TaxType::signboard, TaxType::garbage_fee})
        EXPECT_EQ(tax_type_from_key(tax_type_key(t)), t);
    EXPECT_STREQ(tax_type_key(TaxType::signboard), "signboard");
    EXPECT_EQ(tax_type_from_key("Signboard"), std::nullopt);
    EXPECT_EQ(tax_type_from_key(""), std::nullopt);
}

TEST(ParseDate, ReadsIsoDates) {
    EXPECT_EQ(parse_date("2026-04-30"), (Date{2026, 4, 30}));
    EXPECT_EQ(parse_date(" 2024-02-29 "), (Date{2024, 2, 29}));
}

TEST(ParseDate, ConvertsBuddhistEraYears) {
    EXPECT_EQ(parse_date("2569-04-30"), (Date{2026, 4, 30}));
    EXPECT_EQ(parse_date("2567-02-29"), (Date{2024, 2, 29}));  // 2024 is a leap year
    EXPECT_EQ(parse_date("2568-02-29"), std::nullopt);         // 2025 is not
}

TEST(ParseDate, AcceptsThaiDigits) { EXPECT_EQ(parse_date("๒๕๖๙-๐๔-๓๐"), (Date{2026, 4, 30})); }

TEST(ParseDate, RejectsDatesThatDoNotExist) {
    EXPECT_EQ(parse_date("2023-02-29"), std::nullopt);
    EXPECT_EQ(parse_date("1900-02-29"), std::nullopt);  // century, not a leap year
    EXPECT_EQ(parse_date("2000-02-29"), (Date{2000, 2, 29}));
    EXPECT_EQ(parse_date("2026-04-31"), std::nullopt);
    EXPECT_EQ(parse_date("2026-13-01"), std::nullopt);
    EXPECT_EQ(parse_date("2026-00-10"), std::nullopt);
    EXPECT_EQ(parse_date("2026-01-00"), std::nullopt);
}

TEST(ParseDate, RejectsOtherShapes) {
    for (const char* s : {"", "2026-4-30", "30/04/2026", "2026-04-30x", "20260430", "2026-04-3a", "+026-04-30"})
        EXPECT_EQ(parse_date(s), std::nullopt) << s;
}

TEST(FormatIso, PadsWithZeros) {
    EXPECT_EQ(format_iso(Date{2026, 4, 3}), "2026-04-03");
    EXPECT_EQ(parse_date(format_iso(Date{2024, 12, 31})), (Date{2024, 12, 31}));
}

TEST(DaysInMonth, KnowsLeapYears) {
    EXPECT_EQ(days_in_month(2024, 2), 29);
    EXPECT_EQ(days_in_month(2025, 2), 28);
    EXPECT_EQ(days_in_month(2100, 2), 28);
    EXPECT_EQ(days_in_month(2026, 4), 30);
    EXPECT_EQ(days_in_month(2026, 12), 31);
}

}  // namespace thesaban::tax
