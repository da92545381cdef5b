#include "tax/tax_import.h"

#include <openssl/evp.h>

#include <array>
#include <map>
#include <utility>

#include "core/log.h"
#include "core/text.h"
#include "tax/csv_reader.h"
#include "tax/notice_number.h"

namespace thesaban::tax {
namespace {

enum Column {
    kNoticeNumber,
    kTaxYear,
    kTaxType,
    kTaxpayerName,
    kNationalId,
    kReference,
    kAmount,
    kDueDate,
    kPaidDate,
    kPaidAmount,
    kReminderDate,
    kReminderDueDate,
    kColumnCount
};

struct ColumnSpec {
    const char* name;
    bool required;
};

constexpr std::array<ColumnSpec, kColumnCount> kColumns{{
    {"notice_number", true},
    {"tax_year", true},
    {"tax_type", true},
    {"taxpayer_name", true},
    {"national_id", true},
    {"reference", true},
    {"amount", true},
    {"due_date", true},
    {"paid_date", false},
    {"paid_amount", false},
    {"reminder_date", false},
    {"reminder_due_date", false},
}};

// Land-and-building tax started in 2563 (2020); anything far outside is a typo or a Gregorian year.
constexpr int kMinTaxYear = 2500;
constexpr int kMaxTaxYear = 2700;
constexpr std::size_t kMaxNoticeNumberBytes = 64;
constexpr std::size_t kMaxTextBytes = 500;
// 12 digits of baht keeps satang far inside int64 and is more than any municipal notice.
constexpr std::size_t kMaxBahtDigits = 12;

std::string lower_ascii(std::string s) {
    for (char& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}

// `allow_line_breaks`: a reference may be written on two lines in its cell (Alt+Enter), a name may not.
bool has_control_characters(std::string_view s, bool allow_line_breaks = false) {
    for (unsigned char c : s)
        if ((c < 0x20 && !(allow_line_breaks && c == '\n')) || c == 0x7F) return true;
    return false;
}

// A header cell shown back to the officer: digits masked in case a data row was taken for the header.
std::string shown_header(const std::string& name) {
    bool digits = false;
    for (char c : name) digits = digits || (c >= '0' && c <= '9');
    std::string out = digits ? log::mask_digits(name) : name;
    return "\"" + text::truncate_utf16(out, 40) + "\"";
}

// Which CSV field holds each column; -1 when the column is absent.
using ColumnIndex = std::array<int, kColumnCount>;

ColumnIndex map_header(const CsvRecord& header) {
    if (!header.error.empty()) throw TaxImportError(header.line, "header row: " + header.error);
    ColumnIndex index;
    index.fill(-1);
    std::vector<std::string> unknown;
    int known = 0;
    for (std::size_t i = 0; i < header.fields.size(); ++i) {
        const std::string name = lower_ascii(text::trim(header.fields[i]));
        if (name.empty()) continue;  // a spreadsheet's trailing empty column; its cells must stay empty
        std::size_t c = 0;
        while (c < kColumns.size() && name != kColumns[c].name) ++c;
        if (c == kColumns.size()) {
            unknown.push_back(name);
            continue;
        }
        if (index[c] >= 0) throw TaxImportError(header.line, "column " + name + " appears twice in the header row");
        index[c] = static_cast<int>(i);
        ++known;
    }
    if (known == 0)
        throw TaxImportError(header.line,
                             "the first line is not a header row (it must name the columns, e.g. notice_number)");
    if (!unknown.empty()) {
        std::string list;
        for (const auto& u : unknown) list += (list.empty() ? "" : ", ") + shown_header(u);
        throw TaxImportError(header.line, "unknown column" + std::string(unknown.size() > 1 ? "s " : " ") + list);
    }
    std::string missing;
    for (std::size_t c = 0; c < kColumns.size(); ++c)
        if (kColumns[c].required && index[c] < 0)
            missing += (missing.empty() ? "" : ", ") + std::string(kColumns[c].name);
    if (!missing.empty()) throw TaxImportError(header.line, "missing column(s): " + missing);
    return index;
}

// One row's problem; its text is made here, never from the cell's content.
struct RowProblem {
    std::string reason;
};

class RowMapper {
public:
    RowMapper(const CsvRecord& row, const ColumnIndex& index) : row_(row), index_(index) {}

    // Trimmed cell, empty when the column is absent.
    std::string cell(Column c) const {
        return index_[c] < 0 ? std::string() : text::trim(row_.fields[static_cast<std::size_t>(index_[c])]);
    }
    std::string digits_cell(Column c) const { return text::normalize_thai_digits(cell(c)); }

    std::string required_text(Column c, std::size_t max_bytes) const {
        std::string value = cell(c);
        if (value.empty()) fail(c, "is empty");
        if (value.size() > max_bytes) fail(c, "is longer than " + std::to_string(max_bytes) + " bytes");
        if (has_control_characters(value)) fail(c, "contains a line break or control character");
        return value;
    }

    std::optional<Date> date(Column c, bool required) const {
        const std::string value = cell(c);
        if (value.empty()) {
            if (required) fail(c, "is empty");
            return std::nullopt;
        }
        auto parsed = parse_date(value);
        if (!parsed) fail(c, "is not a date YYYY-MM-DD (พ.ศ. or ค.ศ.) that exists on the calendar");
        // Also keeps the stored ISO date unambiguous: a Gregorian year over 2400 would read back as พ.ศ.
        if (parsed->year + 543 < kMinTaxYear || parsed->year + 543 > kMaxTaxYear)
            fail(c, "is outside the years พ.ศ. " + std::to_string(kMinTaxYear) + "–" + std::to_string(kMaxTaxYear));
        return parsed;
    }

    std::optional<int64_t> money(Column c, bool required) const {
        const std::string value = cell(c);
        if (value.empty()) {
            if (required) fail(c, "is empty");
            return std::nullopt;
        }
        auto satang = parse_baht(value);
        if (!satang) fail(c, "is not an amount in baht (digits, optional thousands commas, at most 2 decimals)");
        if (*satang == 0) fail(c, "is zero");
        return satang;
    }

    [[noreturn]] static void fail(Column c, const std::string& what) {
        throw RowProblem{std::string(kColumns[c].name) + " " + what};
    }
    [[noreturn]] static void fail(const std::string& what) { throw RowProblem{what}; }

private:
    const CsvRecord& row_;
    const ColumnIndex& index_;
};

bool blank(const CsvRecord& row) {
    for (const auto& f : row.fields)
        if (!text::trim(f).empty()) return false;
    return true;
}

TaxRecord map_row(const CsvRecord& row, const ColumnIndex& index, std::string_view salt) {
    const RowMapper m(row, index);
    TaxRecord r;
    r.notice_number = m.required_text(kNoticeNumber, kMaxNoticeNumberBytes);

    const std::string year = m.digits_cell(kTaxYear);
    if (year.size() != 4 || year.find_first_not_of("0123456789") != std::string::npos)
        m.fail(kTaxYear, "is not a year พ.ศ. (4 digits, e.g. 2569)");
    r.tax_year = std::stoi(year);
    if (r.tax_year < kMinTaxYear || r.tax_year > kMaxTaxYear)
        m.fail(kTaxYear, "must be a Buddhist-Era year (พ.ศ.) such as 2569");

    const auto type = parse_tax_type(m.cell(kTaxType));
    if (!type)
        m.fail(kTaxType,
               "is not one of land_building, signboard, garbage_fee (or ภาษีที่ดินและสิ่งปลูกสร้าง, ภาษีป้าย, "
               "ค่าธรรมเนียมขยะ)");
    r.type = *type;

    r.taxpayer_name = m.required_text(kTaxpayerName, kMaxTextBytes);

    const std::string id_text = m.cell(kNationalId);
    if (id_text.empty()) m.fail(kNationalId, "is empty");
    if (id_text.find_first_of("eE") != std::string::npos || id_text.find('.') != std::string::npos)
        m.fail(kNationalId, "was shortened by the spreadsheet to a number like 1.1E+12 (format the column as text)");
    const auto id = normalize_national_id(id_text);
    if (!id) m.fail(kNationalId, "is not a valid 13-digit national ID (wrong length or check digit)");
    r.national_id_hash = hash_national_id(salt, *id);
    r.national_id_last4 = id->substr(9);

    r.reference = m.cell(kReference);
    if (r.reference.size() > kMaxTextBytes)
        m.fail(kReference, "is longer than " + std::to_string(kMaxTextBytes) + " bytes");
    if (has_control_characters(r.reference, /*allow_line_breaks=*/true))
        m.fail(kReference, "contains a control character");

    r.amount_satang = *m.money(kAmount, true);
    r.due_date = *m.date(kDueDate, true);

    r.paid_date = m.date(kPaidDate, false);
    const auto paid = m.money(kPaidAmount, false);
    if (paid && !r.paid_date) m.fail("paid_amount is given without paid_date");
    if (r.paid_date && !paid) m.fail("paid_date is given without paid_amount");
    r.paid_amount_satang = paid.value_or(0);

    r.reminder_date = m.date(kReminderDate, false);
    r.reminder_due_date = m.date(kReminderDueDate, false);
    if (r.reminder_due_date && !r.reminder_date) m.fail("reminder_due_date is given without reminder_date");
    if (r.reminder_date && *r.reminder_date < r.due_date) m.fail("reminder_date is before due_date");
    if (r.reminder_due_date && *r.reminder_due_date < *r.reminder_date)
        m.fail("reminder_due_date is before reminder_date");
    return r;
}

}  // namespace

std::optional<std::string> normalize_national_id(std::string_view text) {
    const std::string normalized = text::normalize_thai_digits(text::trim(text));
    std::string digits;
    for (char c : normalized) {
        if (c >= '0' && c <= '9') {
            digits += c;
        } else if (c != '-' && c != ' ') {
            return std::nullopt;
        }
    }
    if (digits.size() != 13 || !national_id_checksum_ok(digits)) return std::nullopt;
    return digits;
}

bool national_id_checksum_ok(std::string_view d) {
    if (d.size() != 13) return false;
    int sum = 0;
    for (std::size_t i = 0; i < 13; ++i) {
        if (d[i] < '0' || d[i] > '9') return false;
        if (i < 12) sum += (d[i] - '0') * static_cast<int>(13 - i);
    }
    return (11 - sum % 11) % 10 == d[12] - '0';
}

std::string hash_national_id(std::string_view salt, std::string_view digits13) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    const bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) == 1 &&
                    EVP_DigestUpdate(ctx, salt.data(), salt.size()) == 1 &&
                    EVP_DigestUpdate(ctx, digits13.data(), digits13.size()) == 1 &&
                    EVP_DigestFinal_ex(ctx, digest, &length) == 1;
    EVP_MD_CTX_free(ctx);
    if (!ok) throw std::runtime_error("SHA-256 failed");
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(std::size_t{length} * 2);
    for (unsigned int i = 0; i < length; ++i) {
        hex += kHex[digest[i] >> 4];
        hex += kHex[digest[i] & 0x0F];
    }
    return hex;
}

std::optional<int64_t> parse_baht(std::string_view text) {
    const std::string s = text::normalize_thai_digits(text::trim(text));
    const std::size_t dot = s.find('.');
    const std::string whole = s.substr(0, dot);
    const std::string fraction = dot == std::string::npos ? "" : s.substr(dot + 1);
    if (whole.empty() || (dot != std::string::npos && (fraction.empty() || fraction.size() > 2))) return std::nullopt;
    if (fraction.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;

    // Commas only as thousands separators: "1,234,567", never "12,34" or "1,,000".
    std::string digits;
    const bool grouped = whole.find(',') != std::string::npos;
    std::size_t since_comma = 0;
    bool seen_comma = false;
    for (std::size_t i = 0; i < whole.size(); ++i) {
        const char c = whole[i];
        if (c == ',') {
            if (i == 0 || (seen_comma && since_comma != 3) || (!seen_comma && since_comma > 3)) return std::nullopt;
            seen_comma = true;
            since_comma = 0;
        } else if (c >= '0' && c <= '9') {
            digits += c;
            ++since_comma;
        } else {
            return std::nullopt;
        }
    }
    if (grouped && since_comma != 3) return std::nullopt;
    if (digits.size() > kMaxBahtDigits) return std::nullopt;

    int64_t satang = 0;
    for (char c : digits) satang = satang * 10 + (c - '0');
    satang *= 100;
    if (!fraction.empty()) satang += (fraction[0] - '0') * 10 + (fraction.size() == 2 ? fraction[1] - '0' : 0);
    return satang;
}

std::optional<TaxType> parse_tax_type(std::string_view text) {
    const std::string s = lower_ascii(text::trim(text));
    if (auto key = tax_type_from_key(s)) return key;
    if (s == "ภาษีที่ดินและสิ่งปลูกสร้าง") return TaxType::land_building;
    if (s == "ภาษีป้าย") return TaxType::signboard;
    if (s == "ค่าธรรมเนียมขยะ") return TaxType::garbage_fee;
    return std::nullopt;
}

ParsedNotices parse_tax_notices(std::string_view csv, std::string_view salt) {
    const std::vector<CsvRecord> records = read_csv(csv);
    if (records.empty()) throw TaxImportError(1, "the file is empty (a header row is required)");
    const ColumnIndex index = map_header(records.front());
    const std::size_t columns = records.front().fields.size();
    std::vector<std::size_t> unnamed;
    for (std::size_t i = 0; i < columns; ++i)
        if (text::trim(records.front().fields[i]).empty()) unnamed.push_back(i);

    ParsedNotices out;
    std::map<std::string, std::size_t> first_line_of;  // normalised notice number -> line
    for (std::size_t i = 1; i < records.size(); ++i) {
        const CsvRecord& row = records[i];
        if (!row.error.empty()) {
            out.problems.push_back({row.line, row.error});
            continue;
        }
        if (blank(row)) continue;  // a spreadsheet's empty row, ",,,,"
        if (row.fields.size() != columns) {
            out.problems.push_back({row.line, "has " + std::to_string(row.fields.size()) + " fields, the header has " +
                                                  std::to_string(columns)});
            continue;
        }
        try {
            for (std::size_t i : unnamed)
                if (!text::trim(row.fields[i]).empty())
                    RowMapper::fail("has a value in column " + std::to_string(i + 1) +
                                    ", which has no name in the header row");
            TaxRecord record = map_row(row, index, salt);
            auto [it, fresh] = first_line_of.emplace(normalize_notice_number(record.notice_number), row.line);
            if (!fresh) RowMapper::fail("notice_number repeats the one on line " + std::to_string(it->second));
            out.notices.push_back({row.line, std::move(record)});
        } catch (const RowProblem& problem) {
            out.problems.push_back({row.line, problem.reason});
        }
    }
    return out;
}

ImportSummary import_tax_notices(std::string_view csv, std::string_view salt, TaxStore& store) {
    ParsedNotices parsed = parse_tax_notices(csv, salt);
    ImportSummary summary;
    summary.rejected = std::move(parsed.problems);
    for (const auto& notice : parsed.notices) {
        switch (store.upsert(notice.record)) {
            case ImportOutcome::inserted:
                ++summary.inserted;
                break;
            case ImportOutcome::updated:
                ++summary.updated;
                break;
            case ImportOutcome::unchanged:
                ++summary.unchanged;
                break;
        }
    }
    return summary;
}

}  // namespace thesaban::tax
