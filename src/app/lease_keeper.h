#pragma once
// Keeps this process's leases alive on every leased queue (the inbox's chats, the outbox's
// recipients: one heartbeat each) and takes over the work of processes that died, spreading it
// over the loops. Runs as a fiber on the first loop.
#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "store/leased_queue.h"

namespace thesaban::runtime {
class EventLoops;
struct Loop;
}  // namespace thesaban::runtime

namespace thesaban::app {

class LeaseKeeper {
public:
    struct Queue {
        std::string name;  // for the logs
        store::LeasedQueue* queue = nullptr;
        // Starts the work taken over (on that loop's thread): the chat's or recipient's first item.
        std::function<void(runtime::Loop&, store::LeasedEvent)> resume;
        // Called until it returns 0 once the queue is first reachable: moves an older release's
        // layout in. May be empty.
        std::function<std::size_t()> adopt_legacy;
    };

    LeaseKeeper(runtime::EventLoops& loops, std::vector<Queue> queues);
    // Starts the fiber; the first heartbeat is sent before it returns to the loop.
    void start();
    // Stops beating and gives the leases up, so whoever sweeps next takes the work at once.
    void stop_and_resign();
    bool beating() const { return beating_.load(); }

private:
    void keep();
    void take_over(Queue& queue);

    runtime::EventLoops& loops_;
    std::vector<Queue> queues_;
    std::atomic<bool> stopping_{false};
    std::atomic<bool> beating_{false};
};

}  // namespace thesaban::app
