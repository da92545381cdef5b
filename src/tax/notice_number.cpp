#include "tax/notice_number.h"

#include "core/text.h"

namespace thesaban::tax {

std::string normalize_notice_number(std::string_view text) {
    std::string out = text::normalize_thai_digits(text::trim(text));
    for (char& c : out)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return out;
}

}  // namespace thesaban::tax
