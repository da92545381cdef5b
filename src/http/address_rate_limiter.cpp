#include "http/address_rate_limiter.h"

#include <algorithm>

namespace thesaban::http {

namespace {
constexpr std::chrono::minutes kWindow{1};

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}
}  // namespace

AddressRateLimiter::AddressRateLimiter(int per_minute, std::size_t max_addresses)
    : per_minute_(per_minute), max_addresses_(std::max<std::size_t>(max_addresses, 1)) {}

bool AddressRateLimiter::allow(const std::string& address, Clock::time_point now, std::chrono::seconds* retry_after) {
    if (per_minute_ < 1) return true;
    std::lock_guard lock(mutex_);
    if (windows_.size() >= max_addresses_) {
        // Forget the windows that are over; if every one is current (a wide scan), start afresh
        // rather than grow without bound.
        std::erase_if(windows_, [&](const auto& entry) { return now - entry.second.started >= kWindow; });
        if (windows_.size() >= max_addresses_) windows_.clear();
    }
    Window& w = windows_[address];
    if (w.count == 0 || now - w.started >= kWindow) w = Window{now, 0};
    if (w.count >= per_minute_) {
        if (retry_after)
            *retry_after = std::max(std::chrono::seconds(1),
                                    std::chrono::ceil<std::chrono::seconds>(w.started + kWindow - now));
        return false;
    }
    ++w.count;
    return true;
}

Response AddressRateLimiter::too_many(std::chrono::seconds retry_after) {
    Response r = Response::text(429, "Too Many Requests\n");
    r.headers.emplace_back("Retry-After", std::to_string(retry_after.count()));
    return r;
}

std::string client_address(const Request& request, const std::vector<std::string>& trusted_proxies) {
    if (std::find(trusted_proxies.begin(), trusted_proxies.end(), request.remote_address) == trusted_proxies.end())
        return request.remote_address;
    std::string_view forwarded = request.header("x-forwarded-for");
    if (forwarded.empty()) return request.remote_address;
    auto comma = forwarded.rfind(',');
    std::string_view last = trim(comma == std::string_view::npos ? forwarded : forwarded.substr(comma + 1));
    return last.empty() ? request.remote_address : std::string(last);
}

}  // namespace thesaban::http
