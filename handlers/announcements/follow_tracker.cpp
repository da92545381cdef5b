#include "handlers/announcements/follow_tracker.h"

namespace thesaban::handlers {

bool FollowTracker::handle(const line::Event& event, Responder&) {
    const auto& user = event.source.user_id;
    if (event.source.type != line::Source::Type::user || user.empty()) return false;
    if (event.kind == line::EventKind::follow) {
        audience_.follow(user);
        return false;  // the welcome is GreetingHandler's
    }
    if (event.kind == line::EventKind::unfollow) {
        audience_.unfollow(user);
        return true;  // nothing can be said to someone who blocked the account
    }
    return false;
}

}  // namespace thesaban::handlers
