#pragma once
// Group commit of webhook events: every webhook a loop accepts in one turn is stored with one call
// of the inbox's accept script, sent on that loop's Redis connection. Each request waits for its own
// slice of the answer; the 200 is written only once Redis has acknowledged (durability is the AOF's).
#include <boost/asio/any_completion_handler.hpp>
#include <boost/asio/awaitable.hpp>

#include <vector>

#include "store/leased_queue.h"

namespace thesaban::runtime {
struct Loop;
}

namespace thesaban::app {

class AcceptBatcher {
public:
    using NowMs = int64_t (*)();
    AcceptBatcher(runtime::Loop& loop, store::LeasedQueue& inbox, NowMs now_ms);
    // Throws store::RedisUnavailable when the events could not be stored (the caller answers 503).
    boost::asio::awaitable<std::vector<store::Admission>> accept(std::vector<store::InboxRecord> records);

    std::size_t calls() const { return calls_; }  // script calls made, for tests

    // The inbox's backlog (all processes) as the last accept saw it; the loop's thread only.
    std::size_t pending_seen() const { return pending_seen_; }
    int64_t pending_seen_at_ms() const { return pending_seen_at_ms_; }

private:
    using Handler = boost::asio::any_completion_handler<void(std::exception_ptr, std::vector<store::Admission>)>;
    struct Waiter {
        std::size_t first = 0;
        std::size_t count = 0;
        Handler handler;
    };
    void enqueue(std::vector<store::InboxRecord> records, Handler handler);
    void flush();

    runtime::Loop& loop_;
    store::LeasedQueue& inbox_;
    NowMs now_ms_;
    std::vector<store::InboxRecord> records_;
    std::vector<Waiter> waiters_;
    bool flush_posted_ = false;
    std::size_t calls_ = 0;
    std::size_t pending_seen_ = 0;
    int64_t pending_seen_at_ms_ = 0;
};

}  // namespace thesaban::app
