#include "app/chat_runner.h"

#include <algorithm>

#include "app/event_processor.h"
#include "core/metrics.h"
#include "core/log.h"
#include "runtime/event_loops.h"
#include "runtime/fiber.h"

namespace thesaban::app {
namespace {

constexpr std::chrono::milliseconds kFirstPause{100};
constexpr std::chrono::milliseconds kLongestPause{5000};

std::chrono::milliseconds pause_after(int failures) {
    auto pause = kFirstPause * (1 << std::min(failures, 6));
    return std::min(pause, kLongestPause);
}

}  // namespace

std::optional<line::Event> read_stored_event(const store::LeasedEvent& leased) {
    auto event = line::parse_event(leased.event_json);
    if (event) event->webhook_event_id = leased.event_id;
    return event;
}

ChatRunner::ChatRunner(EventProcessor& processor, store::LeasedQueue& inbox,
                       std::chrono::milliseconds reply_token_lifetime, NowMs now_ms)
    : processor_(processor),
      inbox_(inbox),
      reply_token_lifetime_(reply_token_lifetime),
      now_ms_(now_ms),
      event_age_(metrics::registry().histogram(
          "thesaban_event_age_seconds", "Time from LINE's event timestamp to the start of its processing",
          {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300})) {}

void ChatRunner::run(runtime::Loop& loop, std::string chat, line::Event first) {
    start(loop, std::move(chat), std::move(first), false, false);
}

void ChatRunner::start(runtime::Loop& loop, std::string chat, line::Event first, bool rerun, bool swept) {
    {
        std::lock_guard lock(running_mutex_);
        auto [it, inserted] = running_.try_emplace(chat);
        if (!inserted) {
            // Already running here. Swept: its fiber reaches this event through the chat's
            // completions. Accepted to run now: the fiber released the chat and is ending; it
            // runs this one before it does.
            if (!swept) {
                it->second = Next{std::move(first), rerun};
                loop.events_in_flight.fetch_add(1, std::memory_order_relaxed);
            }
            return;
        }
    }
    loop.events_in_flight.fetch_add(1, std::memory_order_relaxed);
    runtime::spawn_fiber_bounded(loop, [this, &loop, chat = std::move(chat), event = std::move(first), rerun]() mutable {
        for (;;) {
            try {
                run_chat(chat, std::move(event), rerun);
            } catch (const std::exception& e) {
                log::error("events", "chat run failed", {{"error", e.what()}});
            }
            loop.events_in_flight.fetch_sub(1, std::memory_order_relaxed);
            std::lock_guard lock(running_mutex_);
            auto it = running_.find(chat);
            if (it == running_.end() || !it->second) {
                if (it != running_.end()) running_.erase(it);
                return;
            }
            event = std::move(it->second->event);
            rerun = it->second->rerun;
            it->second.reset();
        }
    });
}

bool ChatRunner::running(const std::string& chat) const {
    std::lock_guard lock(running_mutex_);
    return running_.count(chat) > 0;
}

void ChatRunner::resume(runtime::Loop& loop, store::LeasedEvent leased) {
    auto event = read_stored_event(leased);
    if (!event) {
        // Unreadable: it can never run, so it must not hold the chat. Complete it on a fiber.
        log::error("events", "unreadable stored event dropped", {{"event", leased.event_id}});
        line::Event placeholder;
        placeholder.webhook_event_id = leased.event_id;
        placeholder.kind = line::EventKind::unknown;
        placeholder.type = "unreadable";
        event = std::move(placeholder);
    }
    start(loop, std::move(leased.chat), std::move(*event), true, true);
}

void ChatRunner::run_chat(std::string chat, line::Event event, bool rerun) {
    for (;;) {
        stats_.events.fetch_add(1, std::memory_order_relaxed);
        const int64_t age_ms = now_ms_() - event.timestamp_ms;
        if (event.timestamp_ms > 0) event_age_.observe(static_cast<double>(age_ms) / 1000.0);
        if (event.reply_token && age_ms >= reply_token_lifetime_.count())
            stats_.late_events.fetch_add(1, std::memory_order_relaxed);
        process_until_done(event, rerun);
        // Events handed over by a completion were never run: only a taken-over head may have been.
        rerun = false;
        auto completion = complete_until_recorded(chat, event.webhook_event_id);
        if (completion.status == store::Completion::Status::lease_lost) {
            stats_.leases_lost.fetch_add(1, std::memory_order_relaxed);
            log::warn("events", "chat taken over by another process; leaving it", {{"event", event.webhook_event_id}});
            return;
        }
        if (completion.status == store::Completion::Status::released) return;
        auto next = read_stored_event(*completion.next);
        if (!next) {
            log::error("events", "unreadable stored event dropped", {{"event", completion.next->event_id}});
            line::Event placeholder;
            placeholder.webhook_event_id = completion.next->event_id;
            placeholder.type = "unreadable";
            next = std::move(placeholder);
        }
        event = std::move(*next);
    }
}

void ChatRunner::process_until_done(const line::Event& event, bool rerun) {
    for (int failures = 0;; ++failures) {
        try {
            // After a failure part of the answer may have gone out: from then on it is a rerun.
            processor_.process(event, rerun || failures > 0);
            return;
        } catch (const store::RedisUnavailable& e) {
            stats_.retries.fetch_add(1, std::memory_order_relaxed);
            log::warn("events", "redis unavailable while handling; will run the event again",
                      {{"event", event.webhook_event_id}, {"error", e.what()}});
        } catch (const std::exception& e) {
            // A defect, not an outage: running it again would fail again and hold the chat forever.
            log::error("events", "handling failed; event dropped", {{"event", event.webhook_event_id}, {"error", e.what()}});
            return;
        }
        runtime::sleep_for(pause_after(failures));
    }
}

store::Completion ChatRunner::complete_until_recorded(const std::string& chat, const std::string& event_id) {
    for (int failures = 0;; ++failures) {
        try {
            return inbox_.complete(chat, event_id, now_ms_());
        } catch (const store::RedisUnavailable& e) {
            stats_.retries.fetch_add(1, std::memory_order_relaxed);
            log::warn("events", "cannot mark the event done yet; retrying (its answer is not repeated)",
                      {{"event", event_id}, {"error", e.what()}});
        } catch (const std::runtime_error& e) {
            // A reply of the wrong shape: do not guess; keep trying, the take-over sweep sees the lease.
            log::error("events", "unexpected inbox reply", {{"event", event_id}, {"error", e.what()}});
        }
        runtime::sleep_for(pause_after(failures));
    }
}

}  // namespace thesaban::app
