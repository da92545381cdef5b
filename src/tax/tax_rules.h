#pragma once
// The figures the law fixes for the municipality's taxes and fees, kept as data (config section
// "tax") so a new tax year, an extended deadline or a new rate is a config change, not a release.
// Defaults are the law's figures as of 2569 (2026):
//   land and building tax: พ.ร.บ.ภาษีที่ดินและสิ่งปลูกสร้าง พ.ศ. 2562 มาตรา 46 (notice by February),
//     52 (pay within April), 53 (3 instalments from 3,000 baht), 68–69 (penalty 10/20/40 %),
//     70 (เงินเพิ่ม 1 % a month, a part of a month counting whole, not on the penalty);
//   signboard tax: พ.ร.บ.ภาษีป้าย พ.ศ. 2510 มาตรา 12 (ภ.ป.1 within March), 19 (pay within 15 days of
//     ภ.ป.3), 25 (2 % a month), rates from กฎกระทรวงกำหนดอัตราภาษีป้าย พ.ศ. 2563;
//   garbage fee: the municipality's own ข้อบัญญัติ (the figure here is an example).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tax/tax_record.h"

namespace thesaban::tax {

// One tax year's land-and-building calendar; years may be extended by ministerial order.
struct LandBuildingYear {
    int tax_year = 0;  // พ.ศ., e.g. 2569
    int notice_month = 2;  // แบบแจ้งการประเมิน sent within this month (มาตรา 46: February)
    Date payment_due;                  // มาตรา 52: 30 April unless extended
    std::vector<Date> instalment_due;  // มาตรา 53: three dates, the first being payment_due
};

struct Instalment {
    Date due;
    int64_t amount_satang = 0;
};

struct LandBuildingRules {
    int64_t instalment_threshold_satang = 300'000;  // 3,000 baht or more may be paid in instalments
    int instalments = 3;
    int penalty_before_reminder_percent = 10;  // มาตรา 68: paid late, before the reminder
    int penalty_within_reminder_percent = 20;  // มาตรา 69: paid within the reminder's deadline
    int penalty_after_reminder_percent = 40;   // มาตรา 68: paid after it
    int surcharge_percent_per_month = 1;       // มาตรา 70
    bool surcharge_capped_at_tax = true;       // เงินเพิ่ม never more than the tax itself
    std::vector<LandBuildingYear> years;

    // The configured year, or the law's default calendar (30 April, then a month apart) if none.
    LandBuildingYear year(int tax_year) const;
    // มาตรา 53: equal instalments on the year's dates when the tax reaches the threshold (the
    // satang that do not divide evenly go on the first); empty when it may not be split.
    std::vector<Instalment> instalment_plan(int tax_year, int64_t tax_satang) const;
};

enum class SignKind {
    thai_only,   // ประเภท 1: Thai letters only
    thai_mixed,  // ประเภท 2: Thai mixed with foreign letters and/or pictures or marks
    foreign,     // ประเภท 3: no Thai, or Thai partly or wholly below the foreign letters
};
const char* sign_kind_key(SignKind kind);  // "thai_only", "thai_mixed", "foreign"
std::optional<SignKind> sign_kind_from_key(std::string_view key);

struct SignboardRate {
    int64_t moving_satang = 0;  // (ก) moving or changing text/pictures, per unit of area
    int64_t other_satang = 0;   // (ข) every other sign
};

struct SignboardRules {
    int filing_deadline_month = 3;  // ภ.ป.1 by the end of March (มาตรา 12)
    int filing_deadline_day = 31;
    int payment_days_after_assessment = 15;  // มาตรา 19: from receiving ภ.ป.3
    int surcharge_percent_per_month = 2;     // มาตรา 25: no cap in the Act
    int unit_cm2 = 500;                      // rates are per 500 cm²
    int64_t minimum_satang = 20'000;         // 200 baht a sign
    SignboardRate thai_only{1'000, 500};
    SignboardRate thai_mixed{5'200, 2'600};
    SignboardRate foreign{5'200, 5'000};

    int64_t rate_satang(SignKind kind, bool moving) const;
};

struct GarbageFeeRules {
    int64_t household_satang_per_month = 2'000;  // example: 20 baht a month
    int surcharge_percent_per_month = 0;         // 0: the municipality adds nothing for late payment
};

struct PromptPaySettings {
    enum class Mode { none, bill_payment, credit_transfer };
    Mode mode = Mode::none;              // none: no QR code is offered
    std::string biller_id;               // bill_payment: 15 digits (tax ID + suffix)
    std::string promptpay_id;            // credit_transfer: the municipality's PromptPay ID
    std::chrono::hours qr_link_ttl{24};  // how long a QR image link stays valid
};

struct TaxRules {
    LandBuildingRules land_building;
    SignboardRules signboard;
    GarbageFeeRules garbage_fee;
    PromptPaySettings promptpay;
};

}  // namespace thesaban::tax
