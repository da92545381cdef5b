#include "line/profile_cache.h"

#include <utility>

#include "core/log.h"

namespace thesaban::line {

CachedProfileLookup::CachedProfileLookup(MessagingApi& api, Options options, Now now)
    : api_(api), options_(options), now_(std::move(now)) {
    if (options_.max_entries == 0) options_.max_entries = 1;
}

std::string CachedProfileLookup::display_name(const std::string& user_id) {
    {
        std::lock_guard lock(mutex_);
        auto it = entries_.find(user_id);
        if (it != entries_.end()) {
            if (now_() < it->second.expires) {
                lru_.splice(lru_.begin(), lru_, it->second.lru);
                return it->second.name;
            }
            lru_.erase(it->second.lru);
            entries_.erase(it);
        }
    }
    // Blocking network call: never under the lock.
    auto profile = api_.get_profile(user_id);
    std::string name = profile ? profile->display_name : std::string();
    if (!profile) log::debug("profile", "no profile", {{"user", log::mask_id(user_id)}});
    store(user_id, name, now_() + (profile ? options_.ttl : options_.failure_ttl));
    return name;
}

void CachedProfileLookup::store(const std::string& user_id, std::string name, TimePoint expires) {
    std::lock_guard lock(mutex_);
    if (auto it = entries_.find(user_id); it != entries_.end()) {
        it->second.name = std::move(name);
        it->second.expires = expires;
        lru_.splice(lru_.begin(), lru_, it->second.lru);
        return;
    }
    while (entries_.size() >= options_.max_entries) {
        entries_.erase(lru_.back());
        lru_.pop_back();
    }
    lru_.push_front(user_id);
    entries_.emplace(user_id, Entry{std::move(name), expires, lru_.begin()});
}

std::size_t CachedProfileLookup::size() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

}  // namespace thesaban::line
