#pragma once
// Sends the outbox (store/outbox.h) to LINE: each recipient's pushes one after another, in a fiber
// on an event loop, while this process holds that recipient's lease; different recipients in
// parallel (at most Options::fibers_per_loop per loop, the others wait their turn). Delivered (or
// 409: LINE had it already, from an earlier attempt or a dead process) and permanently refused
// (4xx other than 429, logged) pushes are completed, which hands over the recipient's next one;
// anything else (5xx, 429, no answer) is tried again after a backoff on a timer, with the same
// X-Line-Retry-Key derived from the dedup key, and never dropped. The recipient's later pushes
// wait meanwhile, so they arrive in the order they were made.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "line/messaging_api.h"
#include "store/outbox.h"

namespace thesaban::runtime {
class EventLoops;
struct Loop;
}  // namespace thesaban::runtime

namespace thesaban::app {

class OutboxSender {
public:
    struct Options {
        std::chrono::milliseconds first_backoff{std::chrono::seconds(5)};
        std::chrono::milliseconds max_backoff{std::chrono::minutes(10)};
        std::size_t fibers_per_loop = 32;
    };
    struct Stats {
        std::atomic<uint64_t> sent{0};
        std::atomic<uint64_t> refused{0};   // dropped: LINE refused them for good
        std::atomic<uint64_t> retries{0};   // attempts repeated after a failure
    };

    // Sets each loop's background fiber limit; call before the loops start.
    OutboxSender(runtime::EventLoops& loops, store::RedisOutbox& outbox, line::MessagingApi& api, Options options);
    OutboxSender(const OutboxSender&) = delete;
    OutboxSender& operator=(const OutboxSender&) = delete;
    ~OutboxSender();  // stop()

    // From now on, pushes made in this process are sent as soon as their recipient is ours.
    void start();
    // No new sends start and waiting retries give up their recipient (which stays leased to this
    // process until it resigns; another process then takes it over). Safe to call twice.
    void stop();

    // Sends, on a loop, a recipient's pushes from `first` on: one handed over by the outbox, or one
    // taken over (`swept`: from a dead process, or one of ours that nothing sends; ignored while this
    // process is sending to that recipient). Any thread.
    void run(store::LeasedEvent first, bool swept = false);

    const Stats& stats() const { return stats_; }

    // Wait before the next try after `failed_attempts` failures (≥ 1): first_backoff doubling, capped.
    static std::chrono::milliseconds backoff(int failed_attempts, const Options& options);

private:
    void run_on(runtime::Loop& loop, store::LeasedEvent first, bool swept);
    void send_recipient(store::LeasedEvent leased);
    bool send_until_done(const store::OutboxEntry& entry);  // false: stopped before it was done
    std::optional<store::Completion> complete_until_recorded(const std::string& to, const std::string& dedup_key);

    runtime::EventLoops& loops_;
    store::RedisOutbox& outbox_;
    line::MessagingApi& api_;
    const Options options_;
    std::atomic<bool> stopping_{false};
    Stats stats_;
    // Recipients with a fiber of ours, with the push to send next when the recipient was granted to
    // us again (a new push found it free) while that fiber was ending.
    std::mutex sending_mutex_;
    std::unordered_map<std::string, std::optional<store::LeasedEvent>> sending_;
};

}  // namespace thesaban::app
