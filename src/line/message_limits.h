#pragma once
// LINE's documented limits on message objects, checked before sending so a violation is caught
// (and logged) here rather than as a 400 from LINE after retries.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace thesaban::line {

inline constexpr std::size_t kMaxMessagesPerRequest = 5;
inline constexpr std::size_t kMaxTextUnits = 5000;         // UTF-16 code units
inline constexpr std::size_t kMaxAltTextUnits = 1500;      // UTF-16 code units
inline constexpr std::size_t kMaxBubbleBytes = 30 * 1024;  // compact JSON of one flex bubble
inline constexpr std::size_t kMaxCarouselBytes = 50 * 1024;
inline constexpr std::size_t kMaxCarouselBubbles = 12;
inline constexpr std::size_t kMaxQuickReplyItems = 13;
inline constexpr std::size_t kMaxQuickReplyLabelUnits = 20;

// Checks a request's messages (JSON objects as text) against LINE's limits. Returns a description
// of the first problem, or nullopt when they can be sent. The description never quotes message text.
std::optional<std::string> check_messages(const std::vector<std::string>& messages);

// Checks one message now (at start-up, for a constant message) and, when it passes, remembers its
// exact text: check_messages then accepts a byte-identical message after one comparison instead of
// parsing it again. Only equal content skips the check, so nothing unchecked gets through. Returns
// the problem, as check_messages would describe it, or nullopt once registered. At most
// kMaxPrecheckedMessages are kept (constant messages only); past that the message is checked but
// not remembered.
std::optional<std::string> precheck_message(const std::string& message);
inline constexpr std::size_t kMaxPrecheckedMessages = 256;

// Cuts text to what a text message may hold, without splitting a character.
std::string clamp_text(std::string_view text, std::size_t max_units = kMaxTextUnits);

}  // namespace thesaban::line
