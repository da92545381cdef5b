#pragma once
// Runs a chat's events one after another, in a fiber on an event loop, while this process holds the
// chat's lease: process the event (handlers, then delivery), complete it in the inbox, and go on with
// the chat's next event that the completion hands back. The completion is the record that the
// answer went out; only it is retried after a successful delivery, so a Redis hiccup never repeats
// an answer. Redis unavailable while the handlers run: the event is run again after a pause (its
// side effects are keyed by the event id, as they were for the old inbox sweep).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <optional>
#include <unordered_map>

#include "core/metrics.h"
#include "line/webhook.h"
#include "store/leased_queue.h"

namespace thesaban::runtime {
struct Loop;
}

namespace thesaban::app {

class EventProcessor;

struct ChatRunnerStats {
    std::atomic<uint64_t> events{0};         // events run
    std::atomic<uint64_t> late_events{0};    // started after their reply token had expired (answered by push)
    std::atomic<uint64_t> retries{0};        // runs or completions repeated after Redis was unavailable
    std::atomic<uint64_t> leases_lost{0};    // chats dropped because another process took them over
};

class ChatRunner {
public:
    using NowMs = int64_t (*)();
    ChatRunner(EventProcessor& processor, store::LeasedQueue& inbox, std::chrono::milliseconds reply_token_lifetime,
               NowMs now_ms);

    // On `loop`'s thread: runs the chat's events from `first` on in a fiber of that loop.
    void run(runtime::Loop& loop, std::string chat, line::Event first);
    // The same for a chat taken over from a dead process, or one of ours that nothing runs: its first
    // event may have been answered. Ignored while this process runs the chat.
    void resume(runtime::Loop& loop, store::LeasedEvent leased);
    bool running(const std::string& chat) const;

    const ChatRunnerStats& stats() const { return stats_; }

private:
    void start(runtime::Loop& loop, std::string chat, line::Event first, bool rerun, bool swept);
    void run_chat(std::string chat, line::Event event, bool rerun);
    void process_until_done(const line::Event& event, bool rerun);
    store::Completion complete_until_recorded(const std::string& chat, const std::string& event_id);

    EventProcessor& processor_;
    store::LeasedQueue& inbox_;
    std::chrono::milliseconds reply_token_lifetime_;
    NowMs now_ms_;
    ChatRunnerStats stats_;
    metrics::Histogram& event_age_;
    // The chats this process runs (any loop), so a sweep never starts one a second time; with the
    // event to run next when the chat was granted to us again (an accept's run_now) while its fiber
    // was finishing.
    struct Next {
        line::Event event;
        bool rerun;
    };
    mutable std::mutex running_mutex_;
    std::unordered_map<std::string, std::optional<Next>> running_;
};

// A stored event back as a line::Event; nullopt when it cannot be read.
std::optional<line::Event> read_stored_event(const store::LeasedEvent& leased);

}  // namespace thesaban::app
