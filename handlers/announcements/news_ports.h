#pragma once
// The ports the announcement handlers work through (src/store/redis_announcement_store.h implements
// them in Redis; unit tests give in-memory ones).
#include <cstdint>
#include <string>
#include <vector>

#include "announcements/announcement.h"

namespace thesaban::handlers {

// Who is a friend of the account and which topics they want news of.
class NewsAudience {
public:
    virtual ~NewsAudience() = default;
    virtual void follow(const std::string& user_id) = 0;
    // Also removes the user from every topic: an unfollowed user is never multicast.
    virtual void unfollow(const std::string& user_id) = 0;
    virtual void subscribe(const std::string& user_id, const std::string& topic) = 0;
    virtual void unsubscribe(const std::string& user_id, const std::string& topic) = 0;
    virtual std::vector<std::string> subscriptions(const std::string& user_id) = 0;
};

// The announcements residents can read back: the newest sent (or sending) first.
class NewsArchive {
public:
    virtual ~NewsArchive() = default;
    virtual std::vector<announcements::Announcement> latest_published(std::size_t limit) = 0;
};

// Queues an announcement for delivery (the sender delivers it at send_at or now). The same
// `idempotency_key` (e.g. the officer's postback event) never queues it twice. Returns its id.
class AnnouncementPublisher {
public:
    virtual ~AnnouncementPublisher() = default;
    virtual std::string publish(const announcements::Draft& draft, const std::string& created_by,
                                const std::string& idempotency_key) = 0;
};

}  // namespace thesaban::handlers
