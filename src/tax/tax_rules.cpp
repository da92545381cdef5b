#include "tax/tax_rules.h"

#include "tax/surcharge.h"

namespace thesaban::tax {

LandBuildingYear LandBuildingRules::year(int tax_year) const {
    for (const auto& y : years)
        if (y.tax_year == tax_year) return y;
    // มาตรา 52: within April; มาตรา 53: each further instalment within a month of the one before.
    LandBuildingYear y;
    y.tax_year = tax_year;
    y.payment_due = Date{tax_year - 543, 4, 30};
    y.instalment_due.push_back(y.payment_due);
    for (int i = 1; i < instalments; ++i) y.instalment_due.push_back(month_period_end(y.instalment_due.back(), 1));
    return y;
}

std::vector<Instalment> LandBuildingRules::instalment_plan(int tax_year, int64_t tax_satang) const {
    const LandBuildingYear y = year(tax_year);
    const auto count = static_cast<int64_t>(y.instalment_due.size());
    if (count < 2 || tax_satang < instalment_threshold_satang || tax_satang <= 0) return {};
    std::vector<Instalment> plan;
    for (const Date& due : y.instalment_due) plan.push_back({due, tax_satang / count});
    plan.front().amount_satang += tax_satang % count;
    return plan;
}

const char* sign_kind_key(SignKind kind) {
    switch (kind) {
        case SignKind::thai_only:
            return "thai_only";
        case SignKind::thai_mixed:
            return "thai_mixed";
        case SignKind::foreign:
            return "foreign";
    }
    return "unknown";
}

std::optional<SignKind> sign_kind_from_key(std::string_view key) {
    for (SignKind kind : {SignKind::thai_only, SignKind::thai_mixed, SignKind::foreign})
        if (key == sign_kind_key(kind)) return kind;
    return std::nullopt;
}

int64_t SignboardRules::rate_satang(SignKind kind, bool moving) const {
    const SignboardRate& rate = kind == SignKind::thai_only    ? thai_only
                                : kind == SignKind::thai_mixed ? thai_mixed
                                                               : foreign;
    return moving ? rate.moving_satang : rate.other_satang;
}

}  // namespace thesaban::tax
