#include "core/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

#include "core/json.h"

namespace thesaban::log {
namespace {
std::atomic<int> g_min_level{static_cast<int>(Level::info)};
std::mutex g_write_mutex;

const char* level_name(Level level) {
    switch (level) {
        case Level::debug: return "debug";
        case Level::info: return "info";
        case Level::warn: return "warn";
        case Level::error: return "error";
    }
    return "info";
}
}  // namespace

void set_min_level(Level level) { g_min_level = static_cast<int>(level); }

Level parse_level(std::string_view name) {
    if (name == "debug") return Level::debug;
    if (name == "warn") return Level::warn;
    if (name == "error") return Level::error;
    return Level::info;
}

void write(Level level, std::string_view component, std::string_view message, std::initializer_list<Field> fields) {
    if (static_cast<int>(level) < g_min_level.load(std::memory_order_relaxed)) return;
    auto now = std::chrono::system_clock::now();
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
    std::time_t secs = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&secs, &tm);
    char stamp[64];
    std::snprintf(stamp, sizeof stamp, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));

    json::StringBuffer buffer;
    json::Writer writer(buffer);
    writer.StartObject();
    writer.Key("ts");
    writer.String(stamp);
    writer.Key("level");
    writer.String(level_name(level));
    writer.Key("component");
    json::write_string(writer, component);
    writer.Key("msg");
    json::write_string(writer, message);
    for (const auto& [key, value] : fields) {
        json::write_key(writer, key);
        json::write_string(writer, value);
    }
    writer.EndObject();
    std::lock_guard lock(g_write_mutex);
    std::fwrite(buffer.GetString(), 1, buffer.GetSize(), stderr);
    std::fputc('\n', stderr);
}

std::string mask_id(std::string_view id) {
    if (id.size() <= 10) return std::string(id.substr(0, 1)) + "…";
    return std::string(id.substr(0, 5)) + "…" + std::string(id.substr(id.size() - 4));
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
