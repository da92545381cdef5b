#include "app/polling_loop.h"

#include <algorithm>
#include <exception>
#include <optional>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/log.h"
#include "runtime/event_loops.h"
#include "runtime/fiber.h"

namespace thesaban::app {

struct PollingLoop::Timer {
    std::optional<boost::asio::steady_timer> waiting;  // set while the fiber waits
};

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

void PollingLoop::start_on(runtime::Loop& loop) {
    auto done = std::make_shared<std::promise<void>>();
    {
        std::lock_guard lock(mutex_);
        if (thread_.joinable() || loop_) return;
        stopping_ = false;
        loop_ = &loop;
        timer_ = std::make_shared<Timer>();
        fiber_done_ = done->get_future();
    }
    boost::asio::post(loop.ioc, [this, &loop, done] {
        runtime::spawn_fiber(loop, [this, done] {
            run_in_fiber();
            done->set_value();
        });
    });
}

void PollingLoop::stop() {
    runtime::Loop* loop = nullptr;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        loop = loop_;
    }
    wakeup_.notify_all();
    if (thread_.joinable()) thread_.join();
    if (loop && fiber_done_.valid()) {
        boost::asio::post(loop->ioc, [timer = timer_] {
            if (timer->waiting) timer->waiting->cancel();
        });
        fiber_done_.wait();
        std::lock_guard lock(mutex_);
        loop_ = nullptr;
    }
}

void PollingLoop::wake() {
    runtime::Loop* loop = nullptr;
    {
        std::lock_guard lock(mutex_);
        woken_ = true;
        loop = loop_;
    }
    wakeup_.notify_all();
    // The flag is set first: a fiber that has not begun to wait sees it; one that waits is woken
    // by this cancel, which runs on its loop after it suspended.
    if (loop) {
        boost::asio::post(loop->ioc, [timer = timer_] {
            if (timer->waiting) timer->waiting->cancel();
        });
    }
}

bool PollingLoop::take_wake_or_stop() {
    std::lock_guard lock(mutex_);
    bool woken = std::exchange(woken_, false);
    return woken || stopping_;
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

void PollingLoop::run_in_fiber() {
    for (;;) {
        std::size_t worked = 0;
        try {
            worked = pass_();
        } catch (const std::exception& e) {
            log::warn(component_, "pass failed; tried again on the next round", {{"error", e.what()}});
        }
        if (stopping()) return;
        if (worked < batch_ && !take_wake_or_stop()) {
            runtime::suspend([&](runtime::Yield& yield) {
                timer_->waiting.emplace(yield.get_executor(), interval_);
                boost::system::error_code cancelled;
                timer_->waiting->async_wait(yield[cancelled]);
                timer_->waiting.reset();
            });
            take_wake_or_stop();
        }
        if (stopping()) return;
    }
}

std::chrono::milliseconds retry_backoff(int failed_attempts, std::chrono::milliseconds first,
                                        std::chrono::milliseconds max) {
    std::chrono::milliseconds wait = first;
    for (int i = 1; i < failed_attempts && wait < max; ++i) wait *= 2;
    return std::min(wait, max);
}

}  // namespace thesaban::app
