#pragma once
// Delivers the outbox (store/outbox.h) to LINE, as a fiber on an event loop (or on a thread). It wakes as soon as something is
// enqueued in this process and otherwise polls (entries from other processes, retries coming due).
// Delivered and permanently refused (4xx other than 429) entries are removed; anything else (5xx,
// 429, no answer) is tried again later with exponential backoff, never dropped. Every attempt for an
// entry uses the same X-Line-Retry-Key, derived from its dedup key.
#include <chrono>
#include <cstddef>

#include "app/polling_loop.h"
#include "line/messaging_api.h"
#include "store/outbox.h"

namespace thesaban::runtime {
struct Loop;
}

namespace thesaban::app {

class OutboxWorker {
public:
    struct Options {
        std::chrono::milliseconds poll_interval{1000};
        // Longer than one push may take with the client's own retries, so a slow send is not repeated.
        std::chrono::milliseconds lease{std::chrono::minutes(5)};
        std::chrono::milliseconds first_backoff{std::chrono::seconds(5)};
        std::chrono::milliseconds max_backoff{std::chrono::minutes(10)};
        std::size_t batch = 20;
    };

    OutboxWorker(store::RedisOutbox& outbox, line::MessagingApi& api, Options options);
    OutboxWorker(const OutboxWorker&) = delete;
    OutboxWorker& operator=(const OutboxWorker&) = delete;
    ~OutboxWorker();  // stop()

    void start();  // a thread of its own (tools, tests)
    void start_on(runtime::Loop& loop);  // a fiber on the bot's event loop
    // Finishes the send in progress, then joins. Safe to call twice.
    void stop();
    void wake();

    // One pass: claims what is due and sends it; the number of entries claimed. Throws RedisUnavailable.
    std::size_t run_once();

    // Wait before the next try after `failed_attempts` failures (≥ 1): first_backoff doubling, capped.
    static std::chrono::milliseconds backoff(int failed_attempts, const Options& options);

private:
    void send(store::OutboxEntry& entry);

    store::RedisOutbox& outbox_;
    line::MessagingApi& api_;
    const Options options_;
    PollingLoop loop_;
};

}  // namespace thesaban::app
