#pragma once
// Cryptographically random identifiers (OpenSSL RAND_bytes): retry keys and unguessable links.
#include <string>
#include <string_view>

namespace thesaban {

std::string random_uuid();                        // RFC 4122 version 4, lowercase
std::string random_token(std::size_t bytes = 24);  // base64url without padding

}  // namespace thesaban

namespace thesaban {
// A UUID derived from `name` (SHA-1, version-5 layout): the same name always gives the same UUID.
// Used for X-Line-Retry-Key when a send may be repeated after a crash, so LINE answers 409
// instead of delivering twice.
std::string uuid_from_name(std::string_view name);
}  // namespace thesaban
