#pragma once
// Display names through LINE's profile API, remembered for a while: a resident's name appears on
// every ticket card, and asking LINE each time would spend rate limit and add a round trip.
#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

#include "handlers/common/ports.h"
#include "line/messaging_api.h"

namespace thesaban::line {

class CachedProfileLookup final : public handlers::ProfileLookup {
public:
    using TimePoint = std::chrono::steady_clock::time_point;
    using Now = std::function<TimePoint()>;

    struct Options {
        std::chrono::milliseconds ttl = std::chrono::hours(1);
        // A failure is remembered briefly: users who have not added the bot answer 404 every time,
        // but a passing LINE outage should not blank a name for an hour.
        std::chrono::milliseconds failure_ttl = std::chrono::minutes(5);
        std::size_t max_entries = 10'000;
    };

    explicit CachedProfileLookup(MessagingApi& api) : CachedProfileLookup(api, Options{}) {}
    CachedProfileLookup(MessagingApi& api, Options options, Now now = &std::chrono::steady_clock::now);

    // Thread-safe. The API call is made outside the lock, so two first lookups of the same user
    // at once may both ask LINE; both get the same answer.
    std::string display_name(const std::string& user_id) override;

    std::size_t size() const;

private:
    struct Entry {
        std::string name;
        TimePoint expires;
        std::list<std::string>::iterator lru;  // position in lru_
    };
    void store(const std::string& user_id, std::string name, TimePoint expires);

    MessagingApi& api_;
    Options options_;
    Now now_;
    mutable std::mutex mutex_;
    std::unordered_map<std::string, Entry> entries_;
    std::list<std::string> lru_;  // most recently used first
};

}  // namespace thesaban::line
