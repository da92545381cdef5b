#pragma once
// Reads Redis's reply protocol (RESP) from the bytes a connection delivers, in whatever pieces
// they come, into RedisReply values. hiredis's reader does the parsing; the replies are built as
// ours directly. Outside bytes: tests/fuzz/redis_reply_fuzz.cpp fuzzes it.
#include <cstddef>
#include <optional>
#include <string>

#include "store/redis.h"

struct redisReader;

namespace thesaban::store {

class ReplyReader {
public:
    ReplyReader();
    ~ReplyReader();
    ReplyReader(const ReplyReader&) = delete;
    ReplyReader& operator=(const ReplyReader&) = delete;

    bool feed(const char* data, std::size_t size);
    // false on a protocol error (the connection must be dropped); `reply` stays empty until a
    // whole reply is in.
    bool next(std::optional<RedisReply>& reply);
    std::string error() const;

private:
    redisReader* reader_;
};

}  // namespace thesaban::store
