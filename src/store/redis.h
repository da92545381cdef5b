#pragma once
// The one narrow door to Redis. Everything that stores data (inbox, conversation state, tickets)
// goes through `Redis::command` / `Redis::eval`. Calls block the calling thread and are safe from
// many threads at once (a pool of connections); each has a timeout; a broken connection is
// dropped and a fresh one made on the next call, so the bot recovers by itself after a Redis restart.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace thesaban::store {

struct RedisReply {
    enum class Type { nil, integer, string, status, array, error };
    Type type = Type::nil;
    long long integer = 0;
    std::string str;  // string, status and error replies
    std::vector<RedisReply> elements;

    bool is_nil() const { return type == Type::nil; }
    bool is_error() const { return type == Type::error; }
};

// Redis could not be reached or did not answer in time. The caller decides (503, retry later...).
class RedisUnavailable : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct RedisOptions {
    std::string host = "127.0.0.1";
    int port = 6379;
    std::string unix_socket;  // used instead of host:port when set
    int db = 0;
    std::string username;
    std::string password;
    std::size_t pool_size = 8;
    std::chrono::milliseconds connect_timeout{1000};
    std::chrono::milliseconds command_timeout{2000};
    // When set, the master is found through these sentinels (host and port above are not used).
    std::vector<std::pair<std::string, int>> sentinels;
    std::string sentinel_master;
};

// "host:port,host:port,..." (REDIS_SENTINELS); throws std::invalid_argument.
std::vector<std::pair<std::string, int>> parse_sentinels(const std::string& list);

// The address in a sentinel's answer to SENTINEL get-master-addr-by-name; nullopt when it names none.
std::optional<std::pair<std::string, int>> sentinel_master_address(const RedisReply& reply);

// What an error reply means for the caller: only a lost connection is worth a blind retry; these
// reached Redis and were refused, and each tells the operator something different.
enum class RedisErrorKind { none, noscript, wrongtype, oom, misconf, readonly, busy, loading, other };
RedisErrorKind classify_error(const RedisReply& reply);
const char* error_kind_name(RedisErrorKind kind);

// redis://[[user]:password@]host[:port][/db] and unix:///path/to.sock[?db=N]; throws std::invalid_argument.
RedisOptions parse_redis_url(const std::string& url);

class Redis {
public:
    virtual ~Redis() = default;
    // Throws RedisUnavailable on connection failure or timeout. A Redis error reply is returned
    // as Type::error (the command reached Redis and was refused).
    virtual RedisReply command(const std::vector<std::string>& args) = 0;
    // EVALSHA with the script's SHA1, loading it (SCRIPT LOAD / EVAL) when Redis answers NOSCRIPT.
    virtual RedisReply eval(const std::string& script, const std::vector<std::string>& keys,
                            const std::vector<std::string>& args) = 0;
    // PING; false instead of throwing.
    virtual bool ping() = 0;
};

}  // namespace thesaban::store
