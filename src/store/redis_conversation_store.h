#pragma once
// Conversation state in Redis: one string a conversation, `{prefix}conv:{key}`, that expires after
// the idle timeout (every save starts it again), so an abandoned conversation cleans itself up.
#include <chrono>
#include <optional>
#include <string>

#include "handlers/common/ports.h"
#include "store/redis.h"

namespace thesaban::store {

class RedisConversationStore final : public handlers::ConversationStore {
public:
    // Throws std::invalid_argument for an idle timeout under one second (Redis EX is in seconds).
    RedisConversationStore(Redis& redis, std::string key_prefix, std::chrono::seconds idle_timeout);

    std::optional<std::string> load(const std::string& key) override;
    void save(const std::string& key, const std::string& state_json) override;
    void clear(const std::string& key) override;

private:
    std::string key_of(const std::string& key) const { return prefix_ + "conv:" + key; }

    Redis& redis_;
    std::string prefix_;
    std::chrono::seconds idle_timeout_;
};

}  // namespace thesaban::store
