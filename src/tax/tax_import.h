#pragma once
// Notices from the municipality's CSV export into the tax store. The header row names the columns
// (any order); each data row becomes one TaxRecord or, when something is wrong with it, one problem
// with its line number, and the good rows are imported regardless. The national ID is checked
// (13 digits, mod-11 check digit) and then reduced to a salted hash and its last 4 digits: the full
// number never leaves this file, and neither it nor the taxpayer's name appears in any problem text.
//
// Columns: notice_number, tax_year (พ.ศ.), tax_type, taxpayer_name, national_id, reference, amount,
// due_date; optional: paid_date, paid_amount, reminder_date, reminder_due_date.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "tax/tax_record.h"
#include "tax/tax_store.h"

namespace thesaban::tax {

// The file cannot be imported at all (no header, a required column missing, an unknown column).
class TaxImportError : public std::runtime_error {
public:
    TaxImportError(std::size_t line, const std::string& reason) : std::runtime_error(reason), line_(line) {}
    std::size_t line() const { return line_; }

private:
    std::size_t line_;
};

struct ImportProblem {
    std::size_t line = 0;
    std::string reason;  // never holds the national ID or the taxpayer's name
};

struct ParsedNotice {
    std::size_t line = 0;
    TaxRecord record;
};

struct ParsedNotices {
    std::vector<ParsedNotice> notices;
    std::vector<ImportProblem> problems;  // in line order
};

// Maps every data row; throws TaxImportError when the header makes the file unusable.
ParsedNotices parse_tax_notices(std::string_view csv, std::string_view salt);

struct ImportSummary {
    int inserted = 0;
    int updated = 0;
    int unchanged = 0;
    std::vector<ImportProblem> rejected;
};

// Parses and upserts each good row; throws TaxImportError (header) and whatever the store throws
// (store::RedisUnavailable): re-running the same file afterwards is safe, rows already in are unchanged.
ImportSummary import_tax_notices(std::string_view csv, std::string_view salt, TaxStore& store);

// --- the pieces, for tests and for the lookup flow that checks what a resident types ---

// "1-1037-02071-81-1", "๑๑๐๓๗๐๒๐๗๑๘๑๑", "1 1037 ..." -> the 13 ASCII digits; nullopt when the
// digits are not 13 or the check digit is wrong.
std::optional<std::string> normalize_national_id(std::string_view text);
// The Thai ID check digit: (11 - Σ d[i]·(13-i) mod 11) mod 10 over the first 12 digits.
bool national_id_checksum_ok(std::string_view digits13);
// Lower-case hex SHA-256 of salt followed by the 13 digits.
std::string hash_national_id(std::string_view salt, std::string_view digits13);
// "1,234.50" / "๑๒๓๔.๕" / "800" -> satang; nullopt for anything else (negative, 3 decimals, bad commas).
std::optional<int64_t> parse_baht(std::string_view text);
// "ภาษีป้าย" or "signboard" -> TaxType.
std::optional<TaxType> parse_tax_type(std::string_view text);

}  // namespace thesaban::tax
