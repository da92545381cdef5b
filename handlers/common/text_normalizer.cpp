#include "handlers/common/text_normalizer.h"

#include <algorithm>

#include "core/text.h"

namespace thesaban::handlers {
namespace {

constexpr char32_t kSpace = U' ';

bool is_thai_letter(char32_t c) { return c >= 0x0E01 && c <= 0x0E4E && c != 0x0E2F && c != 0x0E46 && c != 0x0E3F; }
bool is_ascii_letter(char32_t c) { return c >= 'a' && c <= 'z'; }
bool is_digit(char32_t c) { return c >= '0' && c <= '9'; }
// Tone marks and the vowel signs above and below a consonant: typed twice is always a slip.
bool is_thai_mark(char32_t c) { return c == 0x0E31 || (c >= 0x0E34 && c <= 0x0E3A) || (c >= 0x0E47 && c <= 0x0E4E); }

// A character as compared: Thai letters, ASCII letters (lower case) and digits (Thai digits as
// ASCII); everything else (spaces, punctuation, ๆ, ฯ, symbols, emoji) separates words.
char32_t fold_char(char32_t c) {
    if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;  // full-width ASCII from some keyboards
    if (c >= 'A' && c <= 'Z') return c + ('a' - 'A');
    if (is_ascii_letter(c) || is_digit(c)) return c;
    if (c >= 0x0E50 && c <= 0x0E59) return '0' + (c - 0x0E50);
    if (is_thai_letter(c)) return c;
    return kSpace;
}

void replace_all(std::u32string& s, std::u32string_view from, std::u32string_view to) {
    if (from.empty()) return;
    std::u32string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        if (s.compare(i, from.size(), from) == 0) {
            out += to;
            i += from.size();
        } else {
            out += s[i++];
        }
    }
    s = std::move(out);
}

}  // namespace

TextNormalizer::TextNormalizer(const WordSegmenter& segmenter, const std::vector<config::Rewrite>& rewrites)
    : segmenter_(segmenter) {
    for (const auto& r : rewrites) {
        if (r.whole_word) {
            word_rewrites_.emplace_back(r.from, r.to);
        } else {
            text_rewrites_.push_back({{}, {}});
            // The rewrite's own spelling goes through the same folding, so "ไฟดบ" matches "ไฟ ดบ!".
            text_rewrites_.back().from = fold(r.from);
            text_rewrites_.back().to = fold(r.to);
            std::erase(text_rewrites_.back().from, kSpace);
            if (text_rewrites_.back().from.empty()) text_rewrites_.pop_back();
        }
    }
    std::stable_sort(text_rewrites_.begin(), text_rewrites_.end(),
                     [](const TextRewrite& a, const TextRewrite& b) { return a.from.size() > b.from.size(); });
}

std::u32string TextNormalizer::fold(std::string_view text) const {
    std::u32string out;
    for (char32_t c : text::to_utf32(text)) {
        c = fold_char(c);
        if (c == kSpace && (out.empty() || out.back() == kSpace)) continue;
        // Composed sara am typed as nikhahit + sara aa; แ typed as เเ.
        if (c == 0x0E32 && !out.empty() && out.back() == 0x0E4D) {
            out.back() = 0x0E33;
            continue;
        }
        if (c == 0x0E40 && !out.empty() && out.back() == 0x0E40) {
            out.back() = 0x0E41;
            continue;
        }
        out += c;
    }
    // "มากกกก", "ดับบบบ", "hiiii": three or more of a letter are emphasis (ถนน and ครรภ์ double
    // legitimately); a doubled mark is a slip. Digits stay: they are numbers.
    std::u32string collapsed;
    for (std::size_t i = 0; i < out.size();) {
        std::size_t j = i;
        while (j < out.size() && out[j] == out[i]) ++j;
        const std::size_t run = j - i;
        const char32_t c = out[i];
        const std::size_t keep = is_digit(c) ? run : is_thai_mark(c) ? 1 : run >= 3 ? 1 : run;
        collapsed.append(keep, c);
        i = j;
    }
    while (!collapsed.empty() && collapsed.back() == kSpace) collapsed.pop_back();
    return collapsed;
}

std::string TextNormalizer::letters(std::string_view text) const {
    std::u32string s = fold(text);
    std::erase(s, kSpace);
    for (const auto& r : text_rewrites_) replace_all(s, r.from, r.to);
    return text::to_utf8(s);
}

std::vector<std::string> TextNormalizer::words(std::string_view text) const {
    // Spaces separate words; misspellings are fixed within each space-separated piece (a rewrite
    // across a space is rare and would join what the resident kept apart).
    std::u32string s = fold(text);
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= s.size()) {
        std::size_t end = s.find(kSpace, start);
        if (end == std::u32string::npos) end = s.size();
        std::u32string piece = s.substr(start, end - start);
        for (const auto& r : text_rewrites_) replace_all(piece, r.from, r.to);
        for (std::size_t i = 0; i < piece.size();) {
            std::size_t j = i + 1;
            const char32_t c = piece[i];
            if (is_thai_letter(c)) {
                while (j < piece.size() && is_thai_letter(piece[j])) ++j;
                for (auto& word : segmenter_.split_thai(std::u32string_view(piece).substr(i, j - i)))
                    out.push_back(text::to_utf8(word));
            } else {
                const bool digit = is_digit(c);
                while (j < piece.size() && !is_thai_letter(piece[j]) && is_digit(piece[j]) == digit) ++j;
                out.push_back(text::to_utf8(std::u32string_view(piece).substr(i, j - i)));
            }
            i = j;
        }
        start = end + 1;
    }
    for (auto& word : out)
        for (const auto& [from, to] : word_rewrites_)
            if (word == from) {
                word = to;
                break;
            }
    return out;
}

}  // namespace thesaban::handlers
