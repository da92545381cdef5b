#include "store/resp_reader.h"

#include <hiredis/hiredis.h>

#include <memory>
#include <new>

namespace thesaban::store {

namespace {

// hiredis's reader builds our RedisReply directly: an array grows one element at a time as the
// elements arrive, so a length Redis announces is never used to preallocate.
RedisReply* new_slot(const redisReadTask* task) {
    if (task->parent) {
        auto* parent = static_cast<RedisReply*>(task->parent->obj);
        parent->elements.emplace_back();
        return &parent->elements.back();
    }
    return new RedisReply();  // the root: hiredis hands it to us, or frees it with free_reply
}

void* create_string(const redisReadTask* task, char* str, std::size_t len) try {
    RedisReply* r = new_slot(task);
    r->type = task->type == REDIS_REPLY_ERROR    ? RedisReply::Type::error
              : task->type == REDIS_REPLY_STATUS ? RedisReply::Type::status
                                                 : RedisReply::Type::string;
    r->str.assign(str, len);
    return r;
} catch (...) {
    return nullptr;  // hiredis reports out of memory
}

void* create_array(const redisReadTask* task, int /*elements: not trusted*/) try {
    RedisReply* r = new_slot(task);
    r->type = RedisReply::Type::array;
    return r;
} catch (...) {
    return nullptr;
}

void* create_integer(const redisReadTask* task, long long value) try {
    RedisReply* r = new_slot(task);
    r->type = RedisReply::Type::integer;
    r->integer = value;
    return r;
} catch (...) {
    return nullptr;
}

void* create_nil(const redisReadTask* task) try {
    return new_slot(task);  // Type::nil by default
} catch (...) {
    return nullptr;
}

// hiredis frees only the root (on a protocol error or when the reader goes); children live inside it.
void free_reply(void* reply) { delete static_cast<RedisReply*>(reply); }

redisReplyObjectFunctions kReplyFunctions = {create_string, create_array, create_integer, create_nil, free_reply};

}  // namespace

ReplyReader::ReplyReader() : reader_(redisReaderCreateWithFunctions(&kReplyFunctions)) {
    if (!reader_) throw std::bad_alloc();
}

ReplyReader::~ReplyReader() { redisReaderFree(reader_); }

bool ReplyReader::feed(const char* data, std::size_t size) { return redisReaderFeed(reader_, data, size) == REDIS_OK; }

bool ReplyReader::next(std::optional<RedisReply>& reply) {
    void* raw = nullptr;
    if (redisReaderGetReply(reader_, &raw) != REDIS_OK) return false;
    if (raw) {
        std::unique_ptr<RedisReply> owned(static_cast<RedisReply*>(raw));
        reply.emplace(std::move(*owned));
    }
    return true;
}

std::string ReplyReader::error() const { return reader_->errstr; }

}  // namespace thesaban::store
