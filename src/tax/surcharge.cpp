#include "tax/surcharge.h"

#include <algorithm>

namespace thesaban::tax {
namespace {

// amount × percent × months / 100, rounded half up to the satang (amounts are never negative).
int64_t percent_of(int64_t amount_satang, int64_t percent_times_months) {
    return (amount_satang * percent_times_months * 2 + 100) / 200;
}

int penalty_stage_percent(const TaxRecord& record, const LandBuildingRules& rules, const Date& on) {
    if (!record.reminder_date || *record.reminder_date > on) return rules.penalty_before_reminder_percent;
    if (!record.reminder_due_date || on <= *record.reminder_due_date) return rules.penalty_within_reminder_percent;
    return rules.penalty_after_reminder_percent;
}

}  // namespace

Date next_day(const Date& date) {
    if (date.day < days_in_month(date.year, date.month)) return {date.year, date.month, date.day + 1};
    if (date.month < 12) return {date.year, date.month + 1, 1};
    return {date.year + 1, 1, 1};
}

Date month_period_end(const Date& from, int months) {
    const Date start = next_day(from);
    const int index = start.month - 1 + months;
    const int year = start.year + index / 12, month = index % 12 + 1;
    // 193/5 ¶3: no date matching the start in the last month → that month's last day.
    if (start.day > days_in_month(year, month)) return {year, month, days_in_month(year, month)};
    // 193/5 ¶2: the day before the date matching the start.
    if (start.day > 1) return {year, month, start.day - 1};
    const int prev_year = month == 1 ? year - 1 : year, prev_month = month == 1 ? 12 : month - 1;
    return {prev_year, prev_month, days_in_month(prev_year, prev_month)};
}

int months_late(const Date& due, const Date& on) {
    if (on <= due) return 0;
    // Start from the calendar-month difference (never more than the answer) and walk forward.
    int months = std::max(1, (on.year - due.year) * 12 + (on.month - due.month) - 1);
    while (on > month_period_end(due, months)) ++months;
    return months;
}

AmountDue amount_due(const TaxRecord& record, const TaxRules& rules, const Date& today) {
    AmountDue due;
    due.tax_satang = std::max<int64_t>(0, record.amount_satang);
    const Date on = record.paid_date.value_or(today);
    due.months_late = months_late(record.due_date, on);
    if (due.months_late > 0 && due.tax_satang > 0) {
        switch (record.type) {
            case TaxType::land_building: {
                const auto& lb = rules.land_building;
                due.penalty_percent = penalty_stage_percent(record, lb, on);
                due.penalty_satang = percent_of(due.tax_satang, due.penalty_percent);
                due.surcharge_satang =
                    percent_of(due.tax_satang, int64_t{lb.surcharge_percent_per_month} * due.months_late);
                if (lb.surcharge_capped_at_tax) due.surcharge_satang = std::min(due.surcharge_satang, due.tax_satang);
                break;
            }
            case TaxType::signboard:
                due.surcharge_satang =
                    percent_of(due.tax_satang, int64_t{rules.signboard.surcharge_percent_per_month} * due.months_late);
                break;
            case TaxType::garbage_fee:
                due.surcharge_satang = percent_of(
                    due.tax_satang, int64_t{rules.garbage_fee.surcharge_percent_per_month} * due.months_late);
                break;
        }
    }
    due.total_satang = due.tax_satang + due.penalty_satang + due.surcharge_satang;
    return due;
}

int64_t signboard_tax_satang(SignKind kind, int64_t width_cm, int64_t height_cm, bool moving,
                             const SignboardRules& rules) {
    if (width_cm <= 0 || height_cm <= 0 || rules.unit_cm2 <= 0) return 0;
    const int64_t area = width_cm * height_cm;
    int64_t units = area / rules.unit_cm2;
    // "เศษเกินกึ่ง" — strictly more than half a unit counts as a unit.
    if ((area % rules.unit_cm2) * 2 > rules.unit_cm2) ++units;
    return std::max(units * rules.rate_satang(kind, moving), rules.minimum_satang);
}

}  // namespace thesaban::tax
