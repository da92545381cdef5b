#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "config/config.h"

namespace thesaban::config {
namespace {

const std::string kExample = THESABAN_SOURCE_DIR "/config/thesaban.example.jsonc";

std::string read(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(RequiredTexts, EveryWordingOfTheExampleIsRequiredAndPresent) {
    const std::string text = read(kExample);
    const std::string texts = text.substr(text.find("\"texts\": {"));
    std::set<std::string> in_example;
    std::regex key(R"re(\n\s*"([a-z_0-9]+)":\s*")re");
    for (std::sregex_iterator it(texts.begin(), texts.end(), key), end; it != end; ++it) in_example.insert((*it)[1]);
    const auto& required = required_text_keys();
    std::set<std::string> required_set(required.begin(), required.end());
    EXPECT_EQ(required_set.size(), required.size()) << "a key is listed twice";
    for (const auto& k : in_example) EXPECT_TRUE(required_set.count(k)) << k << " is in the example but not required";
    for (const auto& k : required) EXPECT_TRUE(in_example.count(k)) << k << " is required but not in the example";
    EXPECT_GT(required.size(), 200u);
}

TEST(RequiredTexts, AConfigWithoutOneStopsTheBotNamingTheKey) {
    std::string text = read(kExample);
    const std::string line_start = "\"tax_bill_title\":";
    auto pos = text.find(line_start);
    ASSERT_NE(pos, std::string::npos);
    text.erase(pos, text.find('\n', pos) - pos);
    const auto dir = std::filesystem::temp_directory_path() / ("thesaban-texts-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    for (const char* file : {"intent_corpus.tsv", "thai_rewrites.tsv"})
        std::filesystem::copy_file(std::string(THESABAN_SOURCE_DIR "/config/") + file, dir / file,
                                   std::filesystem::copy_options::overwrite_existing);
    std::ofstream(dir / "c.jsonc") << text;
    try {
        load_config((dir / "c.jsonc").string(), {}, false);
        ADD_FAILURE() << "loaded without texts.tax_bill_title";
    } catch (const ConfigError& e) {
        EXPECT_EQ(e.key(), "texts.tax_bill_title");
    }
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace thesaban::config
