#include <algorithm>
#include <cctype>
#include <charconv>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/redis.h"

namespace thesaban::store {
namespace {

// Error messages must never echo a password, so they quote the URL with its userinfo masked.
std::string redacted(std::string_view url) {
    auto scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) return "(not shown)";  // may be a bare password
    auto at = url.rfind('@');
    if (at == std::string_view::npos || at < scheme_end) return std::string(url);
    return std::string(url.substr(0, scheme_end + 3)) + "***@" + std::string(url.substr(at + 1));
}

[[noreturn]] void fail(std::string_view url, const std::string& why) {
    throw std::invalid_argument("invalid Redis URL '" + redacted(url) + "': " + why);
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Lets passwords contain ':', '@' or '/' (written %3A, %40, %2F).
std::string percent_decode(std::string_view url, std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        if (i + 2 >= text.size()) fail(url, "bad percent-encoding in user or password");
        int hi = hex_value(text[i + 1]);
        int lo = hex_value(text[i + 2]);
        if (hi < 0 || lo < 0) fail(url, "bad percent-encoding in user or password");
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    return out;
}

// A non-negative decimal number within [min, max], digits only (no sign, no spaces).
bool parse_number(std::string_view text, int min, int max, int& value) {
    if (text.empty() || text.size() > 9) return false;
    if (!std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); })) return false;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    return ec == std::errc() && end == text.data() + text.size() && value >= min && value <= max;
}

std::string lowercase(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

RedisOptions parse_tcp(std::string_view url, std::string_view rest) {
    RedisOptions options;
    if (rest.find_first_of("?#") != std::string_view::npos) fail(url, "query and fragment are not supported");

    // The last '@' ends the userinfo, so an unencoded '/' or '@' in a password still parses.
    std::string_view hostpart = rest;
    if (auto at = rest.rfind('@'); at != std::string_view::npos) {
        std::string_view userinfo = rest.substr(0, at);
        hostpart = rest.substr(at + 1);
        auto colon = userinfo.find(':');
        if (colon == std::string_view::npos) {
            fail(url, "credentials must be written user:password@ or :password@");
        }
        options.username = percent_decode(url, userinfo.substr(0, colon));
        options.password = percent_decode(url, userinfo.substr(colon + 1));
        if (options.password.empty()) fail(url, "empty password");
    }

    std::string_view authority = hostpart;
    std::string_view path;
    if (auto slash = hostpart.find('/'); slash != std::string_view::npos) {
        authority = hostpart.substr(0, slash);
        path = hostpart.substr(slash + 1);
    }

    std::string_view host = authority;
    std::string_view port;
    if (!authority.empty() && authority.front() == '[') {  // [IPv6]:port
        auto close = authority.find(']');
        if (close == std::string_view::npos) fail(url, "missing ']' after IPv6 address");
        host = authority.substr(1, close - 1);
        std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') fail(url, "unexpected text after IPv6 address");
            port = after.substr(1);
            if (port.empty()) fail(url, "empty port");
        }
    } else if (auto colon = authority.find(':'); colon != std::string_view::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
        if (port.empty()) fail(url, "empty port");
    }
    if (host.empty()) fail(url, "missing host");
    options.host = std::string(host);
    if (!port.empty() && !parse_number(port, 1, 65535, options.port)) fail(url, "port must be a number 1-65535");

    if (!path.empty() && !parse_number(path, 0, 1'000'000, options.db)) {
        fail(url, "database must be a non-negative number (redis://host:port/DB)");
    }
    return options;
}

RedisOptions parse_unix(std::string_view url, std::string_view rest) {
    RedisOptions options;
    if (rest.find('#') != std::string_view::npos) fail(url, "fragment is not supported");
    std::string_view path = rest;
    std::string_view query;
    if (auto q = rest.find('?'); q != std::string_view::npos) {
        path = rest.substr(0, q);
        query = rest.substr(q + 1);
    }
    if (path.empty() || path.front() != '/') fail(url, "socket path must be absolute (unix:///path/to/redis.sock)");
    if (path.size() == 1 || path.back() == '/') fail(url, "socket path names a directory");
    options.unix_socket = std::string(path);

    while (!query.empty()) {
        auto amp = query.find('&');
        std::string_view param = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (param.starts_with("db=")) {
            if (!parse_number(param.substr(3), 0, 1'000'000, options.db)) {
                fail(url, "db must be a non-negative number");
            }
        } else {
            fail(url, "unknown parameter '" + std::string(param.substr(0, param.find('='))) + "' (only db=N)");
        }
    }
    return options;
}

}  // namespace

RedisOptions parse_redis_url(const std::string& url) {
    auto scheme_end = url.find("://");
    if (scheme_end == std::string::npos) fail(url, "expected redis://host[:port][/db] or unix:///path?db=N");
    std::string scheme = lowercase(std::string_view(url).substr(0, scheme_end));
    std::string_view rest = std::string_view(url).substr(scheme_end + 3);
    if (scheme == "redis") return parse_tcp(url, rest);
    if (scheme == "unix") return parse_unix(url, rest);
    if (scheme == "rediss")
        fail(url, "TLS (rediss://) is not supported by hiredis 0.14; use a local or tunnelled Redis");
    fail(url, "unknown scheme '" + scheme + "' (expected redis:// or unix://)");
}

std::vector<std::pair<std::string, int>> parse_sentinels(const std::string& list) {
    auto bad = [&](const std::string& why) -> std::invalid_argument {
        return std::invalid_argument("invalid Redis Sentinel list '" + list + "': " + why);
    };
    std::vector<std::pair<std::string, int>> out;
    std::string_view rest = list;
    while (true) {
        auto comma = rest.find(',');
        std::string_view item = rest.substr(0, comma);
        while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
        while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
        if (item.empty()) throw bad("empty item (expected host:port,host:port)");
        std::string_view host;
        std::string_view port;
        if (item.front() == '[') {  // [IPv6]:port
            auto close = item.find("]:");
            if (close == std::string_view::npos) throw bad("expected [IPv6]:port");
            host = item.substr(1, close - 1);
            port = item.substr(close + 2);
        } else {
            auto colon = item.rfind(':');
            if (colon == std::string_view::npos) throw bad("missing port in '" + std::string(item) + "'");
            host = item.substr(0, colon);
            port = item.substr(colon + 1);
            if (host.find(':') != std::string_view::npos) throw bad("write IPv6 addresses as [addr]:port");
        }
        int value = 0;
        if (host.empty()) throw bad("missing host in '" + std::string(item) + "'");
        if (!parse_number(port, 1, 65535, value)) throw bad("port must be a number 1-65535");
        out.emplace_back(std::string(host), value);
        if (comma == std::string_view::npos) break;
        rest = rest.substr(comma + 1);
    }
    return out;
}

}  // namespace thesaban::store
