#pragma once
// One accepted event, start to finish: ask the handlers, deliver their answers, mark it done.
#include <memory>
#include <vector>

#include "app/delivery.h"
#include "handlers/common/conversation.h"
#include "store/event_inbox.h"

namespace thesaban::app {

class EventProcessor {
public:
    EventProcessor(std::vector<handlers::EventHandler*> handlers, Delivery& delivery, store::EventInbox& inbox);
    // Throws when the event should stay in the inbox and be tried again (Redis unavailable).
    void process(const line::Event& event);

private:
    std::vector<handlers::EventHandler*> handlers_;
    Delivery& delivery_;
    store::EventInbox& inbox_;
};

}  // namespace thesaban::app
