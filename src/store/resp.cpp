#include "store/resp.h"

#include <charconv>

namespace thesaban::store::resp {
namespace {

constexpr int kMaxDepth = 16;  // our replies nest two or three deep; deeper is not Redis talking
constexpr long long kMaxBulk = 512LL * 1024 * 1024;

void append_number(std::string& out, std::size_t n) {
    char buffer[24];
    auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, n);
    out.append(buffer, end);
}

// The line from `pos` up to CRLF; false when it has not all arrived.
bool line_at(std::string_view in, std::size_t pos, std::string_view& line, std::size_t& next) {
    auto cr = in.find("\r\n", pos);
    if (cr == std::string_view::npos) return false;
    line = in.substr(pos, cr - pos);
    next = cr + 2;
    return true;
}

bool to_integer(std::string_view text, long long& out) {
    if (text.empty()) return false;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
}

Parse decode_at(std::string_view in, std::size_t pos, RedisReply& out, std::size_t& next, int depth) {
    if (depth > kMaxDepth) return Parse::malformed;
    if (pos >= in.size()) return Parse::incomplete;
    char kind = in[pos];
    std::string_view line;
    std::size_t after = 0;
    if (!line_at(in, pos + 1, line, after)) return Parse::incomplete;
    switch (kind) {
        case '+':
            out.type = RedisReply::Type::status;
            out.str.assign(line);
            next = after;
            return Parse::complete;
        case '-':
            out.type = RedisReply::Type::error;
            out.str.assign(line);
            next = after;
            return Parse::complete;
        case ':':
            out.type = RedisReply::Type::integer;
            if (!to_integer(line, out.integer)) return Parse::malformed;
            next = after;
            return Parse::complete;
        case '$': {
            long long length = 0;
            if (!to_integer(line, length) || length < -1 || length > kMaxBulk) return Parse::malformed;
            if (length == -1) {
                out.type = RedisReply::Type::nil;
                next = after;
                return Parse::complete;
            }
            auto n = static_cast<std::size_t>(length);
            if (in.size() < after + n + 2) return Parse::incomplete;
            if (in.substr(after + n, 2) != "\r\n") return Parse::malformed;
            out.type = RedisReply::Type::string;
            out.str.assign(in.substr(after, n));
            next = after + n + 2;
            return Parse::complete;
        }
        case '*': {
            long long count = 0;
            if (!to_integer(line, count) || count < -1) return Parse::malformed;
            if (count == -1) {
                out.type = RedisReply::Type::nil;
                next = after;
                return Parse::complete;
            }
            // Each element takes at least 3 bytes: a count larger than what could have arrived is
            // only believed element by element, never reserved up front.
            if (static_cast<unsigned long long>(count) > (in.size() - after) / 3 + 1) {
                if (static_cast<unsigned long long>(count) > static_cast<unsigned long long>(kMaxBulk))
                    return Parse::malformed;
                return Parse::incomplete;
            }
            out.type = RedisReply::Type::array;
            out.elements.clear();
            out.elements.resize(static_cast<std::size_t>(count));
            std::size_t at = after;
            for (auto& element : out.elements) {
                Parse p = decode_at(in, at, element, at, depth + 1);
                if (p != Parse::complete) return p;
            }
            next = at;
            return Parse::complete;
        }
        default: return Parse::malformed;
    }
}

}  // namespace

void encode(std::string& out, const std::vector<std::string>& args) {
    out += '*';
    append_number(out, args.size());
    out += "\r\n";
    for (const auto& a : args) {
        out += '$';
        append_number(out, a.size());
        out += "\r\n";
        out += a;
        out += "\r\n";
    }
}

Parse decode(std::string_view in, RedisReply& out, std::size_t& used) {
    out = RedisReply{};
    std::size_t next = 0;
    Parse p = decode_at(in, 0, out, next, 0);
    if (p == Parse::complete) used = next;
    return p;
}

}  // namespace thesaban::store::resp
