#include <stdexcept>
#include <string_view>

#include "store/redis.h"

namespace thesaban::store {

RedisErrorKind classify_error(const RedisReply& reply) {
    if (!reply.is_error()) return RedisErrorKind::none;
    std::string_view s = reply.str;
    auto starts = [&](std::string_view p) { return s.substr(0, p.size()) == p; };
    if (starts("NOSCRIPT")) return RedisErrorKind::noscript;
    if (starts("WRONGTYPE")) return RedisErrorKind::wrongtype;
    if (starts("OOM")) return RedisErrorKind::oom;
    if (starts("MISCONF")) return RedisErrorKind::misconf;
    if (starts("READONLY")) return RedisErrorKind::readonly;
    if (starts("BUSY")) return RedisErrorKind::busy;
    if (starts("LOADING")) return RedisErrorKind::loading;
    return RedisErrorKind::other;
}

const char* error_kind_name(RedisErrorKind kind) {
    switch (kind) {
        case RedisErrorKind::none: return "none";
        case RedisErrorKind::noscript: return "noscript";
        case RedisErrorKind::wrongtype: return "wrongtype";
        case RedisErrorKind::oom: return "oom";
        case RedisErrorKind::misconf: return "misconf";
        case RedisErrorKind::readonly: return "readonly";
        case RedisErrorKind::busy: return "busy";
        case RedisErrorKind::loading: return "loading";
        case RedisErrorKind::other: return "other";
    }
    return "other";
}

std::optional<std::pair<std::string, int>> sentinel_master_address(const RedisReply& reply) {
    if (reply.type != RedisReply::Type::array || reply.elements.size() != 2) return std::nullopt;
    const auto& host = reply.elements[0];
    const auto& port = reply.elements[1];
    if (host.type != RedisReply::Type::string || host.str.empty() || port.type != RedisReply::Type::string)
        return std::nullopt;
    int n = 0;
    for (char c : port.str) {
        if (c < '0' || c > '9' || n > 6553) return std::nullopt;
        n = n * 10 + (c - '0');
    }
    if (n <= 0 || n > 65535) return std::nullopt;
    return std::make_pair(host.str, n);
}

std::vector<std::pair<std::string, int>> parse_sentinels(const std::string& list) {
    std::vector<std::pair<std::string, int>> out;
    std::size_t start = 0;
    while (start <= list.size()) {
        std::size_t end = list.find(',', start);
        if (end == std::string::npos) end = list.size();
        std::string item = list.substr(start, end - start);
        while (!item.empty() && item.front() == ' ') item.erase(item.begin());
        while (!item.empty() && item.back() == ' ') item.pop_back();
        auto colon = item.rfind(':');
        if (item.empty() || colon == std::string::npos || colon == 0 || colon + 1 == item.size())
            throw std::invalid_argument("REDIS_SENTINELS: expected host:port[,host:port...], got '" + item + "'");
        std::string host = item.substr(0, colon);
        if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
        int port = 0;
        for (char c : item.substr(colon + 1)) {
            if (c < '0' || c > '9') throw std::invalid_argument("REDIS_SENTINELS: bad port in '" + item + "'");
            port = port * 10 + (c - '0');
            if (port > 65535) throw std::invalid_argument("REDIS_SENTINELS: bad port in '" + item + "'");
        }
        if (port == 0) throw std::invalid_argument("REDIS_SENTINELS: bad port in '" + item + "'");
        out.emplace_back(std::move(host), port);
        start = end + 1;
    }
    return out;
}

}  // namespace thesaban::store
