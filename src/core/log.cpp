#include "core/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>

#include "core/json.h"

namespace thesaban::log {
namespace detail {
std::atomic<int> min_level{static_cast<int>(Level::info)};
}

namespace {

const char* level_name(Level level) {
    switch (level) {
        case Level::debug: return "debug";
        case Level::info: return "info";
        case Level::warn: return "warn";
        case Level::error: return "error";
    }
    return "info";
}

void write_digits(char* out, int value, int width) {
    for (int i = width - 1; i >= 0; --i, value /= 10) out[i] = static_cast<char>('0' + value % 10);
}

// "2026-12-07T06:16:20.123Z". gmtime_r and the formatting run once a second per thread; within the
// second only the milliseconds change.
struct Stamp {
    long long second = -1;
    char text[25] = {};
};

const char* timestamp() {
    thread_local Stamp stamp;
    auto now = std::chrono::system_clock::now();
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    long long second = ms / 1000;
    if (second != stamp.second) {
        std::time_t secs = static_cast<std::time_t>(second);
        std::tm tm{};
        gmtime_r(&secs, &tm);
        std::snprintf(stamp.text, sizeof stamp.text, "%04d-%02d-%02dT%02d:%02d:%02d.000Z", tm.tm_year + 1900,
                      tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
        stamp.second = second;
    }
    write_digits(stamp.text + 20, static_cast<int>(ms % 1000), 3);
    return stamp.text;
}

}  // namespace

void set_min_level(Level level) { detail::min_level = static_cast<int>(level); }

Level parse_level(std::string_view name) {
    if (name == "debug") return Level::debug;
    if (name == "warn") return Level::warn;
    if (name == "error") return Level::error;
    return Level::info;
}

void write(Level level, std::string_view component, std::string_view message, std::initializer_list<Field> fields) {
    if (!enabled(level)) return;
    // One buffer per thread, reused: no allocation per line once it has grown to the longest line.
    thread_local json::StringBuffer buffer;
    thread_local json::Writer writer(buffer);
    buffer.Clear();
    writer.Reset(buffer);
    writer.StartObject();
    writer.Key("ts");
    writer.String(timestamp());
    writer.Key("level");
    writer.String(level_name(level));
    writer.Key("component");
    json::write_string(writer, component);
    writer.Key("msg");
    json::write_string(writer, message);
    for (const auto& field : fields) {
        json::write_key(writer, field.key());
        json::write_string(writer, field.value());
    }
    writer.EndObject();
    buffer.Put('\n');
    // One fwrite of the whole line: stderr is unbuffered, so this is one write(2), and the FILE lock
    // keeps lines from different threads whole without a mutex of our own.
    std::fwrite(buffer.GetString(), 1, buffer.GetSize(), stderr);
}

std::string mask_id(std::string_view id) {
    if (id.size() <= 10) return std::string(id.substr(0, 1)) + "…";
    return std::string(id.substr(0, 5)) + "…" + std::string(id.substr(id.size() - 4));
}

std::string mask_address(std::string_view address) {
    if (address.empty()) return "";
    const bool v6 = address.find(':') != std::string_view::npos;
    if (!v6) {
        auto last_dot = address.rfind('.');
        if (last_dot == std::string_view::npos) return "x";
        return std::string(address.substr(0, last_dot)) + ".x";
    }
    // The first three groups of an IPv6 address (the site's prefix, at most /48).
    std::size_t end = 0;
    for (int groups = 0; groups < 3; ++groups) {
        auto colon = address.find(':', end);
        if (colon == std::string_view::npos || colon == end) break;  // "::" or the end: stop there
        end = colon + 1;
    }
    return std::string(address.substr(0, end)) + "x";
}

std::string mask_digits(std::string_view value) {
    std::string out;
    std::size_t digits_seen = 0;
    std::size_t total_digits = 0;
    for (char c : value) total_digits += (c >= '0' && c <= '9');
    for (char c : value) {
        if (c >= '0' && c <= '9') {
            ++digits_seen;
            out += (total_digits - digits_seen < 4) ? c : '*';
        }
    }
    return out;
}

}  // namespace thesaban::log
