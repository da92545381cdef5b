#include "store/redis_conversation_store.h"

#include <stdexcept>
#include <utility>

namespace thesaban::store {

RedisConversationStore::RedisConversationStore(Redis& redis, std::string key_prefix, std::chrono::seconds idle_timeout)
    : redis_(redis), prefix_(std::move(key_prefix)), idle_timeout_(idle_timeout) {
    if (idle_timeout_.count() < 1) throw std::invalid_argument("conversation idle timeout must be at least 1 s");
}

std::optional<std::string> RedisConversationStore::load(const std::string& key) {
    RedisReply reply = redis_.command({"GET", key_of(key)});
    if (reply.is_error()) throw_refused("GET conversation load", reply);
    if (reply.is_nil()) return std::nullopt;
    return std::move(reply.str);
}

void RedisConversationStore::save(const std::string& key, const std::string& state_json) {
    RedisReply reply = redis_.command({"SET", key_of(key), state_json, "EX", std::to_string(idle_timeout_.count())});
    if (reply.is_error()) throw_refused("SET conversation save", reply);
}

void RedisConversationStore::clear(const std::string& key) {
    RedisReply reply = redis_.command({"DEL", key_of(key)});
    if (reply.is_error()) throw_refused("DEL conversation clear", reply);
}

}  // namespace thesaban::store
