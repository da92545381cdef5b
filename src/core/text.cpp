#include "core/text.h"

namespace thesaban::text {
namespace {
// Returns the byte length of the UTF-8 sequence starting with `lead` (1 for invalid bytes).
std::size_t sequence_length(unsigned char lead) {
    if (lead < 0x80) return 1;
    if ((lead >> 5) == 0x6) return 2;
    if ((lead >> 4) == 0xE) return 3;
    if ((lead >> 3) == 0x1E) return 4;
    return 1;
}
}  // namespace

std::size_t utf16_length(std::string_view s) {
    std::size_t units = 0;
    for (std::size_t i = 0; i < s.size();) {
        std::size_t len = sequence_length(static_cast<unsigned char>(s[i]));
        units += (len == 4) ? 2 : 1;
        i += len;
    }
    return units;
}

std::string normalize_thai_digits(std::string_view s) {
    // Thai digits are U+0E50..U+0E59: E0 B9 90..99 in UTF-8.
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (i + 2 < s.size() && static_cast<unsigned char>(s[i]) == 0xE0 && static_cast<unsigned char>(s[i + 1]) == 0xB9 &&
            static_cast<unsigned char>(s[i + 2]) >= 0x90 && static_cast<unsigned char>(s[i + 2]) <= 0x99) {
            out += static_cast<char>('0' + (static_cast<unsigned char>(s[i + 2]) - 0x90));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::string trim(std::string_view s) {
    auto is_space_at = [&](std::size_t i, std::size_t& len) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            len = 1;
            return true;
        }
        // U+00A0 (C2 A0), U+200B (E2 80 8B), U+FEFF (EF BB BF)
        if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) {
            len = 2;
            return true;
        }
        if (i + 2 < s.size() && ((c == 0xE2 && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
                                  static_cast<unsigned char>(s[i + 2]) == 0x8B) ||
                                 (c == 0xEF && static_cast<unsigned char>(s[i + 1]) == 0xBB &&
                                  static_cast<unsigned char>(s[i + 2]) == 0xBF))) {
            len = 3;
            return true;
        }
        return false;
    };
    std::size_t begin = 0, len = 0;
    while (begin < s.size() && is_space_at(begin, len)) begin += len;
    std::size_t end = s.size();
    // Walk back over trailing spaces: check each possible width ending at `end`.
    while (end > begin) {
        if (is_space_at(end - 1, len) && len == 1) { --end; continue; }
        if (end >= begin + 2 && is_space_at(end - 2, len) && len == 2) { end -= 2; continue; }
        if (end >= begin + 3 && is_space_at(end - 3, len) && len == 3) { end -= 3; continue; }
        break;
    }
    return std::string(s.substr(begin, end - begin));
}

std::string truncate_utf16(std::string_view s, std::size_t max_units) {
    std::size_t units = 0, i = 0;
    while (i < s.size()) {
        std::size_t len = sequence_length(static_cast<unsigned char>(s[i]));
        std::size_t u = (len == 4) ? 2 : 1;
        if (units + u > max_units || i + len > s.size()) break;
        units += u;
        i += len;
    }
    return std::string(s.substr(0, i));
}

std::u32string to_utf32(std::string_view s) {
    std::u32string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        const auto lead = static_cast<unsigned char>(s[i]);
        const std::size_t len = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
        if (len == 0 || i + len > s.size()) {
            out += U'\uFFFD';
            ++i;
            continue;
        }
        char32_t c = len == 1 ? lead : len == 2 ? (lead & 0x1F) : len == 3 ? (lead & 0x0F) : (lead & 0x07);
        bool valid = true;
        for (std::size_t k = 1; k < len; ++k) {
            const auto cont = static_cast<unsigned char>(s[i + k]);
            if ((cont & 0xC0) != 0x80) valid = false;
            c = (c << 6) | (cont & 0x3F);
        }
        out += valid ? c : U'\uFFFD';
        i += valid ? len : 1;
    }
    return out;
}

void append_utf8(std::string& out, char32_t c) {
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else if (c < 0x800) {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
        out += static_cast<char>(0xE0 | (c >> 12));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (c >> 18));
        out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
}

std::string to_utf8(std::u32string_view text) {
    std::string out;
    out.reserve(text.size() * 3);
    for (char32_t c : text) append_utf8(out, c);
    return out;
}

}  // namespace thesaban::text
