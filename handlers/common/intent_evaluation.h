#pragma once
// How well an intent classifier reads a labelled set: accuracy, per-intent precision and recall,
// and which intents it takes for which. Pure functions: `classify --eval` and
// `classify --cross-validate` print them, the tests check them.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"
#include "handlers/common/flow.h"

namespace thesaban::handlers {

struct EvaluationReport {
    struct Miss {
        std::string expected;
        std::string predicted;
        std::string text;
    };
    std::size_t total = 0;
    std::size_t correct = 0;
    // (expected, predicted) → count, both correct and wrong.
    std::map<std::pair<std::string, std::string>, std::size_t> confusion;
    std::vector<Miss> misses;  // in input order

    double accuracy() const { return total ? static_cast<double>(correct) / total : 0.0; }
    double precision(const std::string& intent) const;
    double recall(const std::string& intent) const;
    std::size_t support(const std::string& intent) const;  // utterances labelled `intent`
    void add(const std::string& expected, const std::string& predicted, const std::string& text);
    void merge(const EvaluationReport& other);
};

EvaluationReport evaluate(const IntentClassifier& classifier, const std::vector<config::LabelledUtterance>& set);

// Stratified: each intent's utterances dealt to the folds in turn, in file order (deterministic).
// `train` builds a classifier from the training part of a fold.
using ClassifierFactory =
    std::function<std::unique_ptr<IntentClassifier>(const std::vector<config::LabelledUtterance>& training)>;
EvaluationReport cross_validate(const std::vector<config::LabelledUtterance>& corpus, int folds,
                                const ClassifierFactory& train);

// "accuracy 0.962 (154/160)", then a table: intent precision recall f1 support, then the confusions
// "expected -> predicted  count", most frequent first, then up to `examples` misclassified texts.
std::string format_report(const EvaluationReport& report, std::size_t examples = 20);

}  // namespace thesaban::handlers
