#include "tax/surcharge.h"

#include <gtest/gtest.h>

namespace thesaban::tax {
namespace {

TaxRecord land_notice(int64_t amount_satang, Date due) {
    TaxRecord r;
    r.notice_number = "2569/00001";
    r.tax_year = 2569;
    r.type = TaxType::land_building;
    r.amount_satang = amount_satang;
    r.due_date = due;
    return r;
}

}  // namespace

TEST(MonthPeriodEnd, EndsTheDayBeforeTheMatchingDate) {
    EXPECT_EQ(month_period_end({2026, 4, 30}, 1), (Date{2026, 5, 31}));  // starts 1 May: a calendar month
    EXPECT_EQ(month_period_end({2026, 4, 30}, 2), (Date{2026, 6, 30}));
    EXPECT_EQ(month_period_end({2026, 4, 15}, 1), (Date{2026, 5, 15}));   // starts 16 Apr, ends 15 May
    EXPECT_EQ(month_period_end({2026, 12, 31}, 1), (Date{2027, 1, 31}));  // across the year
    EXPECT_EQ(month_period_end({2026, 11, 30}, 2), (Date{2027, 1, 31}));
}

TEST(MonthPeriodEnd, LastDayOfAShortMonthAndLeapYears) {
    EXPECT_EQ(month_period_end({2024, 1, 31}, 1), (Date{2024, 2, 29}));  // the brief's example
    EXPECT_EQ(month_period_end({2023, 1, 31}, 1), (Date{2023, 2, 28}));
    // Starts 31 Jan; February has no 31st, so month 1 ends on February's last day (193/5 ¶3).
    EXPECT_EQ(month_period_end({2024, 1, 30}, 1), (Date{2024, 2, 29}));
    EXPECT_EQ(month_period_end({2023, 1, 30}, 1), (Date{2023, 2, 28}));
    EXPECT_EQ(month_period_end({2023, 1, 30}, 2), (Date{2023, 3, 30}));
    EXPECT_EQ(month_period_end({2024, 1, 28}, 1), (Date{2024, 2, 28}));  // starts 29 Jan, leap year has 29 Feb
    EXPECT_EQ(month_period_end({2023, 1, 28}, 1), (Date{2023, 2, 28}));  // starts 29 Jan, no 29 Feb in 2023
}

TEST(MonthsLate, PaidOnTheDueDateIsNotLate) {
    EXPECT_EQ(months_late({2026, 4, 30}, {2026, 4, 30}), 0);
    EXPECT_EQ(months_late({2026, 4, 30}, {2026, 3, 1}), 0);
}

TEST(MonthsLate, OneDayLateIsOneMonth) {
    EXPECT_EQ(months_late({2026, 4, 30}, {2026, 5, 1}), 1);
    EXPECT_EQ(months_late({2026, 4, 30}, {2026, 5, 31}), 1);
    EXPECT_EQ(months_late({2026, 4, 30}, {2026, 6, 1}), 2);
    EXPECT_EQ(months_late({2024, 1, 31}, {2024, 2, 29}), 1);
    EXPECT_EQ(months_late({2024, 1, 31}, {2024, 3, 1}), 2);
    EXPECT_EQ(months_late({2026, 4, 30}, {2027, 4, 30}), 12);
    EXPECT_EQ(months_late({2026, 4, 30}, {2027, 5, 1}), 13);
}

TEST(MonthsLate, AgreesWithWalkingThePeriodsOneByOne) {
    for (Date due : {Date{2023, 1, 28}, Date{2024, 1, 29}, Date{2024, 1, 31}, Date{2026, 4, 30}, Date{2026, 8, 31},
                     Date{2026, 12, 31}, Date{2027, 2, 28}}) {
        Date on = due;
        for (int day = 0; day < 800; ++day) {
            on = next_day(on);
            int expected = 1;
            while (on > month_period_end(due, expected)) ++expected;
            ASSERT_EQ(months_late(due, on), expected) << format_iso(due) << " → " << format_iso(on);
        }
    }
}

TEST(AmountDue, NothingAddedWhenPaidOnTheDueDate) {
    TaxRecord r = land_notice(500'000, {2026, 4, 30});
    r.paid_date = Date{2026, 4, 30};
    const AmountDue due = amount_due(r, TaxRules{}, {2026, 12, 1});  // as of the paid date, not today
    EXPECT_EQ(due.tax_satang, 500'000);
    EXPECT_EQ(due.penalty_satang, 0);
    EXPECT_EQ(due.surcharge_satang, 0);
    EXPECT_EQ(due.total_satang, 500'000);
    EXPECT_EQ(due.months_late, 0);
    EXPECT_EQ(due.penalty_percent, 0);
}

TEST(AmountDue, LandBuildingOneDayLateBeforeAReminder) {
    const AmountDue due = amount_due(land_notice(123'456, {2026, 4, 30}), TaxRules{}, {2026, 5, 1});
    EXPECT_EQ(due.months_late, 1);
    EXPECT_EQ(due.penalty_percent, 10);
    EXPECT_EQ(due.penalty_satang, 12'346);   // 12,345.6 satang, half up
    EXPECT_EQ(due.surcharge_satang, 1'235);  // 1 % of the tax only: 1,234.56 satang
    EXPECT_EQ(due.total_satang, 123'456 + 12'346 + 1'235);
}

TEST(AmountDue, LandBuildingPenaltyStages) {
    TaxRecord r = land_notice(1'000'000, {2026, 4, 30});
    r.reminder_date = Date{2026, 6, 15};
    r.reminder_due_date = Date{2026, 7, 15};
    EXPECT_EQ(amount_due(r, TaxRules{}, {2026, 6, 14}).penalty_percent, 10);  // the day before the reminder
    EXPECT_EQ(amount_due(r, TaxRules{}, {2026, 6, 15}).penalty_percent, 20);
    EXPECT_EQ(amount_due(r, TaxRules{}, {2026, 7, 15}).penalty_percent, 20);  // the reminder's last day
    const AmountDue after = amount_due(r, TaxRules{}, {2026, 7, 16});
    EXPECT_EQ(after.penalty_percent, 40);
    EXPECT_EQ(after.penalty_satang, 400'000);
    EXPECT_EQ(after.months_late, 3);  // 1–31 May, 1–30 Jun, 1–31 Jul
    EXPECT_EQ(after.surcharge_satang, 30'000);
    EXPECT_EQ(after.total_satang, 1'430'000);
    // A reminder whose deadline was not recorded is treated as still open.
    r.reminder_due_date.reset();
    EXPECT_EQ(amount_due(r, TaxRules{}, {2027, 1, 1}).penalty_percent, 20);
}

TEST(AmountDue, LandBuildingSurchargeIsCappedAtTheTax) {
    const TaxRecord r = land_notice(100'000, {2020, 4, 30});
    const AmountDue due = amount_due(r, TaxRules{}, {2029, 1, 1});
    EXPECT_GT(due.months_late, 100);
    EXPECT_EQ(due.surcharge_satang, 100'000);
    EXPECT_EQ(due.penalty_satang, 10'000);
    TaxRules uncapped;
    uncapped.land_building.surcharge_capped_at_tax = false;
    EXPECT_EQ(amount_due(r, uncapped, {2029, 1, 1}).surcharge_satang, 100'000 * due.months_late / 100);
}

TEST(AmountDue, UsesThePaidDateOnceItIsPaid) {
    TaxRecord r = land_notice(200'000, {2026, 4, 30});
    r.paid_date = Date{2026, 6, 2};  // month 2
    const AmountDue due = amount_due(r, TaxRules{}, {2027, 1, 1});
    EXPECT_EQ(due.months_late, 2);
    EXPECT_EQ(due.surcharge_satang, 4'000);
    EXPECT_EQ(due.penalty_satang, 20'000);
}

TEST(AmountDue, SignboardTwoPercentAMonthWithoutPenaltyOrCap) {
    TaxRecord r = land_notice(50'000, {2026, 4, 15});
    r.type = TaxType::signboard;
    const AmountDue one = amount_due(r, TaxRules{}, {2026, 4, 16});
    EXPECT_EQ(one.months_late, 1);
    EXPECT_EQ(one.penalty_satang, 0);
    EXPECT_EQ(one.penalty_percent, 0);
    EXPECT_EQ(one.surcharge_satang, 1'000);
    const AmountDue late = amount_due(r, TaxRules{}, {2031, 4, 16});  // 61 months: more than the tax
    EXPECT_EQ(late.months_late, 61);
    EXPECT_EQ(late.surcharge_satang, 61'000);
    EXPECT_EQ(late.total_satang, 111'000);
}

TEST(AmountDue, GarbageFeeOnlyWhenTheConfigSetsASurcharge) {
    TaxRecord r = land_notice(24'000, {2026, 1, 31});
    r.type = TaxType::garbage_fee;
    EXPECT_EQ(amount_due(r, TaxRules{}, {2026, 6, 1}).total_satang, 24'000);
    TaxRules rules;
    rules.garbage_fee.surcharge_percent_per_month = 1;
    const AmountDue due = amount_due(r, rules, {2026, 3, 1});  // 1–28 Feb, 1 Mar: 2 months
    EXPECT_EQ(due.months_late, 2);
    EXPECT_EQ(due.surcharge_satang, 480);
}

TEST(SignboardTax, RatesPer500SquareCentimetres) {
    const SignboardRules rules;
    // 100 × 500 cm = 100 units.
    EXPECT_EQ(signboard_tax_satang(SignKind::thai_only, 100, 500, false, rules), 100 * 500);   // 500 baht
    EXPECT_EQ(signboard_tax_satang(SignKind::thai_only, 100, 500, true, rules), 100 * 1'000);  // 1,000 baht
    EXPECT_EQ(signboard_tax_satang(SignKind::thai_mixed, 100, 500, false, rules), 100 * 2'600);
    EXPECT_EQ(signboard_tax_satang(SignKind::thai_mixed, 100, 500, true, rules), 100 * 5'200);
    EXPECT_EQ(signboard_tax_satang(SignKind::foreign, 100, 500, false, rules), 100 * 5'000);
    EXPECT_EQ(signboard_tax_satang(SignKind::foreign, 100, 500, true, rules), 100 * 5'200);
}

TEST(SignboardTax, RemainderOfMoreThanHalfAUnitCounts) {
    const SignboardRules rules;
    // 30 × 85 = 2,550 cm² = 5 units + 50: dropped. 30 × 92 = 2,760 = 5 units + 260: counted.
    EXPECT_EQ(signboard_tax_satang(SignKind::thai_mixed, 30, 85, false, rules), 20'000);  // 5 × 26 = 130 → minimum
    EXPECT_EQ(signboard_tax_satang(SignKind::foreign, 30, 85, false, rules), 5 * 5'000);
    EXPECT_EQ(signboard_tax_satang(SignKind::foreign, 30, 92, false, rules), 6 * 5'000);
    EXPECT_EQ(signboard_tax_satang(SignKind::foreign, 50, 55, false, rules),
              5 * 5'000);  // 2,750: exactly half, dropped
    EXPECT_EQ(signboard_tax_satang(SignKind::foreign, 251, 11, false, rules), 6 * 5'000);  // 2,761
}

TEST(SignboardTax, NeverLessThan200BahtASign) {
    const SignboardRules rules;
    EXPECT_EQ(signboard_tax_satang(SignKind::thai_only, 10, 10, false, rules), 20'000);
    EXPECT_EQ(signboard_tax_satang(SignKind::thai_only, 40, 200, false, rules), 20'000);   // 16 units × 5 = 80 baht
    EXPECT_EQ(signboard_tax_satang(SignKind::thai_only, 200, 300, false, rules), 60'000);  // 120 units × 5 = 600 baht
    EXPECT_EQ(signboard_tax_satang(SignKind::thai_only, 0, 300, false, rules), 0);
    EXPECT_EQ(signboard_tax_satang(SignKind::thai_only, -1, 300, false, rules), 0);
}

TEST(LandBuildingYear, DefaultsToTheActsCalendar) {
    const LandBuildingRules rules;
    const LandBuildingYear y = rules.year(2569);
    EXPECT_EQ(y.payment_due, (Date{2026, 4, 30}));
    ASSERT_EQ(y.instalment_due.size(), 3u);
    EXPECT_EQ(y.instalment_due[1], (Date{2026, 5, 31}));
    EXPECT_EQ(y.instalment_due[2], (Date{2026, 6, 30}));
    EXPECT_EQ(y.notice_month, 2);
}

TEST(LandBuildingYear, InstalmentsFromTheThreshold) {
    const LandBuildingRules rules;
    EXPECT_TRUE(rules.instalment_plan(2569, 299'999).empty());  // below 3,000 baht
    const auto plan = rules.instalment_plan(2569, 300'001);
    ASSERT_EQ(plan.size(), 3u);
    EXPECT_EQ(plan[0].amount_satang, 100'001);
    EXPECT_EQ(plan[1].amount_satang, 100'000);
    EXPECT_EQ(plan[2].amount_satang, 100'000);
    EXPECT_EQ(plan[0].due, (Date{2026, 4, 30}));
    EXPECT_EQ(plan[2].due, (Date{2026, 6, 30}));
    LandBuildingRules extended;
    extended.years.push_back({2569, 2, {2026, 8, 31}, {{2026, 8, 31}, {2026, 9, 30}, {2026, 10, 31}}});
    EXPECT_EQ(extended.instalment_plan(2569, 900'000)[1].due, (Date{2026, 9, 30}));
}

TEST(SignKind, KeysRoundTrip) {
    for (SignKind k : {SignKind::thai_only, SignKind::thai_mixed, SignKind::foreign})
        EXPECT_EQ(sign_kind_from_key(sign_kind_key(k)), k);
    EXPECT_EQ(sign_kind_from_key("english"), std::nullopt);
}

}  // namespace thesaban::tax
