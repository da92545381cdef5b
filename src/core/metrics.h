#pragma once
// Process metrics in Prometheus's text format (GET /metrics), written directly: counters and
// histograms are relaxed atomics, cheap enough for the webhook path, and a caller keeps the
// reference it got, so the registry's lock is taken once per label set, not per increment.
// Values that live elsewhere (queue depths in Redis, a component's own stats) are read when the
// page is drawn, by collectors. Like the log, one registry per process.
#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace thesaban::metrics {

// Label names and values in order: {{"status", "200"}, {"route", "/webhook"}}.
using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
public:
    void inc(uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
    uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

private:
    std::atomic<uint64_t> value_{0};
};

// Fixed buckets, given in increasing order (upper bounds, in the metric's unit).
class Histogram {
public:
    explicit Histogram(std::vector<double> bounds);
    void observe(double value) noexcept;

    const std::vector<double>& bounds() const { return bounds_; }
    // Per bucket (not cumulative), then the +Inf bucket.
    std::vector<uint64_t> counts() const;
    double sum() const;
    uint64_t count() const;

private:
    std::vector<double> bounds_;
    std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_.size() + 1
    std::atomic<uint64_t> count_{0};
    std::atomic<uint64_t> sum_micros_{0};  // the sum in millionths of the unit, so it stays an atomic integer
};

// Writes the lines of metrics a collector reads at scrape time.
class Writer {
public:
    void gauge(const std::string& name, const std::string& help, const Labels& labels, double value);
    void counter(const std::string& name, const std::string& help, const Labels& labels, double value);
    std::string take() { return std::move(out_); }

private:
    void family(const std::string& name, const std::string& help, const char* type);
    void sample(const std::string& name, const std::string& help, const char* type, const Labels& labels, double value);
    std::string out_;
    std::map<std::string, bool> declared_;
};

class Registry {
public:
    // The same name and labels give the same object, for the life of the registry.
    Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
    Histogram& histogram(const std::string& name, const std::string& help, const std::vector<double>& bounds,
                         const Labels& labels = {});
    // Called on every scrape, in the order added; keep them cheap. The returned id removes it
    // (before what it reads goes away).
    std::size_t add_collector(std::function<void(Writer&)> collector);
    void remove_collector(std::size_t id);

    // The whole page: registered metrics, then what the collectors write, then `extra` (values the
    // caller read from elsewhere for this scrape).
    std::string render(const std::string& extra = {}) const;

private:
    struct Family {
        std::string help;
        const char* type;
        std::map<std::string, Counter*> counters;      // by rendered labels
        std::map<std::string, Histogram*> histograms;
    };
    mutable std::mutex mutex_;
    std::map<std::string, Family> families_;
    std::deque<Counter> counter_storage_;  // deque: references stay valid as it grows
    std::deque<Histogram> histogram_storage_;
    std::map<std::size_t, std::function<void(Writer&)>> collectors_;
    std::size_t next_collector_ = 1;
};

Registry& registry();

// `{name="value",...}` with Prometheus's escaping; "" for no labels.
std::string render_labels(const Labels& labels);

}  // namespace thesaban::metrics
