#pragma once
// RFC 4180 CSV as spreadsheets save it (Excel "CSV UTF-8", LibreOffice, Google Sheets): fields
// separated by commas, quoted when they hold commas, quotes or line breaks, a quote inside quotes
// doubled. Records end with CRLF, LF or a lone CR; a UTF-8 byte-order mark at the start is dropped.
// Line numbers count physical lines, so a record whose quoted field spans lines still points the
// officer at the row a spreadsheet shows, and a broken record does not stop the ones after it.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace thesaban::tax {

struct CsvRecord {
    std::size_t line = 0;  // 1-based physical line the record starts on
    std::vector<std::string> fields;
    std::string error;  // non-empty: the record is malformed (fields then hold what was read)
};

// Every record in `text`, blank lines left out. Never throws on malformed input: a malformed record
// carries its error and reading resumes on the next line.
std::vector<CsvRecord> read_csv(std::string_view text);

}  // namespace thesaban::tax
