// libFuzzer target for the tax import: the CSV comes from whatever the tax office's spreadsheet
// saved, so the reader and the row mapping must survive any bytes, and no problem text may carry a
// national ID, whatever column it was shifted into.
// Built as build/fuzz/tax_csv_fuzz with -DCMAKE_CXX_COMPILER=clang++ -DTHESABAN_FUZZ=ON; seeds in
// tests/fuzz/corpus/tax_csv/ (see tests/fuzz/CMakeLists.txt).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "tax/csv_reader.h"
#include "tax/tax_import.h"
#include "tax/tax_record_json.h"

namespace {

bool has_digit_run(std::string_view s, std::size_t length) {
    std::size_t run = 0;
    for (char c : s) {
        run = (c >= '0' && c <= '9') ? run + 1 : 0;
        if (run >= length) return true;
    }
    return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace thesaban::tax;
    const std::string_view csv(reinterpret_cast<const char*>(data), size);

    std::size_t previous = 0;
    for (const auto& record : read_csv(csv)) {
        if (record.line <= previous) __builtin_trap();  // lines only move forward
        previous = record.line;
    }

    try {
        const ParsedNotices parsed = parse_tax_notices(csv, "fuzz-salt-0123456789");
        for (const auto& problem : parsed.problems)
            if (has_digit_run(problem.reason, 13)) __builtin_trap();
        for (const auto& notice : parsed.notices) {
            const std::string json = tax_record_to_json(notice.record);
            const auto again = tax_record_from_json(json);
            if (!again || tax_record_to_json(*again) != json) __builtin_trap();
            if (notice.record.national_id_last4.size() != 4) __builtin_trap();
        }
    } catch (const TaxImportError& e) {
        if (has_digit_run(e.what(), 13)) __builtin_trap();
    }
    return 0;
}
