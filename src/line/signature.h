#pragma once
#include <memory>
#include <string>
#include <string_view>

namespace thesaban::line {

// base64(HMAC-SHA256(channel_secret, body)), as LINE computes x-line-signature.
std::string compute_signature(std::string_view channel_secret, std::string_view body);
// Constant-time comparison against the header value; false for a missing/empty header.
// Fetches the algorithm and keys HMAC on every call: for the webhook path use SignatureVerifier.
bool verify_signature(std::string_view channel_secret, std::string_view body, std::string_view header_value);

// The webhook's signature check with the HMAC keyed once, at construction: each call copies the
// prepared context instead of fetching SHA-256 and hashing the key again. Thread-safe (the keyed
// context is only read); same answers as verify_signature.
class SignatureVerifier {
public:
    explicit SignatureVerifier(std::string_view channel_secret);  // throws std::runtime_error if OpenSSL fails
    ~SignatureVerifier();
    SignatureVerifier(SignatureVerifier&&) noexcept;
    SignatureVerifier& operator=(SignatureVerifier&&) noexcept;

    bool verify(std::string_view body, std::string_view header_value) const;

private:
    struct Keyed;
    std::unique_ptr<Keyed> keyed_;
};

}  // namespace thesaban::line
