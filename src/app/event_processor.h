#pragma once
// One accepted event: ask the handlers, deliver their answers. Marking it done is the ChatRunner's.
#include <memory>
#include <vector>

#include "app/delivery.h"
#include "handlers/common/conversation.h"

namespace thesaban::app {

class EventProcessor {
public:
    EventProcessor(std::vector<handlers::EventHandler*> handlers, Delivery& delivery);
    // Throws store::RedisUnavailable when the event should be run again later. `rerun`: a dead
    // process may have answered it already (see Delivery).
    void process(const line::Event& event, bool rerun = false);

private:
    std::vector<handlers::EventHandler*> handlers_;
    Delivery& delivery_;
};

}  // namespace thesaban::app
