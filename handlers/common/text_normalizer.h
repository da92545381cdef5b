#pragma once
// Thai as residents type it, turned into the words the intent classifier reads. Residents write
// "ไฟดับบบบ", "ไฟดับๆ", "๐๘๑", "ร้องเรียล", Isan "บ่ติดเด้อ" and English "hi"; the same
// normalisation applies to the corpus the classifier learns from and to every message it reads.
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/word_segmenter.h"

namespace thesaban::handlers {

class TextNormalizer {
public:
    TextNormalizer(const WordSegmenter& segmenter, const std::vector<config::Rewrite>& rewrites);

    // The letters as compared, one string: Thai digits as ASCII, ASCII lower case, no spaces,
    // punctuation, emoji or ๆ, a letter typed three times or more once, a doubled tone mark once,
    // and the text rewrites (misspellings) applied. Word rewrites need the words: see words().
    std::string letters(std::string_view text) const;
    // letters() cut into words: Thai by the dictionary, Latin letters and digits at their edges,
    // with the whole-word rewrites ("บ่" → "ไม่") applied. Digits stay digits.
    std::vector<std::string> words(std::string_view text) const;

private:
    struct TextRewrite {
        std::u32string from;
        std::u32string to;
    };
    std::u32string fold(std::string_view text) const;

    const WordSegmenter& segmenter_;
    std::vector<TextRewrite> text_rewrites_;  // longest first
    std::vector<std::pair<std::string, std::string>> word_rewrites_;
};

}  // namespace thesaban::handlers
