// `thesaban-bot classify` run as the real binary: the tool whoever edits the intents tries
// sentences with, so it must work with no LINE secrets and no Redis.
#include <gtest/gtest.h>

#include <fstream>
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
    EXPECT_NE(output.find("\tkeyword=ไฟหน้าบ้าน\t"), std::string::npos) << output;
    EXPECT_NE(output.find("\tconfidence=0."), std::string::npos) << output;
}

TEST(ClassifyCli, PrintsSubLabelsAndEntities) {
    std::string output;
    EXPECT_EQ(run_bot_command({"classify", "ภาษีบ้านต้องจ่ายเดือนไหน"}, output), 0) << output;
    EXPECT_EQ(first_word(output), "tax") << output;
    EXPECT_NE(output.find("\ttax_type=land_building"), std::string::npos) << output;
    EXPECT_NE(output.find("\tasks=when"), std::string::npos) << output;
    EXPECT_EQ(run_bot_command({"classify", "pnk-๒๕๖๙-๐๐๐๐๐๔"}, output), 0) << output;
    EXPECT_EQ(first_word(output), "status") << output;
    EXPECT_NE(output.find("\tticket=PNK-2569-000004"), std::string::npos) << output;
    EXPECT_EQ(run_bot_command({"classify", "ไฟฟ้าดับทั้งหมู่บ้าน"}, output), 0) << output;
    EXPECT_EQ(first_word(output), "out_of_scope") << output;
    EXPECT_NE(output.find("\tpointer=pea_outage"), std::string::npos) << output;
}

TEST(ClassifyCli, EvaluatesAHeldOutFile) {
    std::string output;
    EXPECT_EQ(run_bot_command({"classify", "--eval", THESABAN_TEST_DATA_DIR "/intent_heldout.tsv"}, output), 0) << output;
    EXPECT_EQ(output.rfind("evaluation of ", 0), 0u) << output;
    EXPECT_NE(output.find("\naccuracy 0."), std::string::npos) << output;
    EXPECT_NE(output.find("\nintent          precision  recall     f1  support\n"), std::string::npos) << output;
    EXPECT_NE(output.find("\nstreetlight "), std::string::npos) << output;
    EXPECT_NE(output.find("\nconfusions (expected -> predicted  count)\n"), std::string::npos) << output;
}

TEST(ClassifyCli, CrossValidatesTheCorpus) {
    std::string output;
    EXPECT_EQ(run_bot_command({"classify", "--cross-validate", "5"}, output), 0) << output;
    EXPECT_EQ(output.rfind("5-fold cross-validation of ", 0), 0u) << output;
    EXPECT_NE(output.find("\naccuracy 0."), std::string::npos) << output;
    EXPECT_NE(run_bot_command({"classify", "--cross-validate", "1"}, output), 0) << output;
}

TEST(ClassifyCli, RefusesAnEvalFileWithAnUnknownIntent) {
    const std::string path = ::testing::TempDir() + "/bad_eval.tsv";
    std::ofstream(path) << "streetlight\tไฟดับ\nweather\tฝนตกไหม\n";
    std::string output;
    EXPECT_EQ(run_bot_command({"classify", "--eval", path}, output), 1) << output;
    EXPECT_NE(output.find("line 2: unknown intent \"weather\""), std::string::npos) << output;
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
    EXPECT_EQ(first_word(output), "unknown") << output;
    EXPECT_EQ(output.find("keyword="), std::string::npos) << output;
    EXPECT_EQ(run_bot_command({"classify", "😀"}, output), 0) << output;
    EXPECT_EQ(output, "unknown\n");  // nothing the model has seen: no confidence either
}

}  // namespace
}  // namespace thesaban::testing
