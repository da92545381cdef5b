// `thesaban-bot classify` run as the real binary: the tool whoever edits the intents tries
// sentences with, so it must work with no LINE secrets and no Redis.
#include <gtest/gtest.h>

#include <string>

#include "support/bot_process.h"

namespace thesaban::testing {
namespace {

std::string first_word(const std::string& output) {
    const std::string line = output.substr(0, output.find('\n'));
    return line.substr(0, line.find_first_of("\t "));
}

TEST(ClassifyCli, PrintsIntentAndKeywordWithTheDefaultConfig) {
    std::string output;
    EXPECT_EQ(run_bot_command({"classify", "ไฟหน้าบ้านดับ"}, output), 0) << output;
    EXPECT_EQ(first_word(output), "streetlight") << output;
    EXPECT_NE(output.find("streetlight\tไฟหน้าบ้าน\n"), std::string::npos) << output;
}

TEST(ClassifyCli, UsesTheGivenConfig) {
    std::string output;
    const std::string config = THESABAN_SOURCE_DIR "/config/thesaban.example.jsonc";
    EXPECT_EQ(run_bot_command({"classify", "ภาษีป้ายเท่าไหร่", "--config", config}, output), 0) << output;
    EXPECT_EQ(first_word(output), "tax") << output;
}

TEST(ClassifyCli, PrintsUnknownWhenNothingMatches) {
    std::string output;
    EXPECT_EQ(run_bot_command({"classify", "asdf"}, output), 0) << output;
    EXPECT_EQ(output, "unknown\n");
}

}  // namespace
}  // namespace thesaban::testing
