#pragma once
// Payment QR images kept in Redis with a TTL: Redis expires them by itself, they survive a bot
// restart while valid, and nothing is left on disk to clean up. Served at /qr/<token>.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "handlers/common/ports.h"
#include "store/redis.h"

namespace thesaban::store {

inline constexpr std::string_view kQrPathPrefix = "/qr/";

class RedisExpiringImages final : public handlers::ExpiringImages {
public:
    RedisExpiringImages(Redis& redis, std::string key_prefix, std::string public_base_url);

    // Only PNG bytes are accepted; the link is PUBLIC_BASE_URL/qr/<32 random base64url characters>.
    std::optional<std::string> publish_png(std::string_view png, std::chrono::seconds ttl) override;
    // The PNG behind a token, or nullopt when the token is malformed, unknown or expired.
    std::optional<std::string> find(std::string_view token);

private:
    std::string key_of(std::string_view token) const { return prefix_ + "qr:" + std::string(token); }

    Redis& redis_;
    std::string prefix_;
    std::string public_base_url_;
};

}  // namespace thesaban::store
