#pragma once
// Keeps this process's chat leases alive (the heartbeat) and takes over the chats of processes that
// died, spreading them over the loops. Runs as a fiber on the first loop.
#include <atomic>
#include <chrono>

#include "store/leased_inbox.h"

namespace thesaban::runtime {
class EventLoops;
}

namespace thesaban::app {

class ChatRunner;

class LeaseKeeper {
public:
    LeaseKeeper(runtime::EventLoops& loops, store::LeasedInbox& inbox, ChatRunner& runner);
    // Starts the fiber; the first heartbeat is sent before it returns to the loop.
    void start();
    // Stops beating and gives the leases up, so whoever sweeps next takes the chats at once.
    void stop_and_resign();
    bool beating() const { return beating_.load(); }

private:
    void keep();

    runtime::EventLoops& loops_;
    store::LeasedInbox& inbox_;
    ChatRunner& runner_;
    std::atomic<bool> stopping_{false};
    std::atomic<bool> beating_{false};
};

}  // namespace thesaban::app
