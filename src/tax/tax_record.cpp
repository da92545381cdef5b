// TEMPORARY (taxrecords): replaced by the taxcore branch
#include "tax/tax_record.h"

#include <cstdio>

#include "core/text.h"

namespace thesaban::tax {
namespace {

bool leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

int days_in_month(int year, int month) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && leap(year) ? 29 : kDays[month - 1];
}

// Exactly `count` ASCII digits.
std::optional<int> digits(std::string_view s, std::size_t count) {
    if (s.size() != count) return std::nullopt;
    int value = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    return value;
}

}  // namespace

const char* tax_type_key(TaxType type) {
    switch (type) {
        case TaxType::land_building:
            return "land_building";
        case TaxType::signboard:
            return "signboard";
        case TaxType::garbage_fee:
            return "garbage_fee";
    }
    return "land_building";
}

std::optional<TaxType> tax_type_from_key(std::string_view key) {
    if (key == "land_building") return TaxType::land_building;
    if (key == "signboard") return TaxType::signboard;
    if (key == "garbage_fee") return TaxType::garbage_fee;
    return std::nullopt;
}

std::optional<Date> parse_date(std::string_view iso) {
    const std::string s = text::normalize_thai_digits(text::trim(iso));
    if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
    auto year = digits(std::string_view(s).substr(0, 4), 4);
    auto month = digits(std::string_view(s).substr(5, 2), 2);
    auto day = digits(std::string_view(s).substr(8, 2), 2);
    if (!year || !month || !day) return std::nullopt;
    int y = *year > 2400 ? *year - 543 : *year;
    if (y < 1 || *month < 1 || *month > 12 || *day < 1 || *day > days_in_month(y, *month)) return std::nullopt;
    return Date{y, *month, *day};
}

std::string format_iso(const Date& date) {
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02d-%02d", date.year, date.month, date.day);
    return text;
}

}  // namespace thesaban::tax
