#include "app/classify_command.h"

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include "config/config.h"
#include "core/word_segmenter.h"
#include "handlers/common/intent_evaluation.h"
#include "handlers/common/intent_model.h"

namespace thesaban::app {
namespace {

constexpr const char* kUsage =
    "usage: thesaban-bot classify TEXT [--config FILE]\n"
    "       thesaban-bot classify --eval FILE.tsv [--config FILE]\n"
    "       thesaban-bot classify --cross-validate K [--config FILE]\n";

std::string fixed(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    return buf;
}

}  // namespace

std::string format_understanding(const handlers::Understanding& u) {
    std::string out = u.intent;
    auto field = [&](const std::string& key, const std::string& value) {
        if (!value.empty()) out += "\t" + key + "=" + value;
    };
    field("keyword", u.keyword);
    if (u.confidence > 0) field("confidence", fixed(u.confidence));
    field("tax_type", u.tax_type);
    field("asks", u.tax_question);
    field("category", u.category);
    field("pointer", u.pointer);
    const auto& e = u.entities;
    if (e.ticket_number) field("ticket", *e.ticket_number);
    if (e.notice_number) field("notice", *e.notice_number);
    if (e.phone) field("phone", *e.phone);
    if (e.rating) field("rating", std::to_string(*e.rating));
    if (e.village) field("village", std::to_string(*e.village));
    if (e.place) field("place", *e.place);
    return out;
}

int classify_command(const std::vector<std::string>& args) {
    std::string path = "config/thesaban.example.jsonc";
    if (!std::filesystem::exists(path)) path = THESABAN_SOURCE_DIR "/config/thesaban.example.jsonc";
    std::vector<std::string> texts;
    std::string eval_file;
    int folds = 0;
    for (std::size_t i = 1; i < args.size(); ++i) {
        if (args[i] == "--config" && i + 1 < args.size()) {
            path = args[++i];
        } else if (args[i] == "--eval" && i + 1 < args.size()) {
            eval_file = args[++i];
        } else if (args[i] == "--cross-validate" && i + 1 < args.size()) {
            try {
                folds = std::stoi(args[++i]);
            } catch (const std::exception&) {
                folds = -1;
            }
            if (folds < 2) {
                std::cerr << "thesaban-bot: --cross-validate needs a number of folds of 2 or more\n";
                return 2;
            }
        } else {
            texts.push_back(args[i]);
        }
    }
    const int modes = (texts.size() == 1) + !eval_file.empty() + (folds > 0);
    if (modes != 1 || texts.size() > 1) {
        std::cerr << kUsage;
        return 2;
    }
    config::Config config;
    try {
        config = config::load_config(path, config::current_environment(), /*require_secrets=*/false);
    } catch (const config::ConfigError& e) {
        std::cerr << "thesaban-bot: configuration error in " << path << ": " << e.what() << "\n";
        return 1;
    }
    std::unique_ptr<WordSegmenter> segmenter;
    try {
        segmenter = make_thai_word_segmenter();
    } catch (const std::exception& e) {
        std::cerr << "thesaban-bot: " << e.what() << "\n";
        return 1;
    }
    const auto settings = handlers::ClassifierSettings::from(config);

    if (folds > 0) {
        const auto& corpus = config.understanding.corpus;
        if (static_cast<std::size_t>(folds) > corpus.size()) {
            std::cerr << "thesaban-bot: more folds than utterances in " << config.understanding.corpus_path << "\n";
            return 2;
        }
        auto report = handlers::cross_validate(corpus, folds, [&](const auto& training) {
            return std::make_unique<handlers::StatisticalIntentClassifier>(settings, *segmenter, training);
        });
        std::cout << folds << "-fold cross-validation of " << config.understanding.corpus_path << " ("
                  << corpus.size() << " utterances)\n"
                  << handlers::format_report(report);
        return 0;
    }

    const handlers::StatisticalIntentClassifier classifier(settings, *segmenter);
    if (!eval_file.empty()) {
        std::vector<config::LabelledUtterance> set;
        try {
            set = config::read_labelled_utterances(eval_file);
        } catch (const config::ConfigError& e) {
            std::cerr << "thesaban-bot: " << e.what() << "\n";
            return 1;
        }
        std::cout << "evaluation of " << eval_file << " (" << set.size() << " utterances; trained on "
                  << classifier.training_size() << " of " << config.understanding.corpus_path << " in "
                  << fixed(classifier.training_time().count() / 1000.0) << " ms, " << classifier.feature_count()
                  << " features)\n"
                  << handlers::format_report(handlers::evaluate(classifier, set));
        return 0;
    }
    std::cout << format_understanding(classifier.understand(texts[0])) << "\n";
    return 0;
}

}  // namespace thesaban::app
