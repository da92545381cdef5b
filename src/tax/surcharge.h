#pragma once
// What a notice costs on a given day: the tax, the penalty (เบี้ยปรับ) and the monthly surcharge
// (เงินเพิ่ม), all in satang.
//
// Months are counted as Thai law counts a period in months (ป.พ.พ. มาตรา 193/3, 193/5): the first
// month starts the day after the due date and ends the day before the same date of the next
// month, or on that month's last day when it has no such date (due 31 Jan 2024 → month 1 ends
// 29 Feb 2024; due 30 Apr → 31 May). A part of a month counts as a whole month (มาตรา 70 of the
// land and building tax Act, มาตรา 25 of the signboard tax Act), so one day late is one month.
// Holidays are not moved here (ป.พ.พ. มาตรา 193/8): the due date on the notice is taken as given.
//
// Rounding: each amount is computed exactly from the tax in satang and rounded once, half up,
// to the satang.
#include <cstdint>

#include "tax/tax_record.h"
#include "tax/tax_rules.h"

namespace thesaban::tax {

struct AmountDue {
    int64_t tax_satang = 0;
    int64_t penalty_satang = 0;    // เบี้ยปรับ (land and building tax only)
    int64_t surcharge_satang = 0;  // เงินเพิ่ม
    int64_t total_satang = 0;
    int months_late = 0;
    int penalty_percent = 0;
};

// The day after `date`.
Date next_day(const Date& date);
// The last day of a period of `months` months counted from the day after `from` (193/3, 193/5).
Date month_period_end(const Date& from, int months);
// Months (or parts) from the day after `due` to `on`; 0 when `on` is not after `due`.
int months_late(const Date& due, const Date& on);

// The amount due on `today`; once paid (record.paid_date) the amounts are as of the paid date.
// Land and building tax: penalty 10 % when late but before the reminder (reminder_date absent or
// after the day), 20 % up to the reminder's deadline (or when no deadline is recorded), 40 % after
// it; เงินเพิ่ม on the tax only (not on the penalty), capped at the tax. Signboard tax: เงินเพิ่ม
// 2 % a month, no penalty, no cap. Garbage fee: only the surcharge the config sets.
AmountDue amount_due(const TaxRecord& record, const TaxRules& rules, const Date& today);

// Signboard tax for one sign (กฎกระทรวงกำหนดอัตราภาษีป้าย พ.ศ. 2563): the area in units of 500 cm²,
// a remainder of more than half a unit counting as a unit and of half or less dropped (พ.ร.บ.
// ภาษีป้าย มาตรา 7 and its rate schedule), times the rate; never less than 200 baht. 0 for
// dimensions that are not positive.
int64_t signboard_tax_satang(SignKind kind, int64_t width_cm, int64_t height_cm, bool moving,
                             const SignboardRules& rules);

}  // namespace thesaban::tax
