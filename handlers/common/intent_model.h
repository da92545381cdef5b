#pragma once
// The statistical intent classifier: multinomial logistic regression over the words of a message
// (dictionary segmentation), word pairs, letter 2–4-grams within words, the configured keywords
// (strong hints) and the entities it names. Trained from the labelled corpus in the
// configuration when constructed: deterministic (fixed order, fixed seed), no network, no files.
#include <chrono>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "config/config.h"
#include "core/word_segmenter.h"
#include "handlers/common/flow.h"
#include "handlers/common/intent_classifier.h"
#include "handlers/common/text_normalizer.h"

namespace thesaban::handlers {

// The slice of the configuration the classifier reads.
struct ClassifierSettings {
    std::vector<config::Intent> keywords;
    config::UnderstandingConfig understanding;
    config::KeywordTable tax_types;  // land_building / signboard / garbage_fee → words
    std::string ticket_prefix;

    static ClassifierSettings from(const config::Config& config);
};

struct TrainingOptions {
    int epochs = 20;
    double learning_rate = 0.4;  // AdaGrad's base step
    double l2 = 1e-5;            // per update, on the weights touched
    bool balance_classes = true; // every intent weighs the same, however many examples it has
    double hint_weight = 3.0;    // a configured keyword or an entity against a word's 1
    unsigned seed = 20261207;
};

class StatisticalIntentClassifier final : public IntentClassifier {
public:
    // Trains on settings.understanding.corpus.
    StatisticalIntentClassifier(ClassifierSettings settings, const WordSegmenter& segmenter,
                                TrainingOptions options = {});
    // Trains on `training` instead (cross-validation, evaluation).
    StatisticalIntentClassifier(ClassifierSettings settings, const WordSegmenter& segmenter,
                                const std::vector<config::LabelledUtterance>& training, TrainingOptions options = {});

    std::string classify(std::string_view text) const override { return understand(text).intent; }
    Understanding understand(std::string_view text) const override;

    // The features of `text` as the model sees them (for tests and `classify --explain`).
    std::vector<std::string> features(std::string_view text) const;
    std::size_t feature_count() const { return feature_index_.size(); }
    std::size_t training_size() const { return training_size_; }
    std::chrono::microseconds training_time() const { return training_time_; }

private:
    void train(const std::vector<config::LabelledUtterance>& training, const TrainingOptions& options);
    // The features' indices in the model, unseen ones dropped.
    std::vector<int> known_features(const std::vector<std::string>& names) const;
    std::vector<float> feature_values(const std::vector<int>& features) const;
    std::string first_keyword(const config::KeywordTable& table, const std::string& letters) const;

    ClassifierSettings settings_;
    TextNormalizer normalizer_;
    KeywordIntentClassifier keywords_;
    // Keyword tables in the normalised letters form, for the sub-labels.
    config::KeywordTable tax_types_, tax_questions_, categories_, pointers_;

    std::vector<std::string> classes_;  // config::known_intents() that occur in the training set
    std::unordered_map<std::string, int> feature_index_;
    std::vector<float> weights_;  // feature-major: weights_[f * classes + k]
    std::vector<float> bias_;
    std::vector<bool> hint_feature_;  // by feature index: a keyword or entity feature
    double hint_weight_ = 1.0;
    std::size_t training_size_ = 0;
    std::chrono::microseconds training_time_{0};
};

}  // namespace thesaban::handlers
