#pragma once
// Cryptographically random identifiers (OpenSSL RAND_bytes): retry keys and unguessable links.
#include <string>

namespace thesaban {

std::string random_uuid();                        // RFC 4122 version 4, lowercase
std::string random_token(std::size_t bytes = 24);  // base64url without padding

}  // namespace thesaban
