#include "tax/csv_reader.h"

#include <utility>

namespace thesaban::tax {
namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

// Well-formed UTF-8 (no overlongs, no surrogates, at most U+10FFFF). A sheet saved as plain
// "CSV" by Thai Windows Excel is TIS-620, which would otherwise be stored as garbage.
bool valid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t extra = 0;  // continuation bytes
        unsigned min = 0;       // smallest code point that needs this many bytes (no overlongs)
        unsigned code = 0;
        if (c >= 0xC2 && c <= 0xDF) {
            extra = 1;
            min = 0x80;
            code = c & 0x1Fu;
        } else if (c >= 0xE0 && c <= 0xEF) {
            extra = 2;
            min = 0x800;
            code = c & 0x0Fu;
        } else if (c >= 0xF0 && c <= 0xF4) {
            extra = 3;
            min = 0x10000;
            code = c & 0x07u;
        } else {
            return false;
        }
        if (i + extra >= s.size()) return false;
        for (std::size_t k = 1; k <= extra; ++k) {
            const unsigned char d = static_cast<unsigned char>(s[i + k]);
            if ((d & 0xC0) != 0x80) return false;
            code = (code << 6) | (d & 0x3F);
        }
        if (code < min || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
        i += extra + 1;
    }
    return true;
}

class Reader {
public:
    explicit Reader(std::string_view text) : text_(text) {
        if (text_.substr(0, kUtf8Bom.size()) == kUtf8Bom) text_.remove_prefix(kUtf8Bom.size());
    }

    std::vector<CsvRecord> read_all() {
        std::vector<CsvRecord> records;
        while (pos_ < text_.size()) {
            CsvRecord record = read_record();
            const bool blank = record.error.empty() && record.fields.size() == 1 && record.fields[0].empty();
            if (!blank) records.push_back(std::move(record));
        }
        return records;
    }

private:
    bool at_end() const { return pos_ >= text_.size(); }
    char peek() const { return text_[pos_]; }

    // At CR, LF or CRLF: consumes the break, counts the line and returns true.
    bool take_line_break() {
        if (at_end()) return false;
        if (peek() == '\r') {
            ++pos_;
            if (!at_end() && peek() == '\n') ++pos_;
        } else if (peek() == '\n') {
            ++pos_;
        } else {
            return false;
        }
        ++line_;
        return true;
    }

    // After a malformed field: drops the rest of the physical line so the next record starts clean.
    void skip_rest_of_line() {
        while (!at_end() && !take_line_break()) ++pos_;
    }

    CsvRecord read_record() {
        CsvRecord record;
        record.line = line_;
        const std::size_t start = pos_;
        while (true) {
            std::string field;
            if (!at_end() && peek() == '"') {
                if (!read_quoted(field, record)) return finish(record, start);
            } else {
                while (!at_end() && peek() != ',' && peek() != '\r' && peek() != '\n') {
                    if (peek() == '"') {
                        record.error = "a quote inside a field that does not start with a quote";
                        record.fields.push_back(std::move(field));
                        skip_rest_of_line();
                        return finish(record, start);
                    }
                    field += peek();
                    ++pos_;
                }
            }
            record.fields.push_back(std::move(field));
            if (at_end()) return finish(record, start);
            if (peek() == ',') {
                ++pos_;
                continue;
            }
            take_line_break();
            return finish(record, start);
        }
    }

    // At the opening quote. False when the record is malformed (error set, input skipped past it).
    bool read_quoted(std::string& field, CsvRecord& record) {
        ++pos_;
        while (true) {
            if (at_end()) {
                record.error = "a quoted field is never closed";
                return false;
            }
            const char c = peek();
            if (c == '"') {
                ++pos_;
                if (!at_end() && peek() == '"') {
                    field += '"';
                    ++pos_;
                    continue;
                }
                if (at_end() || peek() == ',' || peek() == '\r' || peek() == '\n') return true;
                record.error = "text after the closing quote of a field";
                skip_rest_of_line();
                return false;
            }
            if (c == '\r' || c == '\n') {
                take_line_break();  // counts the physical line; kept as one LF in the field
                field += '\n';
                continue;
            }
            field += c;
            ++pos_;
        }
    }

    CsvRecord finish(CsvRecord& record, std::size_t start) {
        if (record.error.empty() && !valid_utf8(text_.substr(start, pos_ - start)))
            record.error = "not UTF-8 text (save the sheet as \"CSV UTF-8\")";
        return std::move(record);
    }

    std::string_view text_;
    std::size_t pos_ = 0;
    std::size_t line_ = 1;
};

}  // namespace

std::vector<CsvRecord> read_csv(std::string_view text) { return Reader(text).read_all(); }

}  // namespace thesaban::tax
