#pragma once
// Structured logging, one JSON object a line on stderr. Personal data (PDPA) never goes in whole:
// use the mask_* helpers for user ids, phone numbers and national ids before logging them.
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace thesaban::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };

using Field = std::pair<std::string_view, std::string>;

void set_min_level(Level level);
Level parse_level(std::string_view name);  // "debug" "info" "warn" "error"; info otherwise
void write(Level level, std::string_view component, std::string_view message, std::initializer_list<Field> fields = {});

inline void debug(std::string_view c, std::string_view m, std::initializer_list<Field> f = {}) { write(Level::debug, c, m, f); }
inline void info(std::string_view c, std::string_view m, std::initializer_list<Field> f = {}) { write(Level::info, c, m, f); }
inline void warn(std::string_view c, std::string_view m, std::initializer_list<Field> f = {}) { write(Level::warn, c, m, f); }
inline void error(std::string_view c, std::string_view m, std::initializer_list<Field> f = {}) { write(Level::error, c, m, f); }

// "U4af4980629..." -> "U4af4…9d2f": enough to correlate log lines, not enough to identify a person.
std::string mask_id(std::string_view id);
// Keeps only the last 4 digits: "0812345678" -> "******5678".
std::string mask_digits(std::string_view value);

}  // namespace thesaban::log
