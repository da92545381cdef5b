#pragma once
// Structured logging, one JSON object a line on stderr. Personal data (PDPA) never goes in whole:
// use the mask_* helpers for user ids, phone numbers and national ids before logging them.
#include <atomic>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace thesaban::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };

// One "key": "value" of a line. A value that outlives the call (a string literal, a member) is only
// viewed; a temporary (std::to_string(...), mask_id(...)) is kept, so nothing is copied needlessly.
class Field {
public:
    Field(std::string_view key, std::string_view value) : key_(key), view_(value) {}
    Field(std::string_view key, const char* value) : key_(key), view_(value) {}
    Field(std::string_view key, std::string&& value) : key_(key), owned_(std::move(value)), is_owned_(true) {}
    std::string_view key() const { return key_; }
    std::string_view value() const { return is_owned_ ? std::string_view(owned_) : view_; }

private:
    std::string_view key_;
    std::string_view view_;
    std::string owned_;
    bool is_owned_ = false;
};

namespace detail {
extern std::atomic<int> min_level;
}

void set_min_level(Level level);
Level parse_level(std::string_view name);  // "debug" "info" "warn" "error"; info otherwise
// For a caller whose fields cost something to build: `if (log::enabled(Level::debug)) log::debug(...)`.
inline bool enabled(Level level) {
    return static_cast<int>(level) >= detail::min_level.load(std::memory_order_relaxed);
}
void write(Level level, std::string_view component, std::string_view message, std::initializer_list<Field> fields = {});

inline void debug(std::string_view c, std::string_view m, std::initializer_list<Field> f = {}) { write(Level::debug, c, m, f); }
inline void info(std::string_view c, std::string_view m, std::initializer_list<Field> f = {}) { write(Level::info, c, m, f); }
inline void warn(std::string_view c, std::string_view m, std::initializer_list<Field> f = {}) { write(Level::warn, c, m, f); }
inline void error(std::string_view c, std::string_view m, std::initializer_list<Field> f = {}) { write(Level::error, c, m, f); }

// "U4af4980629..." -> "U4af4…9d2f": enough to correlate log lines, not enough to identify a person.
std::string mask_id(std::string_view id);
// Keeps only the last 4 digits: "0812345678" -> "******5678".
std::string mask_digits(std::string_view value);
// A client's network address without its host part: "203.150.12.34" -> "203.150.12.x",
// "2001:db8:1:2::5" -> "2001:db8:1:x": the network it came from, not the machine (PDPA).
std::string mask_address(std::string_view address);

}  // namespace thesaban::log
