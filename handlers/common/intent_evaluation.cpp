#include "handlers/common/intent_evaluation.h"

#include <algorithm>
#include <cstdio>
#include <memory>
#include <set>

namespace thesaban::handlers {

double EvaluationReport::precision(const std::string& intent) const {
    std::size_t predicted = 0, right = 0;
    for (const auto& [key, n] : confusion)
        if (key.second == intent) {
            predicted += n;
            if (key.first == intent) right += n;
        }
    return predicted ? static_cast<double>(right) / predicted : 0.0;
}

double EvaluationReport::recall(const std::string& intent) const {
    const std::size_t all = support(intent);
    if (!all) return 0.0;
    auto it = confusion.find({intent, intent});
    return static_cast<double>(it == confusion.end() ? 0 : it->second) / all;
}

std::size_t EvaluationReport::support(const std::string& intent) const {
    std::size_t n = 0;
    for (const auto& [key, count] : confusion)
        if (key.first == intent) n += count;
    return n;
}

void EvaluationReport::add(const std::string& expected, const std::string& predicted, const std::string& text) {
    ++total;
    ++confusion[{expected, predicted}];
    if (expected == predicted)
        ++correct;
    else
        misses.push_back({expected, predicted, text});
}

void EvaluationReport::merge(const EvaluationReport& other) {
    total += other.total;
    correct += other.correct;
    for (const auto& [key, n] : other.confusion) confusion[key] += n;
    misses.insert(misses.end(), other.misses.begin(), other.misses.end());
}

EvaluationReport evaluate(const IntentClassifier& classifier, const std::vector<config::LabelledUtterance>& set) {
    EvaluationReport report;
    for (const auto& u : set) report.add(u.intent, classifier.classify(u.text), u.text);
    return report;
}

EvaluationReport cross_validate(const std::vector<config::LabelledUtterance>& corpus, int folds,
                                const ClassifierFactory& train) {
    std::vector<int> fold_of(corpus.size());
    std::map<std::string, int> dealt;
    for (std::size_t i = 0; i < corpus.size(); ++i) fold_of[i] = dealt[corpus[i].intent]++ % folds;
    EvaluationReport report;
    for (int fold = 0; fold < folds; ++fold) {
        std::vector<config::LabelledUtterance> training, held_out;
        for (std::size_t i = 0; i < corpus.size(); ++i) (fold_of[i] == fold ? held_out : training).push_back(corpus[i]);
        if (held_out.empty()) continue;
        report.merge(evaluate(*train(training), held_out));
    }
    return report;
}

std::string format_report(const EvaluationReport& report, std::size_t examples) {
    std::string out;
    char line[256];
    std::snprintf(line, sizeof line, "accuracy %.3f (%zu/%zu)\n", report.accuracy(), report.correct, report.total);
    out += line;
    std::set<std::string> seen;
    for (const auto& [key, n] : report.confusion) seen.insert(key.first), seen.insert(key.second);
    std::vector<std::string> intents;
    for (const auto& intent : config::known_intents())
        if (seen.count(intent)) intents.push_back(intent);
    for (const auto& intent : seen)
        if (std::find(intents.begin(), intents.end(), intent) == intents.end()) intents.push_back(intent);
    out += "intent          precision  recall     f1  support\n";
    for (const auto& intent : intents) {
        const double p = report.precision(intent), r = report.recall(intent);
        const double f1 = p + r > 0 ? 2 * p * r / (p + r) : 0.0;
        std::snprintf(line, sizeof line, "%-15s %9.3f %7.3f %6.3f %8zu\n", intent.c_str(), p, r, f1,
                      report.support(intent));
        out += line;
    }
    std::vector<std::pair<std::size_t, std::pair<std::string, std::string>>> wrong;
    for (const auto& [key, n] : report.confusion)
        if (key.first != key.second) wrong.push_back({n, key});
    std::stable_sort(wrong.begin(), wrong.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    out += "confusions (expected -> predicted  count)\n";
    if (wrong.empty()) out += "  none\n";
    for (const auto& [n, key] : wrong) {
        std::snprintf(line, sizeof line, "  %s -> %s  %zu\n", key.first.c_str(), key.second.c_str(), n);
        out += line;
    }
    if (!report.misses.empty() && examples > 0) {
        out += "misclassified (expected -> predicted: text)\n";
        for (std::size_t i = 0; i < std::min(examples, report.misses.size()); ++i) {
            const auto& m = report.misses[i];
            out += "  " + m.expected + " -> " + m.predicted + ": " + m.text + "\n";
        }
    }
    return out;
}

}  // namespace thesaban::handlers
