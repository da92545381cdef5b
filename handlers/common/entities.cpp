#include "handlers/common/entities.h"

#include <array>

#include "core/text.h"

namespace thesaban::handlers {
namespace {

bool is_digit(char32_t c) { return c >= '0' && c <= '9'; }
bool is_space(char32_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xA0 || c == 0x200B; }
bool is_thai_consonant(char32_t c) { return c >= 0x0E01 && c <= 0x0E2E; }
char32_t lower(char32_t c) { return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c; }

// Thai and full-width digits as ASCII; nothing else changes (positions stay one per character).
std::u32string fold_digits(std::string_view text) {
    std::u32string s = text::to_utf32(text);
    for (char32_t& c : s) {
        if (c >= 0x0E50 && c <= 0x0E59) c = '0' + (c - 0x0E50);
        if (c >= 0xFF10 && c <= 0xFF19) c = '0' + (c - 0xFF10);
    }
    return s;
}

std::size_t digits_at(const std::u32string& s, std::size_t i) {
    std::size_t j = i;
    while (j < s.size() && is_digit(s[j])) ++j;
    return j - i;
}

std::size_t skip(const std::u32string& s, std::size_t i, std::u32string_view chars) {
    while (i < s.size() && (chars.find(s[i]) != std::u32string_view::npos || is_space(s[i]))) ++i;
    return i;
}

bool starts_with(const std::u32string& s, std::size_t i, std::u32string_view word) {
    return s.compare(i, word.size(), word) == 0;
}

// PREFIX-YYYY-NNNNNN, case-insensitive, dashes or spaces between, the sequence padded to 6 digits.
// The matched characters are blanked so the phone search does not read them.
std::optional<std::string> take_ticket(std::u32string& s, std::string_view prefix_utf8) {
    const std::u32string prefix = text::to_utf32(prefix_utf8);
    if (prefix.empty()) return std::nullopt;
    for (std::size_t i = 0; i + prefix.size() <= s.size(); ++i) {
        bool same = true;
        for (std::size_t k = 0; k < prefix.size() && same; ++k) same = lower(s[i + k]) == lower(prefix[k]);
        if (!same || (i > 0 && lower(s[i - 1]) >= 'a' && lower(s[i - 1]) <= 'z')) continue;
        std::size_t j = skip(s, i + prefix.size(), U"-_.");
        const std::size_t run = digits_at(s, j);
        // "PNK2569000015": the year and the sequence typed together.
        if (run < 4 || run > 10) continue;
        const std::u32string year = s.substr(j, 4);
        j = run > 4 ? j + 4 : skip(s, j + 4, U"-_./");
        const std::size_t n = digits_at(s, j);
        if (n == 0 || n > 6) continue;
        const std::u32string seq = s.substr(j, n);
        for (std::size_t k = i; k < j + n; ++k) s[k] = ' ';
        return std::string(prefix_utf8) + "-" + text::to_utf8(year) + "-" + std::string(6 - n, '0') + text::to_utf8(seq);
    }
    return std::nullopt;
}

// [letters[.] [digits]] [-] YYYY / NNNN as on the notice ("ภดส.6-๒๕๖๙/๐๐๐๑", "ภดส 6-2569/0001",
// "2569/0001"); the year must look like one (25xx พ.ศ. or 20xx ค.ศ.).
std::optional<std::string> take_notice(std::u32string& s) {
    for (std::size_t slash = 0; slash < s.size(); ++slash) {
        if (s[slash] != '/') continue;
        std::size_t end = skip(s, slash + 1, U"");
        const std::size_t n = digits_at(s, end);
        if (n == 0 || n > 6) continue;
        std::size_t y = slash;
        while (y > 0 && is_space(s[y - 1])) --y;
        if (y < 4 || digits_at(s, y - 4) != 4 || (y > 4 && is_digit(s[y - 5]))) continue;
        const std::u32string year = s.substr(y - 4, 4);
        if (!(year.rfind(U"25", 0) == 0 || year.rfind(U"20", 0) == 0)) continue;
        std::size_t start = y - 4;
        std::u32string head;  // letters and their number, e.g. ภดส6
        std::size_t k = start;
        while (k > 0 && (s[k - 1] == '-' || is_space(s[k - 1]))) --k;
        std::size_t digits_end = k;
        while (k > 0 && is_digit(s[k - 1]) && digits_end - k < 2) --k;
        std::u32string number = s.substr(k, digits_end - k);
        std::size_t letters_end = k;
        while (letters_end > 0 && (s[letters_end - 1] == '.' || is_space(s[letters_end - 1]))) --letters_end;
        std::size_t letters_start = letters_end;
        while (letters_start > 0 && (is_thai_consonant(s[letters_start - 1]) || s[letters_start - 1] == '.') &&
               letters_end - letters_start < 8)
            --letters_start;
        std::u32string letters;
        for (std::size_t i = letters_start; i < letters_end; ++i)
            if (s[i] != '.') letters += s[i];
        if (!letters.empty() && letters.size() <= 5) {
            head = letters + number;
            start = letters_start;
        } else if (!number.empty()) {
            head = number;
            start = k;
        }
        std::string out = text::to_utf8(head);
        if (!out.empty()) out += "-";
        out += text::to_utf8(year) + "/" + text::to_utf8(s.substr(end, n));
        for (std::size_t i = start; i < end + n; ++i) s[i] = ' ';
        return out;
    }
    return std::nullopt;
}

std::optional<std::string> find_phone(const std::u32string& s) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (!(is_digit(s[i]) || s[i] == '+')) continue;
        if (i > 0 && is_digit(s[i - 1])) continue;
        std::string digits;
        std::size_t j = i;
        if (s[j] == '+') ++j;
        while (j < s.size()) {
            if (is_digit(s[j])) {
                digits += static_cast<char>(s[j]);
                ++j;
            } else if ((s[j] == '-' || s[j] == ' ' || s[j] == '.' || s[j] == '(' || s[j] == ')') && j + 1 < s.size() &&
                       (is_digit(s[j + 1]) || s[j + 1] == '(')) {
                ++j;
            } else {
                break;
            }
        }
        if (digits.rfind("66", 0) == 0 && (digits.size() == 11 || digits.size() == 10)) digits = "0" + digits.substr(2);
        const bool mobile = digits.size() == 10 && digits[0] == '0' && (digits[1] == '6' || digits[1] == '8' || digits[1] == '9');
        const bool landline = digits.size() == 9 && digits[0] == '0' && digits[1] >= '2' && digits[1] <= '7';
        if (mobile || landline) return digits;
        i = j;
    }
    return std::nullopt;
}

// The message without spaces and the polite particles that close it.
std::u32string bare(std::string_view text) {
    std::u32string s;
    for (char32_t c : fold_digits(text))
        if (!is_space(c) && c != '!' && c != '.' && c != '~') s += c;
    static const std::array<std::u32string_view, 8> particles = {U"ค่ะ", U"คะ", U"ครับ", U"คับ", U"จ้า", U"จ้ะ", U"นะ", U"ค่า"};
    for (bool again = true; again;) {
        again = false;
        for (auto p : particles)
            if (s.size() > p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0) {
                s.resize(s.size() - p.size());
                again = true;
            }
    }
    return s;
}

std::optional<int> find_village(const std::u32string& s) {
    for (std::u32string_view marker : {std::u32string_view(U"หมู่ที่"), std::u32string_view(U"หมู่"), std::u32string_view(U"ม.")}) {
        for (std::size_t i = s.find(marker); i != std::u32string::npos; i = s.find(marker, i + 1)) {
            std::size_t j = skip(s, i + marker.size(), U"");
            const std::size_t n = digits_at(s, j);
            if (n >= 1 && n <= 2) return std::stoi(text::to_utf8(s.substr(j, n)));
        }
    }
    return std::nullopt;
}

// A landmark: a word of position followed by a kind of place ("หน้าโรงเรียน…", "ใกล้วัด…"), to the
// end of the message; or only the village. "ตรงนี้" and "หน้าบ้าน" name no place an officer can find.
std::optional<std::string> find_place(const std::u32string& s) {
    static const std::array<std::u32string_view, 9> positions = {U"ตรงข้าม", U"หน้า", U"ใกล้", U"ข้าง", U"แถว", U"หลัง", U"ปาก", U"ตรง", U"ที่"};
    static const std::array<std::u32string_view, 20> kinds = {
        U"โรงเรียน", U"วัด", U"ตลาด", U"ร้าน", U"โรงพยาบาล", U"รพ", U"สถานี", U"อบต", U"เทศบาล", U"สามแยก",
        U"สี่แยก", U"ซอย", U"ปั๊ม", U"ศาลา", U"สะพาน", U"หมู่บ้าน", U"บ้านเลขที่", U"ถนน", U"สนาม", U"ป้าย"};
    for (std::size_t i = 0; i < s.size(); ++i) {
        for (auto position : positions) {
            if (!starts_with(s, i, position)) continue;
            const std::size_t after = skip(s, i + position.size(), U"");
            for (auto kind : kinds) {
                if (!starts_with(s, after, kind)) continue;
                std::u32string place = s.substr(i);
                while (!place.empty() && (is_space(place.back()) || place.back() == '.')) place.pop_back();
                return text::trim(text::to_utf8(place));
            }
        }
        for (std::u32string_view kind : {std::u32string_view(U"ซอย"), std::u32string_view(U"หมู่บ้าน")})
            if (starts_with(s, i, kind) && i + kind.size() < s.size()) return text::trim(text::to_utf8(s.substr(i)));
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::string> find_phone_number(std::string_view text) { return find_phone(fold_digits(text)); }

std::optional<int> find_rating(std::string_view text) {
    std::u32string s = bare(text);
    for (std::u32string_view lead : {std::u32string_view(U"ให้"), std::u32string_view(U"ได้")})
        if (s.rfind(lead, 0) == 0) s.erase(0, lead.size());
    for (std::u32string_view tail : {std::u32string_view(U"ดาว"), std::u32string_view(U"คะแนน"), std::u32string_view(U"stars"), std::u32string_view(U"star")})
        if (s.size() > tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0) s.resize(s.size() - tail.size());
    if (s.size() == 1 && s[0] >= '1' && s[0] <= '5') return static_cast<int>(s[0] - '0');
    return std::nullopt;
}

Entities extract_entities(std::string_view text, std::string_view ticket_prefix) {
    Entities out;
    std::u32string s = fold_digits(text);
    out.ticket_number = take_ticket(s, ticket_prefix);
    out.notice_number = take_notice(s);
    out.phone = find_phone(s);
    out.rating = find_rating(text);
    out.village = find_village(s);
    out.place = find_place(fold_digits(text));
    if (!out.place && out.village) {
        // "หมู่ 2" alone is still where to go.
        const std::u32string full = fold_digits(text);
        for (std::u32string_view marker : {std::u32string_view(U"หมู่"), std::u32string_view(U"ม.")}) {
            auto at = full.find(marker);
            if (at != std::u32string::npos) {
                out.place = text::trim(text::to_utf8(full.substr(at)));
                break;
            }
        }
    }
    return out;
}

}  // namespace thesaban::handlers
