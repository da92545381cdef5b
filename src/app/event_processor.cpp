#include "app/event_processor.h"

#include "core/log.h"

namespace thesaban::app {

EventProcessor::EventProcessor(std::vector<handlers::EventHandler*> handlers, Delivery& delivery)
    : handlers_(std::move(handlers)), delivery_(delivery) {}

void EventProcessor::process(const line::Event& event, bool rerun) {
    if (event.standby) {
        // Another channel owns the conversation in standby mode: we must not answer.
        log::debug("events", "standby event ignored", {{"event", event.webhook_event_id}, {"type", event.type}});
    } else if (event.kind == line::EventKind::unknown) {
        log::info("events", "unknown event type ignored", {{"event", event.webhook_event_id}, {"type", event.type}});
    } else {
        handlers::CollectingResponder responder;
        for (auto* handler : handlers_)
            if (handler->handle(event, responder)) break;
        if (!responder.messages.empty() && !delivery_.deliver(event, responder.messages, rerun)) {
            // Nowhere to send it (no chat id): logged, and the event is done.
            log::error("events", "answer not delivered", {{"event", event.webhook_event_id}});
        }
    }
}

}  // namespace thesaban::app
