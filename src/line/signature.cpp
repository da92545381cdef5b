#include "line/signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>

#include <array>
#include <atomic>
#include <climits>
#include <cstdint>
#include <optional>
#include <stdexcept>

namespace thesaban::line {
namespace {

constexpr std::size_t kMacSize = 32;  // SHA-256
using Mac = std::array<unsigned char, kMacSize>;

std::optional<Mac> hmac_sha256(std::string_view key, std::string_view body) {
    if (key.size() > static_cast<std::size_t>(INT_MAX)) return std::nullopt;
    Mac mac{};
    unsigned int mac_len = 0;
    // An empty string_view may carry a null pointer; OpenSSL wants a valid one even for length 0.
    static const unsigned char kEmpty = 0;
    const auto* key_ptr = key.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(key.data());
    const auto* body_ptr = body.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(body.data());
    if (!HMAC(EVP_sha256(), key_ptr, static_cast<int>(key.size()), body_ptr, body.size(), mac.data(), &mac_len) ||
        mac_len != kMacSize) {
        return std::nullopt;
    }
    return mac;
}

int base64_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

// Strict standard base64 with padding, decoding to exactly one MAC. OpenSSL's EVP_DecodeBlock
// skips whitespace and reports padding as zero bytes, so a small strict decoder is clearer.
std::optional<Mac> decode_mac(std::string_view text) {
    constexpr std::size_t kEncodedSize = (kMacSize + 2) / 3 * 4;  // 44, ending in one '='
    if (text.size() != kEncodedSize || text.back() != '=' || text[kEncodedSize - 2] == '=') return std::nullopt;
    Mac mac{};
    std::size_t out = 0;
    uint32_t bits = 0;
    int bit_count = 0;
    for (std::size_t i = 0; i + 1 < text.size(); ++i) {
        int v = base64_value(text[i]);
        if (v < 0) return std::nullopt;
        bits = (bits << 6) | static_cast<uint32_t>(v);
        bit_count += 6;
        if (bit_count >= 8) {
            bit_count -= 8;
            if (out == kMacSize) return std::nullopt;
            mac[out++] = static_cast<unsigned char>((bits >> bit_count) & 0xFF);
        }
    }
    // 43 symbols carry 258 bits: the 2 left over must be zero in a canonical encoding.
    if (out != kMacSize || (bits & ((1u << bit_count) - 1)) != 0) return std::nullopt;
    return mac;
}

// Owns an EVP_MAC_CTX; a null one means "failed".
struct MacCtxDeleter {
    void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
};
using MacCtx = std::unique_ptr<EVP_MAC_CTX, MacCtxDeleter>;

}  // namespace

struct SignatureVerifier::Keyed {
    MacCtx ctx;  // HMAC-SHA256 with the channel secret set: copied once per thread, never used directly
    uint64_t id = 0;
};

namespace {
std::atomic<uint64_t> g_next_verifier_id{1};

// Each thread keeps a copy of the last verifier's keyed context: re-initialising it without a key
// only restores the prepared inner state, where a fresh copy costs several allocations. Ids, not
// addresses, tell verifiers apart, since an address can be reused by a later verifier.
struct ThreadMac {
    uint64_t id = 0;
    MacCtx ctx;
};
thread_local ThreadMac t_mac;
}  // namespace

SignatureVerifier::SignatureVerifier(std::string_view channel_secret) : keyed_(std::make_unique<Keyed>()) {
    keyed_->id = g_next_verifier_id.fetch_add(1, std::memory_order_relaxed);
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (!mac) throw std::runtime_error("OpenSSL has no HMAC");
    keyed_->ctx.reset(EVP_MAC_CTX_new(mac));
    EVP_MAC_free(mac);  // the context holds its own reference
    if (!keyed_->ctx) throw std::runtime_error("cannot allocate an HMAC context");
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest, 0), OSSL_PARAM_construct_end()};
    static const unsigned char kEmpty = 0;
    const auto* key = channel_secret.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(channel_secret.data());
    if (!EVP_MAC_init(keyed_->ctx.get(), key, channel_secret.size(), params)) {
        throw std::runtime_error("cannot key HMAC-SHA256 with the channel secret");
    }
}

SignatureVerifier::~SignatureVerifier() = default;
SignatureVerifier::SignatureVerifier(SignatureVerifier&&) noexcept = default;
SignatureVerifier& SignatureVerifier::operator=(SignatureVerifier&&) noexcept = default;

bool SignatureVerifier::verify(std::string_view body, std::string_view header_value) const {
    if (header_value.empty() || !keyed_) return false;
    auto received = decode_mac(header_value);
    if (!received) return false;
    // The keyed context stays read-only, so threads can share the verifier.
    if (t_mac.id != keyed_->id || !t_mac.ctx) {
        t_mac.ctx.reset(EVP_MAC_CTX_dup(keyed_->ctx.get()));
        t_mac.id = t_mac.ctx ? keyed_->id : 0;
        if (!t_mac.ctx) return false;
    } else if (!EVP_MAC_init(t_mac.ctx.get(), nullptr, 0, nullptr)) {  // no key: back to the keyed state
        t_mac.id = 0;
        return false;
    }
    EVP_MAC_CTX* ctx = t_mac.ctx.get();
    static const unsigned char kEmpty = 0;
    const auto* data = body.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(body.data());
    Mac expected{};
    std::size_t length = 0;
    if (!EVP_MAC_update(ctx, data, body.size()) ||
        !EVP_MAC_final(ctx, expected.data(), &length, expected.size()) || length != kMacSize) {
        t_mac.id = 0;  // a half-used context is not reused
        return false;
    }
    return CRYPTO_memcmp(received->data(), expected.data(), kMacSize) == 0;
}

std::string compute_signature(std::string_view channel_secret, std::string_view body) {
    auto mac = hmac_sha256(channel_secret, body);
    if (!mac) return {};
    std::array<unsigned char, (kMacSize + 2) / 3 * 4 + 1> encoded{};
    int n = EVP_EncodeBlock(encoded.data(), mac->data(), static_cast<int>(mac->size()));
    return std::string(reinterpret_cast<const char*>(encoded.data()), static_cast<std::size_t>(n));
}

bool verify_signature(std::string_view channel_secret, std::string_view body, std::string_view header_value) {
    if (header_value.empty()) return false;
    auto received = decode_mac(header_value);
    if (!received) return false;
    auto expected = hmac_sha256(channel_secret, body);
    if (!expected) return false;
    // Both are exactly kMacSize bytes here, so only the contents are compared, in constant time.
    return CRYPTO_memcmp(received->data(), expected->data(), kMacSize) == 0;
}

}  // namespace thesaban::line
