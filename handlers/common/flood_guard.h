#pragma once
// The first handler of a resident's 1:1 messages: a resident (or a script with their account)
// sending faster than limits.messages_per_minute gets one polite notice, and what they send in
// the next limits.flood_quiet_minutes is dropped, so a flood never turns into a flood of answers,
// of drafts or of officers' cards. Groups (officers) and follow events are not counted.
#include "config/config.h"
#include "handlers/common/conversation.h"
#include "handlers/common/ports.h"

namespace thesaban::handlers {

class FloodGuard final : public EventHandler {
public:
    FloodGuard(const config::Config& config, MessageRateLimiter& limiter);
    // true (handled) for an event of a flood: the notice is sent for the first, nothing after it.
    bool handle(const line::Event& event, Responder& out) override;

private:
    MessageRateLimiter& limiter_;
    std::string notice_;  // rendered once
};

}  // namespace thesaban::handlers
