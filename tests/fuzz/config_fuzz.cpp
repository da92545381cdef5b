// libFuzzer target for the configuration file: JSON with comments, edited by hand by a
// municipality's IT officer. Whatever they write, the bot either starts or names the key that is
// wrong (ConfigError); it never crashes and never throws anything else.
// Built as build/fuzz/config_fuzz with -DCMAKE_CXX_COMPILER=clang++ -DTHESABAN_FUZZ=ON; seeds in
// tests/fuzz/corpus/config/ (whole config files).
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>

#include "config/config.h"
#include "core/json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    thesaban::json::Document doc;
    (void)thesaban::json::parse_with_comments(text, doc);

    // load_config reads a path and the files it names relative to it (the intent corpus, the
    // rewrites): the input goes to a file in a directory of this process's own, beside links to
    // the project's config files, rewritten for each input.
    static const std::string path = [] {
        auto dir = std::filesystem::temp_directory_path() / ("thesaban-config-fuzz-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir);
        for (const auto& entry : std::filesystem::directory_iterator(THESABAN_SOURCE_DIR "/config")) {
            auto link = dir / entry.path().filename();
            std::error_code ignored;
            std::filesystem::create_symlink(entry.path(), link, ignored);
        }
        return (dir / "fuzzed.jsonc").string();
    }();
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
    thesaban::config::Environment env;
    try {
        (void)thesaban::config::load_config(path, env, false);
    } catch (const thesaban::config::ConfigError&) {
    }
    return 0;
}
