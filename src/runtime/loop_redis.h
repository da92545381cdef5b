#pragma once
// `store::Redis` for code that runs on the event loops: inside a fiber, a command goes out on the
// loop's own pipelined connection and the fiber waits for the reply; on any other thread (CLI tools,
// the pool behind /media and /admin, the command-line tools) it goes to the blocking pool. Every store
// (tickets, conversations, tax notices) is written against `store::Redis` and works unchanged on both.
#include "store/redis.h"

namespace thesaban::runtime {

class LoopRedis final : public store::Redis {
public:
    explicit LoopRedis(store::Redis& off_loop) : off_loop_(off_loop) {}

    store::RedisReply command(const std::vector<std::string>& args) override;
    store::RedisReply eval(const std::string& script, const std::vector<std::string>& keys,
                           const std::vector<std::string>& args) override;
    bool ping() override;

private:
    store::Redis& off_loop_;
};

}  // namespace thesaban::runtime
