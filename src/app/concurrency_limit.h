#pragma once
// At most N requests of one kind at once (/media, /qr, /admin each have their own), so a flood of
// one kind cannot take the loops or the pool from the others; past it the endpoint answers 503.
#include <atomic>
#include <cstddef>
#include <optional>

namespace thesaban::app {

class ConcurrencyLimit {
public:
    explicit ConcurrencyLimit(std::size_t limit) : limit_(limit) {}

    class Slot {
    public:
        explicit Slot(std::atomic<std::size_t>& used) : used_(&used) {}
        Slot(Slot&& other) noexcept : used_(other.used_) { other.used_ = nullptr; }
        Slot(const Slot&) = delete;
        Slot& operator=(const Slot&) = delete;
        Slot& operator=(Slot&&) = delete;
        ~Slot() {
            if (used_) used_->fetch_sub(1, std::memory_order_relaxed);
        }

    private:
        std::atomic<std::size_t>* used_;
    };

    // A slot while fewer than `limit` are taken; nullopt otherwise.
    std::optional<Slot> try_acquire() {
        if (used_.fetch_add(1, std::memory_order_relaxed) >= limit_) {
            used_.fetch_sub(1, std::memory_order_relaxed);
            return std::nullopt;
        }
        return Slot(used_);
    }

private:
    const std::size_t limit_;
    std::atomic<std::size_t> used_{0};
};

}  // namespace thesaban::app
