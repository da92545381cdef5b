#include "handlers/common/intent_model.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

#include "core/text.h"

namespace thesaban::handlers {
namespace {

bool is_digits(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

void add_char_ngrams(const std::u32string& word, std::vector<std::string>& out) {
    // Letter n-grams carry the misspellings and unknown words the dictionary cuts wrongly.
    const std::u32string marked = U"<" + word + U">";
    for (std::size_t n = 2; n <= 4; ++n) {
        if (marked.size() < n) break;
        for (std::size_t i = 0; i + n <= marked.size(); ++i) {
            if (n == 2 && (i == 0 || i + n == marked.size()) && word.size() > 1) continue;  // "<x" says little
            out.push_back("c:" + text::to_utf8(marked.substr(i, n)));
        }
    }
}

}  // namespace

ClassifierSettings ClassifierSettings::from(const config::Config& config) {
    ClassifierSettings s;
    s.keywords = config.intents;
    s.understanding = config.understanding;
    for (const auto& [topic, words] : config.tax_chat.topic_keywords)
        if (topic != "lookup") s.tax_types.emplace_back(topic, words);
    s.ticket_prefix = config.ticket_prefix;
    return s;
}

StatisticalIntentClassifier::StatisticalIntentClassifier(ClassifierSettings settings, const WordSegmenter& segmenter,
                                                         TrainingOptions options)
    : StatisticalIntentClassifier(settings, segmenter, settings.understanding.corpus, options) {}

StatisticalIntentClassifier::StatisticalIntentClassifier(ClassifierSettings settings, const WordSegmenter& segmenter,
                                                         const std::vector<config::LabelledUtterance>& training,
                                                         TrainingOptions options)
    : settings_(std::move(settings)),
      normalizer_(segmenter, settings_.understanding.rewrites),
      keywords_(settings_.keywords) {
    auto normalise_table = [&](const config::KeywordTable& table) {
        config::KeywordTable out;
        for (const auto& [key, words] : table) {
            std::vector<std::string> normalised;
            for (const auto& w : words)
                if (auto n = normalizer_.letters(w); !n.empty()) normalised.push_back(n);
            out.emplace_back(key, std::move(normalised));
        }
        return out;
    };
    tax_types_ = normalise_table(settings_.tax_types);
    tax_questions_ = normalise_table(settings_.understanding.tax_questions);
    categories_ = normalise_table(settings_.understanding.complaint_categories);
    config::KeywordTable pointers;
    for (const auto& p : settings_.understanding.out_of_scope) pointers.emplace_back(p.key, p.keywords);
    pointers_ = normalise_table(pointers);
    train(training, options);
}

std::vector<std::string> StatisticalIntentClassifier::features(std::string_view text) const {
    std::vector<std::string> out;
    const std::vector<std::string> words = normalizer_.words(text);
    std::vector<std::string> tokens;
    for (const auto& w : words) {
        if (is_digits(w)) {
            // A number's length says more than its digits: 1 a rating, 4 a year, 9–10 a phone.
            tokens.push_back("#" + std::to_string(std::min<std::size_t>(w.size(), 10)));
        } else {
            tokens.push_back(w);
            add_char_ngrams(text::to_utf32(w), out);
        }
    }
    for (const auto& t : tokens) out.push_back("w:" + t);
    for (std::size_t i = 0; i + 1 < tokens.size(); ++i) out.push_back("b:" + tokens[i] + "_" + tokens[i + 1]);
    if (!tokens.empty()) {
        out.push_back("b:^_" + tokens.front());
        out.push_back("b:" + tokens.back() + "_$");
    }
    if (!tokens.empty() && tokens.size() <= 2) out.push_back("len:short");
    // The configured keywords: the longest, as the keyword classifier reads it, and every intent with one.
    const auto match = keywords_.match(text);
    if (match.intent != "unknown") out.push_back("k:" + match.intent);
    const Entities entities = extract_entities(text, settings_.ticket_prefix);
    if (entities.ticket_number) out.push_back("e:ticket");
    if (entities.notice_number) out.push_back("e:notice");
    if (entities.phone) out.push_back("e:phone");
    if (entities.rating) out.push_back("e:rating");
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::vector<float> StatisticalIntentClassifier::feature_values(const std::vector<int>& features) const {
    // Unit length, so a long message does not shout; the configured keywords and the entities count
    // `hint_weight` times as much as a word: they are what the municipality said these intents are.
    std::vector<float> values(features.size(), 1.0f);
    double norm = 0;
    for (std::size_t i = 0; i < features.size(); ++i) {
        if (hint_feature_[static_cast<std::size_t>(features[i])]) values[i] = static_cast<float>(hint_weight_);
        norm += values[i] * values[i];
    }
    norm = std::sqrt(norm);
    for (float& v : values) v = static_cast<float>(v / norm);
    return values;
}

std::vector<int> StatisticalIntentClassifier::known_features(const std::vector<std::string>& names) const {
    std::vector<int> out;
    out.reserve(names.size());
    for (const auto& name : names)
        if (auto it = feature_index_.find(name); it != feature_index_.end()) out.push_back(it->second);
    return out;
}

void StatisticalIntentClassifier::train(const std::vector<config::LabelledUtterance>& training,
                                        const TrainingOptions& options) {
    hint_weight_ = options.hint_weight;
    const auto started = std::chrono::steady_clock::now();
    training_size_ = training.size();
    std::set<std::string> present;
    for (const auto& u : training) present.insert(u.intent);
    for (const auto& intent : config::known_intents())
        if (present.count(intent)) classes_.push_back(intent);
    const std::size_t k_count = classes_.size();

    struct Sample {
        std::vector<int> features;
        std::vector<float> values;
        int label;
    };
    std::vector<Sample> samples;
    samples.reserve(training.size());
    for (const auto& u : training) {
        Sample sample;
        for (auto& name : features(u.text)) {
            auto [it, inserted] = feature_index_.emplace(std::move(name), static_cast<int>(feature_index_.size()));
            sample.features.push_back(it->second);
        }
        hint_feature_.resize(feature_index_.size());
        for (const auto& [name, index] : feature_index_)
            if (!hint_feature_[static_cast<std::size_t>(index)])
                hint_feature_[static_cast<std::size_t>(index)] = name.rfind("k:", 0) == 0 || name.rfind("e:", 0) == 0;
        sample.values = feature_values(sample.features);
        sample.label = static_cast<int>(std::find(classes_.begin(), classes_.end(), u.intent) - classes_.begin());
        samples.push_back(std::move(sample));
    }
    std::vector<double> class_weight(k_count, 1.0);
    if (options.balance_classes) {
        std::vector<int> counts(k_count, 0);
        for (const auto& s : samples) ++counts[static_cast<std::size_t>(s.label)];
        for (std::size_t k = 0; k < k_count; ++k)
            class_weight[k] = counts[k] ? static_cast<double>(samples.size()) / (k_count * counts[k]) : 0.0;
    }

    const std::size_t f_count = feature_index_.size();
    weights_.assign(f_count * k_count, 0.0f);
    bias_.assign(k_count, 0.0f);
    std::vector<float> g2_weights(f_count * k_count, 1e-8f), g2_bias(k_count, 1e-8f);
    std::vector<std::size_t> order(samples.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::mt19937 random(options.seed);
    std::vector<double> scores(k_count);
    for (int epoch = 0; epoch < options.epochs; ++epoch) {
        // Fisher–Yates with the fixed seed: the same order on every machine and library.
        for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[random() % i]);
        for (std::size_t index : order) {
            const Sample& s = samples[index];
            if (s.features.empty()) continue;
            for (std::size_t k = 0; k < k_count; ++k) {
                double z = bias_[k];
                for (std::size_t i = 0; i < s.features.size(); ++i)
                    z += weights_[static_cast<std::size_t>(s.features[i]) * k_count + k] * s.values[i];
                scores[k] = z;
            }
            const double top = *std::max_element(scores.begin(), scores.end());
            double sum = 0;
            for (double& z : scores) sum += (z = std::exp(z - top));
            for (std::size_t k = 0; k < k_count; ++k) {
                const double g = class_weight[static_cast<std::size_t>(s.label)] *
                                 (scores[k] / sum - (static_cast<int>(k) == s.label ? 1.0 : 0.0));
                g2_bias[k] += static_cast<float>(g * g);
                bias_[k] -= static_cast<float>(options.learning_rate * g / std::sqrt(g2_bias[k]));
                for (std::size_t i = 0; i < s.features.size(); ++i) {
                    const std::size_t at = static_cast<std::size_t>(s.features[i]) * k_count + k;
                    const double gw = g * s.values[i] + options.l2 * weights_[at];
                    g2_weights[at] += static_cast<float>(gw * gw);
                    weights_[at] -= static_cast<float>(options.learning_rate * gw / std::sqrt(g2_weights[at]));
                }
            }
        }
    }
    training_time_ = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
}

std::string StatisticalIntentClassifier::first_keyword(const config::KeywordTable& table,
                                                       const std::string& letters) const {
    // The longest word of any key wins, so "ภาษีป้าย" is signboard even if "ภาษี" were listed too.
    std::string best_key;
    std::size_t best = 0;
    for (const auto& [key, words] : table)
        for (const auto& w : words)
            if (w.size() > best && letters.find(w) != std::string::npos) {
                best = w.size();
                best_key = key;
            }
    return best_key;
}

Understanding StatisticalIntentClassifier::understand(std::string_view text) const {
    Understanding u;
    u.entities = extract_entities(text, settings_.ticket_prefix);
    u.keyword = keywords_.match(text).keyword;
    const std::vector<int> feats = known_features(features(text));
    const std::size_t k_count = classes_.size();
    if (feats.empty() || k_count == 0) return u;  // nothing it has seen: "unknown"

    std::vector<double> p(k_count);
    const std::vector<float> values = feature_values(feats);
    for (std::size_t k = 0; k < k_count; ++k) {
        double z = bias_[k];
        for (std::size_t i = 0; i < feats.size(); ++i)
            z += weights_[static_cast<std::size_t>(feats[i]) * k_count + k] * values[i];
        p[k] = z;
    }
    const double top = *std::max_element(p.begin(), p.end());
    double sum = 0;
    for (double& z : p) sum += (z = std::exp(z - top));
    std::vector<std::size_t> ranked(k_count);
    for (std::size_t k = 0; k < k_count; ++k) ranked[k] = k, p[k] /= sum;
    std::stable_sort(ranked.begin(), ranked.end(), [&](std::size_t a, std::size_t b) { return p[a] > p[b]; });
    u.confidence = p[ranked[0]];
    u.intent = u.confidence >= settings_.understanding.min_confidence ? classes_[ranked[0]] : "unknown";
    for (std::size_t i = 1; i < std::min<std::size_t>(k_count, 3); ++i)
        u.alternatives.emplace_back(classes_[ranked[i]], p[ranked[i]]);

    const std::string letters = normalizer_.letters(text);
    if (u.intent == "tax" || u.intent == "tax_lookup") u.tax_type = first_keyword(tax_types_, letters);
    if (u.intent == "tax") u.tax_question = first_keyword(tax_questions_, letters);
    if (u.intent == "complaint") u.category = first_keyword(categories_, letters);
    if (u.intent == "out_of_scope") u.pointer = first_keyword(pointers_, letters);
    return u;
}

}  // namespace thesaban::handlers
