#include "app/outbox_sender.h"

#include <boost/asio/post.hpp>

#include <exception>
#include <string>

#include "app/polling_loop.h"
#include "core/log.h"
#include "core/random.h"
#include "runtime/event_loops.h"
#include "runtime/fiber.h"

namespace thesaban::app {
namespace {
constexpr std::string_view kComponent = "outbox";

bool permanently_refused(const line::ApiResult& result) {
    return result.status >= 400 && result.status < 500 && result.status != 429;
}

std::chrono::milliseconds redis_pause(int failures) {
    return retry_backoff(failures + 1, std::chrono::milliseconds(100), std::chrono::seconds(5));
}
}  // namespace

OutboxSender::OutboxSender(runtime::EventLoops& loops, store::RedisOutbox& outbox, line::MessagingApi& api,
                           Options options)
    : loops_(loops), outbox_(outbox), api_(api), options_(options) {
    for (std::size_t i = 0; i < loops_.size(); ++i)
        loops_.at(i).background_fibers.limit = options_.fibers_per_loop == 0 ? 1 : options_.fibers_per_loop;
}

OutboxSender::~OutboxSender() { stop(); }

void OutboxSender::start() {
    stopping_ = false;
    outbox_.set_on_ready([this](store::LeasedEvent first) { run(std::move(first)); });
}

void OutboxSender::stop() {
    stopping_ = true;
    // Unset first: once it returns no push calls into this sender any more.
    outbox_.set_on_ready({});
}

std::chrono::milliseconds OutboxSender::backoff(int failed_attempts, const Options& options) {
    return retry_backoff(failed_attempts, options.first_backoff, options.max_backoff);
}

void OutboxSender::run(store::LeasedEvent first, bool swept) {
    if (runtime::Loop* loop = runtime::current_loop()) {
        run_on(*loop, std::move(first), swept);
        return;
    }
    runtime::Loop& loop = loops_.next();
    boost::asio::post(loop.ioc, [this, &loop, first = std::move(first), swept]() mutable {
        run_on(loop, std::move(first), swept);
    });
}

void OutboxSender::run_on(runtime::Loop& loop, store::LeasedEvent first, bool swept) {
    {
        std::lock_guard lock(sending_mutex_);
        auto [it, inserted] = sending_.try_emplace(first.chat);
        if (!inserted) {
            // Swept: its fiber gets there through completions. A new push that found the recipient
            // free: the fiber released it and is ending; it sends this one before it does.
            if (!swept) it->second = std::move(first);
            return;
        }
    }
    runtime::spawn_fiber_bounded(loop, loop.background_fibers, [this, first = std::move(first)]() mutable {
        const std::string to = first.chat;
        for (;;) {
            try {
                send_recipient(std::move(first));
            } catch (const std::exception& e) {
                log::error(kComponent, "sending failed", {{"error", e.what()}});
            }
            std::lock_guard lock(sending_mutex_);
            auto it = sending_.find(to);
            if (it == sending_.end() || !it->second) {
                if (it != sending_.end()) sending_.erase(it);
                return;
            }
            first = std::move(*it->second);
            it->second.reset();
        }
    });
}

void OutboxSender::send_recipient(store::LeasedEvent leased) {
    for (;;) {
        if (stopping_) return;
        store::OutboxEntry entry;
        if (!store::outbox_entry_from_json(leased.event_json, entry)) {
            // Unreadable: it can never be sent, so it must not hold the recipient's later pushes.
            log::error(kComponent, "unreadable push dropped", {{"dedup_key", leased.event_id}});
        } else if (!send_until_done(entry)) {
            return;
        }
        auto completion = complete_until_recorded(leased.chat, leased.event_id);
        if (!completion) return;
        if (completion->status == store::Completion::Status::lease_lost) {
            log::warn(kComponent, "recipient taken over by another process; leaving it",
                      {{"to", log::mask_id(leased.chat)}});
            return;
        }
        if (completion->status == store::Completion::Status::released) return;
        leased = std::move(*completion->next);
    }
}

bool OutboxSender::send_until_done(const store::OutboxEntry& entry) {
    const std::string retry_key = uuid_from_name("outbox:" + entry.dedup_key);
    bool reply_refused = false;
    for (int failures = 0;;) {
        const bool by_reply =
            !entry.reply_token.empty() && !reply_refused && outbox_.now_ms() < entry.reply_until_ms;
        line::ApiResult result;
        try {
            result = by_reply ? api_.reply(entry.reply_token, entry.messages)
                              : api_.push(entry.to, entry.messages, retry_key);
        } catch (const std::exception& e) {
            result.status = 0;
            result.error = e.what();
        }
        if (by_reply && line::is_invalid_reply_token(result)) {
            // Only this process held the token, and it is still fresh: spent by our own earlier
            // attempt, whose answer LINE had taken before it stopped answering.
            log::info(kComponent, "reply had gone out before; not repeated", {{"to", log::mask_id(entry.to)}});
            stats_.sent.fetch_add(1, std::memory_order_relaxed);
            return true;
        }
        if (by_reply && permanently_refused(result)) {
            reply_refused = true;  // LINE will not take this reply: push it instead, at once
            continue;
        }
        if (result.ok()) {
            stats_.sent.fetch_add(1, std::memory_order_relaxed);
            return true;
        }
        if (permanently_refused(result)) {
            // Retrying cannot help (blocked, bad message, unknown user); LINE's body says why.
            stats_.refused.fetch_add(1, std::memory_order_relaxed);
            log::error(kComponent, "push refused, dropped",
                       {{"status", std::to_string(result.status)},
                        {"to", log::mask_id(entry.to)},
                        {"retry_key", retry_key},
                        {"request_id", result.request_id},
                        {"body", result.body}});
            return true;
        }
        ++failures;
        const auto wait = backoff(failures, options_);
        log::warn(kComponent, by_reply ? "reply failed, will retry" : "push failed, will retry",
                  {{"status", std::to_string(result.status)},
                   {"error", result.error},
                   {"to", log::mask_id(entry.to)},
                   {"retry_key", retry_key},
                   {"attempts", std::to_string(failures)},
                   {"retry_in_ms", std::to_string(wait.count())}});
        if (stopping_) return false;
        runtime::sleep_for(wait);
        if (stopping_) return false;
        stats_.retries.fetch_add(1, std::memory_order_relaxed);
    }
}

std::optional<store::Completion> OutboxSender::complete_until_recorded(const std::string& to,
                                                                       const std::string& dedup_key) {
    for (int failures = 0;; ++failures) {
        try {
            return outbox_.queue().complete(to, dedup_key, outbox_.now_ms());
        } catch (const std::exception& e) {
            // Sent but not yet recorded: only the completion is retried, never the push (and were
            // the push repeated after a take-over, its retry key would make LINE answer 409).
            log::warn(kComponent, "cannot record the push as sent yet; retrying",
                      {{"to", log::mask_id(to)}, {"error", e.what()}});
        }
        if (stopping_) return std::nullopt;
        runtime::sleep_for(redis_pause(failures));
    }
}

}  // namespace thesaban::app
