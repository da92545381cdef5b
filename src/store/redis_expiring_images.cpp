#include "store/redis_expiring_images.h"

#include <utility>

#include "core/random.h"
#include "media/media_files.h"

namespace thesaban::store {

RedisExpiringImages::RedisExpiringImages(Redis& redis, std::string key_prefix, std::string public_base_url)
    : redis_(redis), prefix_(std::move(key_prefix)), public_base_url_(std::move(public_base_url)) {
    while (!public_base_url_.empty() && public_base_url_.back() == '/') public_base_url_.pop_back();
}

std::optional<std::string> RedisExpiringImages::publish_png(std::string_view png, std::chrono::seconds ttl) {
    if (ttl.count() < 1 || media::sniff_image(png) != media::ImageKind::png) return std::nullopt;
    const std::string token = random_token(media::kMediaTokenBytes);
    RedisReply reply = redis_.command({"SET", key_of(token), std::string(png), "EX", std::to_string(ttl.count())});
    if (reply.is_error()) throw RedisUnavailable("qr image save refused: " + reply.str);
    return public_base_url_ + std::string(kQrPathPrefix) + token;
}

std::optional<std::string> RedisExpiringImages::find(std::string_view token) {
    if (!media::is_media_token(token)) return std::nullopt;
    RedisReply reply = redis_.command({"GET", key_of(token)});
    if (reply.is_error()) throw RedisUnavailable("qr image read refused: " + reply.str);
    if (reply.is_nil()) return std::nullopt;
    return std::move(reply.str);
}

}  // namespace thesaban::store
