// The statistical intent classifier trained from the example configuration's corpus, as the bot
// trains it at start-up: each input of the 2026-12-07 conversations review mapped to its intent.
#include "handlers/common/intent_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>

#include "config/config.h"
#include "core/word_segmenter.h"
#include "handlers/common/intent_evaluation.h"

namespace thesaban::handlers {
namespace {

const config::Config& example_config() {
    static const config::Config config =
        config::load_config(THESABAN_SOURCE_DIR "/config/thesaban.example.jsonc", {}, /*require_secrets=*/false);
    return config;
}

const WordSegmenter& segmenter() {
    static const auto s = make_thai_word_segmenter();
    return *s;
}

const StatisticalIntentClassifier& classifier() {
    static const StatisticalIntentClassifier c(ClassifierSettings::from(example_config()), segmenter());
    return c;
}

struct Case {
    const char* text;
    const char* intent;
};

class ReviewInputs : public ::testing::TestWithParam<Case> {};

TEST_P(ReviewInputs, AreReadAsTheResidentMeantThem) {
    const auto u = classifier().understand(GetParam().text);
    EXPECT_EQ(u.intent, GetParam().intent) << "text: " << GetParam().text << " (confidence " << u.confidence << ")";
}

// The exact inputs of reviews/2026-12-07-conversations.md (defect number in the comment).
INSTANTIATE_TEST_SUITE_P(
    Review20261207, ReviewInputs,
    ::testing::Values(Case{"สวัสดีครับ", "greeting"}, Case{"หวัดดีจ้า", "greeting"}, Case{"hi", "greeting"},  // 2
                      Case{"เมนู", "help"}, Case{"ทำอะไรได้บ้าง", "help"},                                  // 2
                      Case{"ดีครับ ผมอยากแจ้งไฟดับ", "streetlight"},                                       // 3
                      Case{"PNK-2569-000003", "status"}, Case{"pnk-๒๕๖๙-๐๐๐๐๐๔", "status"},                // 4
                      Case{"ติดตาม PNK-2569-000003", "status"},                                             // 5
                      Case{"เรื่องที่แจ้งไปถึงไหนแล้ว", "status"}, Case{"ติดตามเรื่อง", "status"},           // 6, 7
                      Case{"ภาษีบ้านต้องจ่ายเดือนไหน", "tax"},                                              // 8
                      Case{"ป้ายร้านต้องเสียเท่าไหร่", "tax"},                                               // 9
                      Case{"ตรวจยอด", "tax_lookup"}, Case{"ตรวจยอด/ชำระ", "tax_lookup"},                   // 9
                      Case{"ค้างชำระเท่าไหร่", "tax_lookup"}, Case{"ใบแจ้งหนี้", "tax_lookup"},               // 9
                      Case{"ไม่มีใบค่ะ แค่อยากรู้ว่าต้องจ่ายเดือนไหน", "tax"},                              // 10
                      Case{"ภดส.6-๒๕๖๙/๐๐๐๑", "tax_lookup"}, Case{"ภดส 6-2569/0001", "tax_lookup"},         // 11
                      Case{"ภาษีป้ายยื่นเมื่อไหร่", "tax"},                                                  // 12
                      Case{"ต้นไม้ล้มขวางถนน", "complaint"}, Case{"น้ำประปาไม่ไหล", "complaint"},           // 22
                      Case{"ไฟฟ้าดับทั้งหมู่บ้าน", "out_of_scope"}, Case{"ไฟกิ่งดับ", "streetlight"},         // 22
                      Case{"ไฟดบ", "streetlight"}, Case{"รองเรียน", "complaint"},                           // 22
                      Case{"ร้องเรียล", "complaint"}, Case{"ภาษิ", "tax"},                                  // 22
                      Case{"ขอบคุณค่ะ", "thanks"}, Case{"ขอบใจหลาย", "thanks"},                             // 22
                      Case{"ข่าวน้ำท่วม", "announcement"},                                                 // 22
                      Case{"มันกะพริบติดๆดับๆทั้งคืน", "streetlight"},                                     // 42
                      Case{"รับข่าว", "subscribe"},                                                       // 49
                      Case{"ไฟถนนหน้าบ้านบ่ติดเด้อ", "streetlight"},                                       // works well
                      Case{"เรื่องที่แจ้งไปถึงไสแล้ว", "status"},                                          // 6
                      Case{"ขอเบอร์โทรเทศบาล", "contact"}, Case{"เปิดกี่โมง", "contact"},                   // missing
                      Case{"ขอคุยกับเจ้าหน้าที่", "handover"}, Case{"ยังไม่ได้ซ่อม", "reopen"}));           // missing

TEST(StatisticalIntentClassifier, NothingItHasSeenIsUnknown) {
    EXPECT_EQ(classifier().classify("asdf"), "unknown");
    EXPECT_EQ(classifier().classify(""), "unknown");
    EXPECT_EQ(classifier().classify("😀😀"), "unknown");
    EXPECT_EQ(classifier().understand("zxcvbnm").intent, "unknown");
}

TEST(StatisticalIntentClassifier, TaxQuestionsCarryTheTaxTypeAndWhatIsAsked) {
    auto u = classifier().understand("ภาษีบ้านต้องจ่ายเดือนไหน");
    EXPECT_EQ(u.tax_type, "land_building");
    EXPECT_EQ(u.tax_question, "when");
    u = classifier().understand("ป้ายร้านต้องเสียเท่าไหร่");
    EXPECT_EQ(u.tax_type, "signboard");
    EXPECT_EQ(u.tax_question, "how_much");
    u = classifier().understand("ค่าขยะเดือนละเท่าไร");
    EXPECT_EQ(u.intent, "tax");
    EXPECT_EQ(u.tax_type, "garbage_fee");
    EXPECT_EQ(u.tax_question, "how_much");
    u = classifier().understand("ใครต้องจ่ายภาษีที่ดิน");
    EXPECT_EQ(u.tax_question, "who_pays");
    u = classifier().understand("จ่ายภาษีได้ที่ไหนบ้าง");
    EXPECT_EQ(u.tax_question, "where");
}

TEST(StatisticalIntentClassifier, OutOfScopeNamesWhereToGo) {
    EXPECT_EQ(classifier().understand("ไฟฟ้าดับทั้งหมู่บ้าน").pointer, "pea_outage");
    EXPECT_EQ(classifier().understand("ไฟไหม้บ้าน").pointer, "fire");
    EXPECT_EQ(classifier().understand("รถชนกันมีคนบาดเจ็บ").pointer, "emergency");
    const auto& pointers = example_config().understanding.out_of_scope;
    ASSERT_EQ(pointers.size(), 3u);
    EXPECT_EQ(pointers[0].phone, "1129");
    EXPECT_EQ(pointers[1].phone, "1669");
    EXPECT_EQ(pointers[2].phone, "199");
}

TEST(StatisticalIntentClassifier, ComplaintsCarryTheirCategory) {
    EXPECT_EQ(classifier().understand("ขยะไม่มีคนเก็บ 3 วันแล้ว").category, "waste");
    EXPECT_EQ(classifier().understand("ถนนพังเป็นหลุม").category, "road");
    EXPECT_EQ(classifier().understand("หมาจรจัดเยอะมาก").category, "stray_animals");
}

TEST(StatisticalIntentClassifier, TheTicketNumberComesWithTheStatus) {
    const auto u = classifier().understand("ติดตาม PNK-2569-000003");
    EXPECT_EQ(u.intent, "status");
    ASSERT_TRUE(u.entities.ticket_number);
    EXPECT_EQ(*u.entities.ticket_number, "PNK-2569-000003");
}

TEST(StatisticalIntentClassifier, TrainingIsDeterministic) {
    const StatisticalIntentClassifier again(ClassifierSettings::from(example_config()), segmenter());
    for (const auto& u : example_config().understanding.corpus) {
        const auto a = classifier().understand(u.text), b = again.understand(u.text);
        ASSERT_EQ(a.intent, b.intent) << u.text;
        ASSERT_DOUBLE_EQ(a.confidence, b.confidence) << u.text;
    }
}

TEST(StatisticalIntentClassifier, TrainsOnTheWholeExampleCorpus) {
    // How long training takes is a benchmark figure (the bot logs it at start-up, and
    // bench/webhook_load.sh reports the start-up time), not a timed unit test.
    const auto& corpus = example_config().understanding.corpus;
    EXPECT_GE(corpus.size(), 600u);
    const StatisticalIntentClassifier fresh(ClassifierSettings::from(example_config()), segmenter());
    EXPECT_EQ(fresh.training_size(), corpus.size());
    EXPECT_GT(fresh.feature_count(), corpus.size());
}

TEST(StatisticalIntentClassifier, ReadsTheCorpusItWasTrainedOnAlmostPerfectly) {
    // Not a measure of quality (that is the held-out file and the cross-validation), but a model
    // that cannot fit its own corpus is broken: a guard against a training bug.
    const auto report = evaluate(classifier(), example_config().understanding.corpus);
    EXPECT_GT(report.accuracy(), 0.97) << format_report(report);
}

TEST(StatisticalIntentClassifier, FeaturesIncludeWordsPairsLetterGramsAndHints) {
    const auto f = classifier().features("ไฟหน้าบ้านดับ");
    auto has = [&](const std::string& name) { return std::find(f.begin(), f.end(), name) != f.end(); };
    EXPECT_TRUE(has("w:ไฟ"));
    EXPECT_TRUE(has("w:ดับ"));
    EXPECT_TRUE(has("b:บ้าน_ดับ"));
    EXPECT_TRUE(has("c:ดับ>"));
    EXPECT_TRUE(has("k:streetlight"));
    const auto g = classifier().features("PNK-2569-000003");
    EXPECT_NE(std::find(g.begin(), g.end(), "e:ticket"), g.end());
    EXPECT_NE(std::find(g.begin(), g.end(), "w:#4"), g.end());
}

TEST(IntentEvaluation, ReportsAccuracyPrecisionRecallAndConfusions) {
    EvaluationReport r;
    r.add("status", "status", "ติดตาม");
    r.add("status", "complaint", "เรื่องที่ร้องเรียน");
    r.add("complaint", "complaint", "ขยะ");
    r.add("tax", "tax", "ภาษี");
    EXPECT_DOUBLE_EQ(r.accuracy(), 0.75);
    EXPECT_DOUBLE_EQ(r.precision("complaint"), 0.5);
    EXPECT_DOUBLE_EQ(r.recall("complaint"), 1.0);
    EXPECT_DOUBLE_EQ(r.recall("status"), 0.5);
    EXPECT_EQ(r.support("status"), 2u);
    const std::string text = format_report(r);
    EXPECT_EQ(text.rfind("accuracy 0.750 (3/4)\n", 0), 0u) << text;
    EXPECT_NE(text.find("complaint           0.500   1.000  0.667        1\n"), std::string::npos) << text;
    EXPECT_NE(text.find("status              1.000   0.500  0.667        2\n"), std::string::npos) << text;
    EXPECT_NE(text.find("confusions (expected -> predicted  count)\n  status -> complaint  1\n"), std::string::npos)
        << text;
    EXPECT_NE(text.find("  status -> complaint: เรื่องที่ร้องเรียน\n"), std::string::npos) << text;
}

TEST(IntentEvaluation, CrossValidationHoldsEachUtteranceOutOnce) {
    std::vector<config::LabelledUtterance> corpus;
    for (int i = 0; i < 10; ++i) corpus.push_back({i % 2 ? "tax" : "status", "t" + std::to_string(i), i + 1});
    std::vector<std::size_t> training_sizes;
    class Fixed final : public IntentClassifier {
    public:
        std::string classify(std::string_view) const override { return "tax"; }
    };
    const auto report = cross_validate(corpus, 5, [&](const std::vector<config::LabelledUtterance>& training) {
        training_sizes.push_back(training.size());
        return std::make_unique<Fixed>();
    });
    EXPECT_EQ(report.total, 10u);
    EXPECT_EQ(report.correct, 5u);
    EXPECT_EQ(training_sizes, (std::vector<std::size_t>{8, 8, 8, 8, 8}));
}

TEST(IntentCorpus, HeldOutFileSharesNoLineWithTheCorpus) {
    const auto held_out = config::read_labelled_utterances(THESABAN_TEST_DATA_DIR "/intent_heldout.tsv");
    EXPECT_GE(held_out.size(), 100u);
    std::set<std::string> corpus;
    for (const auto& u : example_config().understanding.corpus) corpus.insert(u.text);
    for (const auto& u : held_out) EXPECT_FALSE(corpus.count(u.text)) << "line " << u.line << ": " << u.text;
}

}  // namespace
}  // namespace thesaban::handlers
