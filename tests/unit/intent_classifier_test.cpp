#include "handlers/common/intent_classifier.h"

#include <gtest/gtest.h>

#include "config/config.h"

namespace thesaban::handlers {
namespace {

// The real example configuration: the words residents are matched against in production.
const KeywordIntentClassifier& example_classifier() {
    static const config::Config config =
        config::load_config(THESABAN_SOURCE_DIR "/config/thesaban.example.jsonc", {}, /*require_secrets=*/false);
    static const KeywordIntentClassifier classifier(config.intents);
    return classifier;
}

struct Case {
    const char* text;
    const char* intent;
};

class ExampleConfigIntents : public ::testing::TestWithParam<Case> {};

TEST_P(ExampleConfigIntents, ClassifiesResidentSentence) {
    EXPECT_EQ(example_classifier().classify(GetParam().text), GetParam().intent) << "text: " << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(Streetlight, ExampleConfigIntents,
                         ::testing::Values(Case{"ไฟหน้าบ้านดับ", "streetlight"}, Case{"ไฟดับ", "streetlight"},
                                           Case{"ไฟเสีย", "streetlight"}, Case{"ไฟไม่ติด", "streetlight"},
                                           Case{"เสาไฟล้ม", "streetlight"}, Case{"ไฟบ่ติดเด้อ", "streetlight"},
                                           Case{"ไฟ ดับ ค่ะ!!", "streetlight"}, Case{"ไฟกระพริบ", "streetlight"},
                                           Case{"ไฟดับบบบ", "streetlight"}, Case{"ไฟดับๆ", "streetlight"}));
INSTANTIATE_TEST_SUITE_P(Complaint, ExampleConfigIntents,
                         ::testing::Values(Case{"ร้องเรียน", "complaint"}, Case{"ขยะไม่มีคนเก็บ", "complaint"},
                                           Case{"ถนนพังเป็นหลุม", "complaint"},
                                           Case{"น้ำท่วมขังหน้าบ้าน", "complaint"}));
INSTANTIATE_TEST_SUITE_P(Tax, ExampleConfigIntents,
                         ::testing::Values(Case{"ภาษี", "tax"}, Case{"ภาษีป้ายเท่าไหร่", "tax"},
                                           Case{"ค่าขยะเดือนละเท่าไหร่", "tax"}));
INSTANTIATE_TEST_SUITE_P(Others, ExampleConfigIntents,
                         ::testing::Values(Case{"ติดตามเรื่อง", "status"}, Case{"สถานะ", "status"},
                                           Case{"ข่าวสาร", "announcement"}, Case{"สวัสดีค่ะ", "greeting"},
                                           Case{"Hello!", "greeting"}, Case{"asdf", "unknown"}, Case{"", "unknown"},
                                           Case{" \u00A0\u200B ", "unknown"}, Case{"this", "unknown"}));

TEST(KeywordIntentClassifier, LongestMatchingKeywordWins) {
    const KeywordIntentClassifier classifier({{"complaint", {"ขยะ"}}, {"tax", {"ภาษี", "ค่าขยะ"}}});
    EXPECT_EQ(classifier.classify("ค่าขยะ"), "tax");
    EXPECT_EQ(classifier.match("จ่ายค่าขยะที่ไหน").keyword, "ค่าขยะ");
    EXPECT_EQ(classifier.classify("ขยะเต็มถัง"), "complaint");
}

TEST(KeywordIntentClassifier, TiesGoToConfigurationOrder) {
    const KeywordIntentClassifier first({{"status", {"ติดตาม"}}, {"complaint", {"ติดตาม"}}});
    const KeywordIntentClassifier second({{"complaint", {"ติดตาม"}}, {"status", {"ติดตาม"}}});
    EXPECT_EQ(first.classify("ติดตาม"), "status");
    EXPECT_EQ(second.classify("ติดตาม"), "complaint");
}

TEST(KeywordIntentClassifier, ReportsKeywordAsConfigured) {
    const auto match = example_classifier().match("ไฟ ดับ!!");
    EXPECT_EQ(match.intent, "streetlight");
    EXPECT_EQ(match.keyword, "ไฟดับ");
    EXPECT_EQ(example_classifier().match("asdf").keyword, "");
}

TEST(KeywordIntentClassifier, AsciiKeywordsMatchWholeWordsOnly) {
    const KeywordIntentClassifier classifier({config::Intent{"greeting", {"hi"}}});
    EXPECT_EQ(classifier.classify("Hi there"), "greeting");
    EXPECT_EQ(classifier.classify("hi"), "greeting");
    EXPECT_EQ(classifier.classify("hiiii"), "greeting");
    EXPECT_EQ(classifier.classify("ขอบคุณhi"), "greeting");
    EXPECT_EQ(classifier.classify("this"), "unknown");
    EXPECT_EQ(classifier.classify("ship"), "unknown");
}

TEST(NormalizeForMatching, ThaiDigitsBecomeAscii) {
    EXPECT_EQ(normalize_for_matching("๑๒๓"), "123");
    EXPECT_EQ(normalize_for_matching("ซอย ๕"), "ซอย5");
}

TEST(NormalizeForMatching, DropsSpacesPunctuationAndSymbols) {
    EXPECT_EQ(normalize_for_matching(" ไฟ\u00A0ดับ\u200B ค่ะ!! "), "ไฟดับค่ะ");
    EXPECT_EQ(normalize_for_matching("ABC-def"), "abcdef");
    EXPECT_EQ(normalize_for_matching("ไฟดับๆ"), "ไฟดับ");
    EXPECT_EQ(normalize_for_matching("กรุงเทพฯ"), "กรุงเทพ");
    EXPECT_EQ(normalize_for_matching("ไฟดับ \xF0\x9F\x98\xAD"), "ไฟดับ");  // 😭
    EXPECT_EQ(normalize_for_matching("\xFF\xFEไฟ"), "ไฟ");                 // invalid UTF-8
    EXPECT_EQ(normalize_for_matching(""), "");
}

TEST(NormalizeForMatching, CollapsesEmphasisButKeepsRealDoubles) {
    EXPECT_EQ(normalize_for_matching("ไฟดับบบบ"), "ไฟดับบ");
    EXPECT_EQ(normalize_for_matching("ถนนพัง"), "ถนนพัง");
    EXPECT_EQ(normalize_for_matching("ไม่่่ติด"), "ไม่ติด");  // a tone mark typed three times
}

TEST(NormalizeForMatching, AppliesSpellingRules) {
    EXPECT_EQ(normalize_for_matching("ไฟกระพริบ"), "ไฟกะพริบ");
    EXPECT_EQ(normalize_for_matching("\u0E40\u0E40จ้ง"), "แจ้ง");
    // น้ำ typed with nikhahit + sara aa instead of sara am
    EXPECT_EQ(normalize_for_matching("น\u0E49\u0E4D\u0E32ท่วม"), normalize_for_matching("น้ำท่วม"));
}

}  // namespace
}  // namespace thesaban::handlers
