#include "tax/tax_record.h"

#include <array>
#include <cstdio>

#include "core/text.h"

namespace thesaban::tax {
namespace {

constexpr std::array<std::pair<TaxType, const char*>, 3> kTypeKeys = {{
    {TaxType::land_building, "land_building"},
    {TaxType::signboard, "signboard"},
    {TaxType::garbage_fee, "garbage_fee"},
}};

// Reads exactly `width` ASCII digits at `pos`; -1 if any is not a digit.
int read_digits(std::string_view s, std::size_t pos, std::size_t width) {
    int n = 0;
    for (std::size_t i = pos; i < pos + width; ++i) {
        if (s[i] < '0' || s[i] > '9') return -1;
        n = n * 10 + (s[i] - '0');
    }
    return n;
}

}  // namespace

const char* tax_type_key(TaxType type) {
    for (const auto& [t, key] : kTypeKeys)
        if (t == type) return key;
    return "unknown";
}

std::optional<TaxType> tax_type_from_key(std::string_view key) {
    for (const auto& [t, k] : kTypeKeys)
        if (key == k) return t;
    return std::nullopt;
}

bool is_leap_year(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12) return 0;
    return month == 2 && is_leap_year(year) ? 29 : kDays[month - 1];
}

bool is_valid_date(const Date& date) {
    return date.year >= 1900 && date.year <= 2399 && date.month >= 1 && date.month <= 12 && date.day >= 1 &&
           date.day <= days_in_month(date.year, date.month);
}

std::optional<Date> parse_date(std::string_view input) {
    const std::string s = text::normalize_thai_digits(text::trim(input));
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    Date date{read_digits(s, 0, 4), read_digits(s, 5, 2), read_digits(s, 8, 2)};
    if (date.year < 0 || date.month < 0 || date.day < 0) return std::nullopt;
    // Thai exports often carry the Buddhist-Era year (2569 = 2026); no Gregorian date we handle is above 2400.
    if (date.year > 2400) date.year -= 543;
    if (!is_valid_date(date)) return std::nullopt;
    return date;
}

Date thai_date_at(int64_t epoch_ms) {
    // Days since 1970-01-01 in Thailand, then Howard Hinnant's civil_from_days.
    constexpr int64_t kMsPerDay = 86'400'000;
    constexpr int64_t kThailandOffsetMs = 7 * 3'600'000;
    int64_t local = epoch_ms + kThailandOffsetMs;
    int64_t z = (local >= 0 ? local : local - (kMsPerDay - 1)) / kMsPerDay + 719468;
    const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    const int year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
    return Date{year, month, day};
}

std::string format_iso(const Date& date) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", date.year, date.month, date.day);
    return buf;
}

}  // namespace thesaban::tax
