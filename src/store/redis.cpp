// Reading Redis replies the same way for the blocking pool and the asynchronous client.
#include "store/redis.h"

#include <charconv>
#include <string_view>

namespace thesaban::store {

RedisErrorKind classify_error(const RedisReply& reply) {
    if (!reply.is_error()) return RedisErrorKind::none;
    std::string_view text = reply.str;
    std::string_view word = text.substr(0, text.find(' '));  // BUSYKEY must not read as BUSY
    if (word == "NOSCRIPT") return RedisErrorKind::noscript;
    if (word == "WRONGTYPE") return RedisErrorKind::wrongtype;
    if (word == "OOM") return RedisErrorKind::oom;
    if (word == "MISCONF") return RedisErrorKind::misconf;
    if (word == "READONLY") return RedisErrorKind::readonly;
    if (word == "BUSY") return RedisErrorKind::busy;
    if (word == "LOADING") return RedisErrorKind::loading;
    return RedisErrorKind::other;
}

RedisWriteRefused::RedisWriteRefused(std::string command, const std::string& error)
    : RedisUnavailable(command + " refused: " + error), command_(std::move(command)), error_(error) {}

void throw_refused(const std::string& command, const RedisReply& reply) {
    auto kind = classify_error(reply);
    if (kind == RedisErrorKind::oom || kind == RedisErrorKind::misconf) {
        // One line for the log (a script's error names the script's SHA and line, never its arguments).
        throw RedisWriteRefused(command, reply.str.substr(0, reply.str.find('\n')));
    }
    throw RedisUnavailable(command + " refused: " + reply.str);
}

std::optional<std::pair<std::string, int>> parse_sentinel_master_address(const RedisReply& reply) {
    using Type = RedisReply::Type;
    if (reply.type != Type::array || reply.elements.size() != 2) return std::nullopt;
    const RedisReply& host = reply.elements[0];
    const RedisReply& port = reply.elements[1];
    if (host.type != Type::string || host.str.empty() || port.type != Type::string) return std::nullopt;
    int value = 0;
    auto [end, ec] = std::from_chars(port.str.data(), port.str.data() + port.str.size(), value);
    if (ec != std::errc() || end != port.str.data() + port.str.size() || value < 1 || value > 65535) {
        return std::nullopt;
    }
    return std::pair{host.str, value};
}

bool role_is_master(const RedisReply& reply) {
    return reply.type == RedisReply::Type::array && !reply.elements.empty() &&
           reply.elements[0].type == RedisReply::Type::string && reply.elements[0].str == "master";
}

}  // namespace thesaban::store
