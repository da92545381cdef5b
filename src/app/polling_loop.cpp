#include "app/polling_loop.h"

#include <algorithm>
#include <exception>
#include <utility>

#include "core/log.h"

namespace thesaban::app {

PollingLoop::PollingLoop(std::string component, std::size_t batch, std::chrono::milliseconds interval,
                         std::function<std::size_t()> pass)
    : component_(std::move(component)), batch_(batch), interval_(interval), pass_(std::move(pass)) {}

PollingLoop::~PollingLoop() { stop(); }

void PollingLoop::start() {
    {
        std::lock_guard lock(mutex_);
        if (thread_.joinable()) return;
        stopping_ = false;
    }
    thread_ = std::thread([this] { run(); });
}

void PollingLoop::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wakeup_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void PollingLoop::wake() {
    {
        std::lock_guard lock(mutex_);
        woken_ = true;
    }
    wakeup_.notify_all();
}

bool PollingLoop::stopping() const {
    std::lock_guard lock(mutex_);
    return stopping_;
}

void PollingLoop::run() {
    for (;;) {
        std::size_t worked = 0;
        try {
            worked = pass_();
        } catch (const std::exception& e) {
            log::warn(component_, "pass failed; tried again on the next round", {{"error", e.what()}});
        }
        std::unique_lock lock(mutex_);
        if (stopping_) return;
        if (worked < batch_) wakeup_.wait_for(lock, interval_, [this] { return stopping_ || woken_; });
        woken_ = false;
        if (stopping_) return;
    }
}

std::chrono::milliseconds retry_backoff(int failed_attempts, std::chrono::milliseconds first,
                                        std::chrono::milliseconds max) {
    std::chrono::milliseconds wait = first;
    for (int i = 1; i < failed_attempts && wait < max; ++i) wait *= 2;
    return std::min(wait, max);
}

}  // namespace thesaban::app
