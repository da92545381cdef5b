#pragma once
// RapidJSON in one place: untrusted input is always parsed iteratively (deep nesting cannot
// overflow the stack), and strings are always written with their length (no truncation at NUL).
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <optional>
#include <string>
#include <string_view>

namespace thesaban::json {

using Document = rapidjson::Document;
using Value = rapidjson::Value;
using StringBuffer = rapidjson::StringBuffer;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr unsigned kUntrustedParseFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;

// Parses untrusted bytes; on failure returns false and sets `error` to "offset N: reason".
bool parse(std::string_view text, Document& doc, std::string* error = nullptr);
// Parses JSON with // and /* */ comments and trailing commas (configuration files).
bool parse_with_comments(std::string_view text, Document& doc, std::string* error = nullptr);

std::string to_string(const Value& value);

inline void write_string(Writer& w, std::string_view s) { w.String(s.data(), static_cast<rapidjson::SizeType>(s.size())); }
inline void write_key(Writer& w, std::string_view s) { w.Key(s.data(), static_cast<rapidjson::SizeType>(s.size())); }
// "key": "value"
inline void write_field(Writer& w, std::string_view key, std::string_view value) {
    write_key(w, key);
    write_string(w, value);
}

// Typed member access that never throws or asserts on unexpected types.
std::optional<std::string_view> get_string(const Value& object, std::string_view key);
std::optional<int64_t> get_int(const Value& object, std::string_view key);
std::optional<double> get_double(const Value& object, std::string_view key);
std::optional<bool> get_bool(const Value& object, std::string_view key);
const Value* get_object(const Value& object, std::string_view key);
const Value* get_array(const Value& object, std::string_view key);

inline Value make_string(std::string_view s, Document::AllocatorType& a) {
    return Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), a);
}

}  // namespace thesaban::json
