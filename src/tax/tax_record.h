#pragma once
// A tax or fee notice as exported by the municipality's tax system. Money is kept in satang
// (1/100 baht) so sums are exact. The national ID is never stored: only a salted hash and its
// last four digits, enough to check the resident who asks is the taxpayer.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace thesaban::tax {

enum class TaxType { land_building, signboard, garbage_fee };
const char* tax_type_key(TaxType type);  // "land_building", "signboard", "garbage_fee"
std::optional<TaxType> tax_type_from_key(std::string_view key);

// A calendar date (Gregorian), as the law counts days and months.
struct Date {
    int year = 0;   // Gregorian, e.g. 2026 (residents see year + 543)
    int month = 0;  // 1–12
    int day = 0;    // 1–31
    auto operator<=>(const Date&) const = default;
};
std::optional<Date> parse_date(std::string_view iso);  // "YYYY-MM-DD"; also accepts a Buddhist-Era year (> 2400)
std::string format_iso(const Date& date);
bool is_leap_year(int year);             // Gregorian
int days_in_month(int year, int month);  // 28–31
bool is_valid_date(const Date& date);    // a real calendar day, years 1900–2399
// The calendar date in Thailand (UTC+7, no daylight saving) at a Unix time in milliseconds.
Date thai_date_at(int64_t epoch_ms);

struct TaxRecord {
    std::string notice_number;  // e.g. "ภดส.3-2569-000123" or "2569/00123"
    int tax_year = 0;           // Buddhist Era, e.g. 2569
    TaxType type = TaxType::land_building;
    std::string taxpayer_name;
    std::string national_id_hash;   // hex SHA-256 of salt + the 13 digits
    std::string national_id_last4;
    std::string reference;          // parcel (โฉนด) or sign reference
    int64_t amount_satang = 0;      // the tax assessed
    Date due_date;
    std::optional<Date> paid_date;
    int64_t paid_amount_satang = 0;
    // Land and building tax: the penalty rises with the stage reached (มาตรา 68): 10 % when paid
    // late before a reminder was sent, 20 % when paid within the reminder's deadline, 40 % after it.
    std::optional<Date> reminder_date;      // หนังสือแจ้งเตือน sent
    std::optional<Date> reminder_due_date;  // the deadline the reminder gave
};

}  // namespace thesaban::tax
