// libFuzzer target for what comes back from Redis: the protocol reader, fed in pieces as a socket
// delivers them, and every shape check the durable queue applies to a script's reply. A Redis that
// is not ours (a misconfigured URL, a proxy, a newer server) must not crash the bot.
// Built as build/fuzz/redis_reply_fuzz with -DCMAKE_CXX_COMPILER=clang++ -DTHESABAN_FUZZ=ON; seeds in
// tests/fuzz/corpus/redis_reply/ (raw RESP bytes).
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "store/leased_queue.h"
#include "store/redis.h"
#include "store/resp_reader.h"

namespace {

using namespace thesaban::store;

// Answers every command and script with the same reply.
class FixedReplyRedis final : public Redis {
public:
    explicit FixedReplyRedis(RedisReply reply) : reply_(std::move(reply)) {}
    RedisReply command(const std::vector<std::string>&) override { return reply_; }
    RedisReply eval(const std::string&, const std::vector<std::string>&, const std::vector<std::string>&) override {
        return reply_;
    }
    bool ping() override { return true; }

private:
    RedisReply reply_;
};

void check_shapes(const RedisReply& reply) {
    (void)classify_error(reply);
    (void)parse_sentinel_master_address(reply);
    (void)role_is_master(reply);
    FixedReplyRedis redis(reply);
    LeasedQueue queue(redis, "f:", std::chrono::seconds(60), "owner", std::chrono::milliseconds(1000));
    // Each may refuse the reply, by the exceptions its callers handle; nothing else may happen.
    auto refused = [](auto&& call) {
        try {
            call();
        } catch (const RedisUnavailable&) {
        } catch (const std::runtime_error&) {
        }
    };
    refused([&] { (void)LeasedQueue::read_accept(reply, 2); });
    refused([&] { (void)queue.complete("chat", "event", 0); });
    refused([&] { (void)queue.take_over(0, 10); });
    refused([&] { (void)queue.adopt_legacy(10); });
    refused([&] { (void)queue.pending(); });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // The first byte picks the piece size, as reads from a socket split the stream anywhere.
    if (size == 0) return 0;
    const std::size_t piece = 1 + data[0] % 16;
    const char* bytes = reinterpret_cast<const char*>(data + 1);
    std::size_t left = size - 1;
    ReplyReader reader;
    int replies = 0;
    while (left > 0 && replies < 64) {
        std::size_t n = std::min(piece, left);
        if (!reader.feed(bytes, n)) return 0;
        bytes += n;
        left -= n;
        for (;;) {
            std::optional<RedisReply> reply;
            if (!reader.next(reply)) return 0;  // a protocol error: the connection is dropped
            if (!reply) break;
            check_shapes(*reply);
            ++replies;
        }
    }
    return 0;
}
