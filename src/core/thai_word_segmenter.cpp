#include <thai/thbrk.h>
#include <thai/thwbrk.h>

#include <mutex>
#include <stdexcept>

#include "core/word_segmenter.h"

namespace thesaban {
namespace {

class LibThaiSegmenter final : public WordSegmenter {
public:
    LibThaiSegmenter() : brk_(th_brk_new(nullptr)) {
        if (!brk_) throw std::runtime_error("libthai: cannot load the word-break dictionary (package libthai-data)");
    }
    ~LibThaiSegmenter() override { th_brk_delete(brk_); }
    LibThaiSegmenter(const LibThaiSegmenter&) = delete;
    LibThaiSegmenter& operator=(const LibThaiSegmenter&) = delete;

    std::vector<std::u32string> split_thai(std::u32string_view run) const override {
        std::vector<std::u32string> words;
        if (run.empty()) return words;
        // thwchar_t is wchar_t, 32 bits on Linux: the code points as they are.
        std::wstring wide(run.begin(), run.end());
        std::vector<int> breaks(run.size() + 1);
        int count;
        {
            // A ThBrk keeps search state while it works; messages are short, so one lock is cheaper
            // than a dictionary per thread.
            std::lock_guard lock(mutex_);
            count = th_brk_wc_find_breaks(brk_, wide.c_str(), breaks.data(), breaks.size());
        }
        std::size_t start = 0;
        for (int i = 0; i < count; ++i) {
            const auto at = static_cast<std::size_t>(breaks[static_cast<std::size_t>(i)]);
            if (at <= start || at > run.size()) continue;
            words.emplace_back(run.substr(start, at - start));
            start = at;
        }
        if (start < run.size()) words.emplace_back(run.substr(start));
        return words;
    }

private:
    ThBrk* brk_;
    mutable std::mutex mutex_;
};

}  // namespace

std::unique_ptr<WordSegmenter> make_thai_word_segmenter() { return std::make_unique<LibThaiSegmenter>(); }

}  // namespace thesaban
