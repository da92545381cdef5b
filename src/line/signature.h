#pragma once
#include <string>
#include <string_view>

namespace thesaban::line {

// base64(HMAC-SHA256(channel_secret, body)), as LINE computes x-line-signature.
std::string compute_signature(std::string_view channel_secret, std::string_view body);
// Constant-time comparison against the header value; false for a missing/empty header.
bool verify_signature(std::string_view channel_secret, std::string_view body, std::string_view header_value);

}  // namespace thesaban::line
