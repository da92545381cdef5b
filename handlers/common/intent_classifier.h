#pragma once
// Tells what a resident wants from the words in the configuration. Residents type on phones:
// spaces in odd places, "ไฟดับบบบ", "ไฟดับๆ", Thai digits, "กระพริบ" for "กะพริบ". Both the
// keywords and the message are normalised the same way before a substring match.
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "handlers/common/flow.h"

namespace thesaban::handlers {

namespace intent_detail {
// Normalised text as runs of one character, so "ไฟดับบบ" can still match "ไฟดับ".
struct Run {
    char32_t c;
    unsigned count;
    bool break_before;  // whitespace or punctuation was removed just before it
};
}  // namespace intent_detail

// The text as the classifier compares it (UTF-8): Thai digits as ASCII, ASCII lower-case, no
// whitespace, punctuation, symbols or ฯ/ๆ, runs of one letter cut to two (one for tone marks and
// vowel signs, which are never doubled) and a few spelling rules applied (กระพริบ → กะพริบ).
std::string normalize_for_matching(std::string_view text);

class KeywordIntentClassifier final : public IntentClassifier {
public:
    struct Match {
        std::string intent = "unknown";
        std::string keyword;  // as written in the configuration; empty for "unknown"
    };

    explicit KeywordIntentClassifier(const std::vector<config::Intent>& intents);

    // The intent whose matching keyword is longest (ties: configuration order), or "unknown".
    std::string classify(std::string_view text) const override;
    Match match(std::string_view text) const;

private:
    struct Keyword {
        std::string intent;
        std::string original;
        std::vector<intent_detail::Run> runs;
        std::size_t length;  // code points in the normalised form, for "longest wins"
        bool ascii_word_start;  // an ASCII word ("hi") must not match inside "this"
        bool ascii_word_end;
    };
    std::vector<Keyword> keywords_;  // configuration order
};

}  // namespace thesaban::handlers
