#include "core/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>

namespace thesaban::metrics {
namespace {

std::string number(double v) {
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    if (v == std::floor(v) && std::fabs(v) < 1e15) return std::to_string(static_cast<long long>(v));
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6g", v);
    return buffer;
}

std::string escape_help(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

// The labels with one more (for a histogram's "le").
std::string with_label(const std::string& rendered, const std::string& name, const std::string& value) {
    std::string inner = rendered.empty() ? "" : rendered.substr(1, rendered.size() - 2) + ",";
    return "{" + inner + name + "=\"" + value + "\"}";
}

}  // namespace

std::string render_labels(const Labels& labels) {
    if (labels.empty()) return "";
    std::string out = "{";
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (i) out += ',';
        out += labels[i].first;
        out += "=\"";
        for (char c : labels[i].second) {
            if (c == '\\') out += "\\\\";
            else if (c == '"') out += "\\\"";
            else if (c == '\n') out += "\\n";
            else out += c;
        }
        out += '"';
    }
    return out + "}";
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
    std::sort(bounds_.begin(), bounds_.end());
    for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0, std::memory_order_relaxed);
}

void Histogram::observe(double value) noexcept {
    std::size_t i = static_cast<std::size_t>(std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin());
    buckets_[i].fetch_add(1, std::memory_order_relaxed);
    count_.fetch_add(1, std::memory_order_relaxed);
    if (value > 0) sum_micros_.fetch_add(static_cast<uint64_t>(std::llround(value * 1e6)), std::memory_order_relaxed);
}

std::vector<uint64_t> Histogram::counts() const {
    std::vector<uint64_t> out(bounds_.size() + 1);
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = buckets_[i].load(std::memory_order_relaxed);
    return out;
}

double Histogram::sum() const { return static_cast<double>(sum_micros_.load(std::memory_order_relaxed)) / 1e6; }
uint64_t Histogram::count() const { return count_.load(std::memory_order_relaxed); }

void Writer::family(const std::string& name, const std::string& help, const char* type) {
    if (declared_[name]) return;
    declared_[name] = true;
    out_ += "# HELP " + name + " " + escape_help(help) + "\n# TYPE " + name + " " + type + "\n";
}

void Writer::sample(const std::string& name, const std::string& help, const char* type, const Labels& labels,
                    double value) {
    family(name, help, type);
    out_ += name + render_labels(labels) + " " + number(value) + "\n";
}

void Writer::gauge(const std::string& name, const std::string& help, const Labels& labels, double value) {
    sample(name, help, "gauge", labels, value);
}

void Writer::counter(const std::string& name, const std::string& help, const Labels& labels, double value) {
    sample(name, help, "counter", labels, value);
}

Counter& Registry::counter(const std::string& name, const std::string& help, const Labels& labels) {
    std::lock_guard lock(mutex_);
    auto& family = families_[name];
    if (family.help.empty()) {
        family.help = help;
        family.type = "counter";
    }
    auto& slot = family.counters[render_labels(labels)];
    if (!slot) slot = &counter_storage_.emplace_back();
    return *slot;
}

Histogram& Registry::histogram(const std::string& name, const std::string& help, const std::vector<double>& bounds,
                               const Labels& labels) {
    std::lock_guard lock(mutex_);
    auto& family = families_[name];
    if (family.help.empty()) {
        family.help = help;
        family.type = "histogram";
    }
    auto& slot = family.histograms[render_labels(labels)];
    if (!slot) slot = &histogram_storage_.emplace_back(bounds);
    return *slot;
}

std::size_t Registry::add_collector(std::function<void(Writer&)> collector) {
    std::lock_guard lock(mutex_);
    std::size_t id = next_collector_++;
    collectors_.emplace(id, std::move(collector));
    return id;
}

void Registry::remove_collector(std::size_t id) {
    std::lock_guard lock(mutex_);
    collectors_.erase(id);
}

std::string Registry::render(const std::string& extra) const {
    std::string out;
    std::vector<std::function<void(Writer&)>> collectors;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [name, family] : families_) {
            out += "# HELP " + name + " " + escape_help(family.help) + "\n# TYPE " + name + " " + family.type + "\n";
            for (const auto& [labels, c] : family.counters) out += name + labels + " " + std::to_string(c->value()) + "\n";
            for (const auto& [labels, h] : family.histograms) {
                auto counts = h->counts();
                uint64_t cumulative = 0;
                for (std::size_t i = 0; i < counts.size(); ++i) {
                    cumulative += counts[i];
                    std::string le = i < h->bounds().size() ? number(h->bounds()[i]) : "+Inf";
                    out += name + "_bucket" + with_label(labels, "le", le) + " " + std::to_string(cumulative) + "\n";
                }
                out += name + "_sum" + labels + " " + number(h->sum()) + "\n";
                out += name + "_count" + labels + " " + std::to_string(h->count()) + "\n";
            }
        }
        for (const auto& [id, collect] : collectors_) collectors.push_back(collect);
    }
    Writer writer;
    for (const auto& collect : collectors) collect(writer);
    return out + writer.take() + extra;
}

Registry& registry() {
    static Registry instance;
    return instance;
}

}  // namespace thesaban::metrics
