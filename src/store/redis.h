#pragma once
// The one narrow door to Redis. Everything that stores data (inbox, conversation state, tickets)
// goes through `Redis::command` / `Redis::eval`. Calls block the calling thread and are safe from
// many threads at once (a pool of connections); each has a timeout; a broken connection is
// dropped and a fresh one made on the next call, so the bot recovers by itself after a Redis restart.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <optional>
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

// What an error reply means to the caller, read from its first word ("WRONGTYPE Operation...").
enum class RedisErrorKind { none, noscript, wrongtype, oom, misconf, readonly, busy, loading, other };
// `none` for any reply that is not an error; `other` for an error with no prefix we act on
// (ERR, BUSYKEY, NOAUTH...).
RedisErrorKind classify_error(const RedisReply& reply);

// Redis could not be reached or did not answer in time. The caller decides (503, retry later...).
class RedisUnavailable : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Redis answered but will not store anything: OOM (maxmemory reached under noeviction) or MISCONF
// (it cannot persist: a failed RDB snapshot with stop-writes-on-bgsave-error, or a failed AOF
// write). Retried like an outage, but it can last until an operator acts, so the webhook tells
// residents to try again later instead of leaving them waiting. `command` names the Redis command
// and its purpose, never its arguments (keys hold user ids).
class RedisWriteRefused : public RedisUnavailable {
public:
    RedisWriteRefused(std::string command, const std::string& error);
    const std::string& command() const { return command_; }
    // The reply's first line ("OOM command not allowed when used memory > 'maxmemory'.").
    const std::string& error() const { return error_; }

private:
    std::string command_;
    std::string error_;
};

// For a caller that got an error reply: RedisWriteRefused for OOM and MISCONF, else RedisUnavailable
// with "<command> refused: <error>". `command` names the command and what it was for
// ("EVALSHA leased queue accept", "SET conversation save").
[[noreturn]] void throw_refused(const std::string& command, const RedisReply& reply);

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
    // When set, the master's address comes from these Redis Sentinels (asked in turn) instead of
    // host/port; `sentinel_master` is the name given to `sentinel monitor`. AUTH/SELECT still come
    // from username/password/db and apply to the master (the sentinels are asked without AUTH).
    std::vector<std::pair<std::string, int>> sentinels;
    std::string sentinel_master;
};

// redis://[[user]:password@]host[:port][/db] and unix:///path/to.sock[?db=N]; throws std::invalid_argument.
RedisOptions parse_redis_url(const std::string& url);
// "host:port,host:port" ([IPv6]:port allowed, spaces around items ignored) for
// RedisOptions::sentinels; throws std::invalid_argument on an empty list or a bad item.
std::vector<std::pair<std::string, int>> parse_sentinels(const std::string& list);

// The answer to SENTINEL get-master-addr-by-name: a two-element array [host, port]. nullopt for
// nil (the sentinel does not know that master), an error, or any other shape.
std::optional<std::pair<std::string, int>> parse_sentinel_master_address(const RedisReply& reply);
// True when a ROLE reply says "master" (a failed-over old master says "slave").
bool role_is_master(const RedisReply& reply);

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
