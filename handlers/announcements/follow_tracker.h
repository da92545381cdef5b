#pragma once
// Keeps the news audience in step with who is a friend of the account: follow adds the user (and
// leaves the event to GreetingHandler for the welcome), unfollow removes them from every topic so
// they are never multicast again. Place it first in the handler chain.
#include "handlers/announcements/news_ports.h"
#include "handlers/common/conversation.h"

namespace thesaban::handlers {

class FollowTracker final : public EventHandler {
public:
    explicit FollowTracker(NewsAudience& audience) : audience_(audience) {}
    bool handle(const line::Event& event, Responder& out) override;

private:
    NewsAudience& audience_;
};

}  // namespace thesaban::handlers
