#pragma once
// Runs accepted events on worker threads: in order within one chat (user, group or room),
// concurrently across chats. Work is plain blocking code (Redis, LINE calls), so it runs on its
// own threads and never on the HTTP server's.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "line/webhook.h"

namespace thesaban::app {

class EventDispatcher {
public:
    using Process = std::function<void(const line::Event&)>;

    EventDispatcher(std::size_t threads, Process process);
    ~EventDispatcher();
    EventDispatcher(const EventDispatcher&) = delete;
    EventDispatcher& operator=(const EventDispatcher&) = delete;

    // Queues the events; an event whose id is already queued or running is skipped.
    void dispatch(std::vector<line::Event> events);
    // Waits until nothing is queued or running, or the timeout passes; false on timeout.
    bool drain(std::chrono::milliseconds timeout);
    // Stops the workers after their current event; queued events stay in the inbox for next time.
    void stop();
    std::size_t queued() const;

private:
    void worker_loop();

    Process process_;
    mutable std::mutex mutex_;
    std::condition_variable work_ready_;
    std::condition_variable idle_;
    std::unordered_map<std::string, std::deque<line::Event>> chats_;  // chat id → its events, front running
    std::deque<std::string> ready_;                                    // chats with work nobody is running
    std::unordered_set<std::string> known_event_ids_;
    std::size_t outstanding_ = 0;
    bool stopping_ = false;
    std::vector<std::thread> workers_;
};

}  // namespace thesaban::app
