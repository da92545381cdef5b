#pragma once
// RESP2, the Redis protocol: commands encoded as arrays of bulk strings, replies decoded
// incrementally from whatever bytes have arrived. No I/O here.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/redis.h"

namespace thesaban::store::resp {

// Appends the command to `out`.
void encode(std::string& out, const std::vector<std::string>& args);

enum class Parse { complete, incomplete, malformed };

// Decodes one reply from the front of `in`; on `complete`, `used` is how many bytes it took.
// Sizes announced by the server never allocate ahead: a bulk string is copied once it has arrived.
Parse decode(std::string_view in, RedisReply& out, std::size_t& used);

}  // namespace thesaban::store::resp
