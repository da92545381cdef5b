#include "handlers/common/intent_classifier.h"

#include <algorithm>
#include <utility>

#include "core/text.h"

namespace thesaban::handlers {
namespace {

using intent_detail::Run;

struct Char {
    char32_t c;
    bool break_before;
};

bool is_ascii_alnum(char32_t c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'); }

// Tone marks and vowel signs above/below: typing one twice is always a slip.
bool is_thai_mark(char32_t c) { return c == 0x0E31 || (c >= 0x0E34 && c <= 0x0E3A) || (c >= 0x0E47 && c <= 0x0E4E); }

// The character as compared, or 0 when it does not count (space, punctuation, symbol, emoji).
char32_t fold(char32_t c) {
    if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;  // full-width ASCII from some keyboards
    if (c < 0x80) {
        if (c >= 'A' && c <= 'Z') return c + ('a' - 'A');
        return is_ascii_alnum(c) ? c : 0;
    }
    if (c >= 0x0E50 && c <= 0x0E59) return '0' + (c - 0x0E50);
    // ฯ (abbreviation) and ๆ (repeat the word) change nothing about what is asked; ฿ ๏ ๚ ๛ are symbols.
    if (c == 0x0E2F || c == 0x0E46 || c == 0x0E3F || c == 0x0E4F || c == 0x0E5A || c == 0x0E5B) return 0;
    if (c >= 0x0E01 && c <= 0x0E4E) return c;
    if (c < 0xC0 || c == 0xD7 || c == 0xF7) return 0;  // C1 controls, NBSP, Latin-1 punctuation
    if (c >= 0x2000 && c <= 0x2BFF) return 0;         // spaces, zero-width, punctuation, symbols
    if (c >= 0x3000 && c <= 0x303F) return 0;         // ideographic space and punctuation
    if (c >= 0xFE00 && c <= 0xFE6F) return 0;         // variation selectors, small forms
    if (c >= 0xFEFF && c <= 0xFFFF) return 0;         // BOM, other full-width forms, U+FFFD
    if (c >= 0x1F000 && c <= 0x1FAFF) return 0;       // emoji
    if (c >= 0xE0000 && c <= 0xE007F) return 0;       // emoji tag sequences
    return c;
}

void replace_all(std::vector<Char>& s, std::u32string_view from, std::u32string_view to) {
    std::vector<Char> out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        bool here = i + from.size() <= s.size() &&
                    std::equal(from.begin(), from.end(), s.begin() + i, [](char32_t a, const Char& b) { return a == b.c; });
        if (!here) {
            out.push_back(s[i++]);
            continue;
        }
        for (std::size_t k = 0; k < to.size(); ++k) out.push_back({to[k], k == 0 && s[i].break_before});
        i += from.size();
    }
    s = std::move(out);
}

// Spelling rules, not word lists (those live in the configuration): each pair is one way of
// writing the same thing, applied to keywords and messages alike.
struct SpellingRule {
    std::u32string_view from;
    std::u32string_view to;
};
constexpr SpellingRule kSpellingRules[] = {
    {U"\u0E4D\u0E32", U"\u0E33"},  // nikhahit + sara aa typed for sara am (ำ)
    {U"\u0E40\u0E40", U"\u0E41"},  // เ typed twice for แ
    {U"กระพริบ", U"กะพริบ"},       // the Royal Institute spelling is กะพริบ; กระพริบ is everywhere
};

std::vector<Run> normalize_runs(std::string_view utf8) {
    std::vector<Char> chars;
    bool pending_break = true;
    for (char32_t c : text::to_utf32(utf8)) {
        c = fold(c);
        if (c == 0) {
            pending_break = true;
            continue;
        }
        chars.push_back({c, pending_break});
        pending_break = false;
    }
    for (const auto& rule : kSpellingRules) replace_all(chars, rule.from, rule.to);

    std::vector<Run> runs;
    for (const Char& ch : chars) {
        if (!runs.empty() && runs.back().c == ch.c) {
            ++runs.back().count;
        } else {
            runs.push_back({ch.c, 1, ch.break_before});
        }
    }
    // "ดับบบบ" is emphasis: keep at most two (ถนน and ครรภ์ are real doubles), one for marks.
    for (Run& run : runs) run.count = std::min(run.count, is_thai_mark(run.c) ? 1u : 2u);
    return runs;
}

// Whether `keyword` occurs in `text` at run `at`; a longer run in the text still matches
// ("ไฟดับบ" has "ไฟดับ"), a shorter one does not ("ถน" is not "ถนน").
bool matches_at(const std::vector<Run>& text, std::size_t at, const std::vector<Run>& keyword) {
    for (std::size_t k = 0; k < keyword.size(); ++k) {
        const Run& t = text[at + k];
        if (t.c != keyword[k].c || t.count < keyword[k].count) return false;
    }
    return true;
}

bool word_boundary(const std::vector<Run>& text, std::size_t at) {
    return at == 0 || at == text.size() || text[at].break_before || !is_ascii_alnum(text[at - 1].c) ||
           !is_ascii_alnum(text[at].c);
}

}  // namespace

std::string normalize_for_matching(std::string_view text) {
    std::string out;
    for (const Run& run : normalize_runs(text))
        for (unsigned i = 0; i < run.count; ++i) text::append_utf8(out, run.c);
    return out;
}

KeywordIntentClassifier::KeywordIntentClassifier(const std::vector<config::Intent>& intents) {
    for (const auto& intent : intents) {
        for (const auto& word : intent.keywords) {
            std::vector<Run> runs = normalize_runs(word);
            if (runs.empty()) continue;  // a keyword of punctuation only would match nothing sensibly
            std::size_t length = 0;
            for (const Run& run : runs) length += run.count;
            const bool start = is_ascii_alnum(runs.front().c);
            const bool end = is_ascii_alnum(runs.back().c);
            keywords_.push_back({intent.name, word, std::move(runs), length, start, end});
        }
    }
}

KeywordIntentClassifier::Match KeywordIntentClassifier::match(std::string_view text) const {
    const std::vector<Run> runs = normalize_runs(text);
    const Keyword* best = nullptr;
    for (const Keyword& keyword : keywords_) {
        if (keyword.runs.size() > runs.size()) continue;
        if (best && keyword.length <= best->length) continue;  // ties go to the earlier keyword
        for (std::size_t at = 0; at + keyword.runs.size() <= runs.size(); ++at) {
            if (!matches_at(runs, at, keyword.runs)) continue;
            if (keyword.ascii_word_start && !word_boundary(runs, at)) continue;
            if (keyword.ascii_word_end && !word_boundary(runs, at + keyword.runs.size())) continue;
            best = &keyword;
            break;
        }
    }
    if (!best) return {};
    return {best->intent, best->original};
}

std::string KeywordIntentClassifier::classify(std::string_view text) const { return match(text).intent; }

}  // namespace thesaban::handlers
