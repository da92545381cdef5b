#pragma once
// Splits Thai text into words. Thai is written without spaces between words, so a classifier
// that counts words needs a dictionary to find them. Whoever needs words gets a WordSegmenter
// injected; only thai_word_segmenter.cpp knows the dictionary library (libthai).
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace thesaban {

class WordSegmenter {
public:
    virtual ~WordSegmenter() = default;
    // The words of a run of Thai letters (no spaces, digits or Latin letters in it), in order;
    // concatenated they give the run back.
    virtual std::vector<std::u32string> split_thai(std::u32string_view run) const = 0;
};

// libthai's dictionary-based segmenter (Debian libthai0 + libthai-data). Safe to share between
// threads. Throws std::runtime_error when the dictionary cannot be loaded.
std::unique_ptr<WordSegmenter> make_thai_word_segmenter();

}  // namespace thesaban
