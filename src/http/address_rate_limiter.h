#pragma once
// Requests a minute from one client address, for one group of routes (/media, /qr, /admin), in
// this process: whoever scrapes photos or guesses QR and admin URLs is slowed to the configured
// pace and told when to come back (429 + Retry-After). Fixed one-minute windows; these routes are
// off the webhook path, so one mutex over all loops is cheap enough.
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "http/http_message.h"

namespace thesaban::http {

class AddressRateLimiter {
public:
    using Clock = std::chrono::steady_clock;
    // `per_minute` < 1: no limit.
    explicit AddressRateLimiter(int per_minute, std::size_t max_addresses = 100000);

    // Counts the request; false when `address` has used up its minute (then `retry_after` says
    // how long until its window ends).
    bool allow(const std::string& address, Clock::time_point now = Clock::now(),
               std::chrono::seconds* retry_after = nullptr);

    // The 429 answer for a refused request.
    static Response too_many(std::chrono::seconds retry_after);

private:
    struct Window {
        Clock::time_point started;
        int count = 0;
    };
    int per_minute_;
    std::size_t max_addresses_;
    std::mutex mutex_;
    std::unordered_map<std::string, Window> windows_;
};

// The client's address: the connection's peer, or, when that peer is one of `trusted_proxies`,
// the last address of X-Forwarded-For (the one the proxy itself appended; earlier entries are
// whatever the client claimed).
std::string client_address(const Request& request, const std::vector<std::string>& trusted_proxies);

}  // namespace thesaban::http
