#include "handlers/tax/tax_answers.h"

#include <array>

#include "core/thai_date.h"

namespace thesaban::handlers {
namespace {

std::string text(const config::Config& config, const std::string& key, const templates::Values& values = {}) {
    return templates::fill_placeholders(config.text(key), values);
}

// Flex text components may not be empty.
std::string or_dash(const std::string& s) { return s.empty() ? "-" : s; }

std::string tax_type_label(const config::Config& config, tax::TaxType type) {
    return config.text(std::string("tax_") + tax::tax_type_key(type) + "_label");
}

// 300000 → "3,000"; 1050 → "10.50": a figure inside a sentence that already says บาท.
std::string plain_baht(int64_t satang) {
    std::string s = format_baht(satang);
    s = s.substr(0, s.size() - std::string(" บาท").size());
    if (s.size() > 3 && s.compare(s.size() - 3, 3, ".00") == 0) s.resize(s.size() - 3);
    return s;
}

const char* thai_month_name(int month) {
    static const std::array<const char*, 12> kNames = {"มกราคม",  "กุมภาพันธ์", "มีนาคม",  "เมษายน", "พฤษภาคม",  "มิถุนายน",
                                                       "กรกฎาคม", "สิงหาคม",  "กันยายน", "ตุลาคม",  "พฤศจิกายน", "ธันวาคม"};
    return month >= 1 && month <= 12 ? kNames[month - 1] : "-";
}

void land_building_values(const tax::LandBuildingRules& rules, int tax_year, templates::Values& v) {
    const tax::LandBuildingYear year = rules.year(tax_year);
    v["notice_month"] = thai_month_name(year.notice_month);
    v["payment_deadline"] = thai_date_of(year.payment_due);
    v["instalment_threshold"] = plain_baht(rules.instalment_threshold_satang);
    v["instalment_count"] = std::to_string(rules.instalments);
    std::string dates;
    for (const auto& due : year.instalment_due) dates += (dates.empty() ? "" : ", ") + thai_date_of(due);
    v["instalment_dates"] = dates.empty() ? thai_date_of(year.payment_due) : dates;
    v["penalty_before_reminder"] = std::to_string(rules.penalty_before_reminder_percent);
    v["penalty_within_reminder"] = std::to_string(rules.penalty_within_reminder_percent);
    v["penalty_after_reminder"] = std::to_string(rules.penalty_after_reminder_percent);
    v["surcharge_percent"] = std::to_string(rules.surcharge_percent_per_month);
}

void signboard_values(const tax::SignboardRules& rules, templates::Values& v) {
    v["filing_deadline"] =
        std::to_string(rules.filing_deadline_day) + " " + thai_month_name(rules.filing_deadline_month);
    v["payment_days"] = std::to_string(rules.payment_days_after_assessment);
    v["surcharge_percent"] = std::to_string(rules.surcharge_percent_per_month);
    v["minimum_per_sign"] = plain_baht(rules.minimum_satang);
    const std::pair<const char*, const tax::SignboardRate*> kinds[] = {
        {"thai", &rules.thai_only}, {"mixed", &rules.thai_mixed}, {"foreign", &rules.foreign}};
    for (const auto& [name, rate] : kinds) {
        v[std::string("rate_") + name + "_moving"] = plain_baht(rate->moving_satang);
        v[std::string("rate_") + name + "_other"] = plain_baht(rate->other_satang);
    }
}

void garbage_fee_values(const config::Config& config, templates::Values& v) {
    const auto& rules = config.tax.garbage_fee;
    v["household_per_month"] = plain_baht(rules.household_satang_per_month);
    v["household_per_year"] = plain_baht(rules.household_satang_per_month * 12);
    v["surcharge_percent"] = std::to_string(rules.surcharge_percent_per_month);
    v["late_note"] = rules.surcharge_percent_per_month > 0 ? text(config, "tax_garbage_fee_late_note", v) : "";
}

}  // namespace

templates::Values tax_answer_values(const config::Config& config, const std::string& topic, const tax::Date& today) {
    templates::Values v;
    const int tax_year = today.year + 543;
    v["year"] = std::to_string(tax_year);
    v["municipality"] = config.municipality_name;
    v["phone"] = or_dash(config.municipality_phone);
    if (topic == "land_building")
        land_building_values(config.tax.land_building, tax_year, v);
    else if (topic == "signboard")
        signboard_values(config.tax.signboard, v);
    else
        garbage_fee_values(config, v);
    const std::string prefix = "tax_" + topic + "_";
    v["title"] = text(config, prefix + "title", v);
    v["law"] = text(config, prefix + "law", v);
    for (int i = 1; i <= 4; ++i) {
        const std::string s = "s" + std::to_string(i);
        v[s + "_title"] = text(config, prefix + s + "_title", v);
        v[s + "_text"] = text(config, prefix + s + "_text", v);
    }
    v["contact"] = text(config, "tax_contact", v);
    v["alt_text"] = v["title"];
    return v;
}

std::string format_baht(int64_t satang) {
    const bool negative = satang < 0;
    uint64_t v = negative ? static_cast<uint64_t>(-satang) : static_cast<uint64_t>(satang);
    std::string whole = std::to_string(v / 100);
    std::string grouped;
    for (std::size_t i = 0; i < whole.size(); ++i) {
        if (i > 0 && (whole.size() - i) % 3 == 0) grouped += ',';
        grouped += whole[i];
    }
    const unsigned cents = static_cast<unsigned>(v % 100);
    return (negative ? "-" : "") + grouped + "." + (cents < 10 ? "0" : "") + std::to_string(cents) + " บาท";
}

std::string thai_date_of(const tax::Date& date) {
    static const std::array<const char*, 12> kMonths = {"ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
                                                        "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.",  "พ.ย.", "ธ.ค."};
    if (date.month < 1 || date.month > 12) return "-";
    return std::to_string(date.day) + " " + kMonths[date.month - 1] + " " + std::to_string(date.year + 543);
}

templates::Values tax_bill_values(const config::Config& config, const tax::TaxRecord& record, const tax::AmountDue& due,
                                  const tax::Date& today) {
    templates::Values v;
    v["title"] = config.text("tax_bill_title");
    v["tax_type"] = tax_type_label(config, record.type);
    for (const char* label : {"notice", "year", "reference", "due", "tax", "penalty", "surcharge", "total"})
        v[std::string("label_") + label] = config.text(std::string("tax_bill_label_") + label);
    v["notice"] = or_dash(record.notice_number);
    v["year"] = std::to_string(record.tax_year);
    v["reference"] = or_dash(record.reference);
    v["due_date"] = thai_date_of(record.due_date);
    v["today"] = thai_date_of(today);
    v["months"] = std::to_string(due.months_late);
    v["tax"] = format_baht(due.tax_satang);
    v["penalty"] = format_baht(due.penalty_satang);
    v["surcharge"] = format_baht(due.surcharge_satang);
    v["total"] = format_baht(due.total_satang);
    if (record.paid_date) {
        v["paid_date"] = thai_date_of(*record.paid_date);
        v["status"] = text(config, "tax_bill_status_paid", v);
        v["status_color"] = "#0B6E4F";
    } else if (due.months_late > 0) {
        v["status"] = text(config, "tax_bill_status_late", v);
        v["status_color"] = "#B00020";
    } else {
        v["status"] = text(config, "tax_bill_status_due", v);
        v["status_color"] = "#1D4E89";
    }
    v["as_of"] = text(config, "tax_bill_as_of", v);
    v["alt_text"] = text(config, "tax_bill_alt", v);
    return v;
}

}  // namespace thesaban::handlers
