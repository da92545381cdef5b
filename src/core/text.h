#pragma once
// Text helpers for LINE's limits and Thai input.
#include <cstddef>
#include <string>
#include <string_view>

namespace thesaban::text {

// Length as LINE counts text limits: UTF-16 code units (a Thai letter 1, 🍎 2).
std::size_t utf16_length(std::string_view utf8);
// Replaces Thai digits ๐–๙ with 0–9, so "๑๒๓" and "123" mean the same everywhere numbers are typed.
std::string normalize_thai_digits(std::string_view utf8);
// Trims ASCII whitespace and the no-break and zero-width spaces LINE keyboards insert.
std::string trim(std::string_view utf8);
// Cuts to at most `max_units` UTF-16 units without splitting a character.
std::string truncate_utf16(std::string_view utf8, std::size_t max_units);
// Code points of UTF-8 text; an invalid byte becomes U+FFFD.
std::u32string to_utf32(std::string_view utf8);
std::string to_utf8(std::u32string_view text);
void append_utf8(std::string& out, char32_t c);

}  // namespace thesaban::text
