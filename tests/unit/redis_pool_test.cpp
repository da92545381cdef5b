#include "store/redis_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

#include "support/redis_server.h"

namespace thesaban::store {
namespace {

using testing::RedisServer;
using testing::RedisServerOptions;
using Type = RedisReply::Type;
using namespace std::chrono_literals;

RedisOptions options_for(const RedisServer& server, std::size_t pool_size = 4,
                         std::chrono::milliseconds command_timeout = 2000ms) {
    RedisOptions options = parse_redis_url(server.url());
    options.pool_size = pool_size;
    options.command_timeout = command_timeout;
    return options;
}

template <typename F>
std::chrono::milliseconds time_of(F&& f) {
    auto start = std::chrono::steady_clock::now();
    f();
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
}

// ---- URL parsing (no server needed) ----

TEST(ParseRedisUrl, HostPortDb) {
    RedisOptions o = parse_redis_url("redis://10.0.0.5:6380/3");
    EXPECT_EQ(o.host, "10.0.0.5");
    EXPECT_EQ(o.port, 6380);
    EXPECT_EQ(o.db, 3);
    EXPECT_TRUE(o.unix_socket.empty());
    EXPECT_TRUE(o.password.empty());
}

TEST(ParseRedisUrl, DefaultsPortAndDb) {
    RedisOptions o = parse_redis_url("redis://redis.internal");
    EXPECT_EQ(o.host, "redis.internal");
    EXPECT_EQ(o.port, 6379);
    EXPECT_EQ(o.db, 0);
    EXPECT_EQ(parse_redis_url("redis://localhost/").db, 0);
}

TEST(ParseRedisUrl, Credentials) {
    RedisOptions o = parse_redis_url("redis://:s3cret@localhost:6379/1");
    EXPECT_EQ(o.username, "");
    EXPECT_EQ(o.password, "s3cret");
    o = parse_redis_url("redis://bot:pa%40ss%3Aw%2Frd@localhost");
    EXPECT_EQ(o.username, "bot");
    EXPECT_EQ(o.password, "pa@ss:w/rd");
    o = parse_redis_url("redis://:p@ss/word@h:1/2");  // unencoded: the last '@' ends the userinfo
    EXPECT_EQ(o.password, "p@ss/word");
    EXPECT_EQ(o.host, "h");
    EXPECT_EQ(o.db, 2);
}

TEST(ParseRedisUrl, Ipv6) {
    RedisOptions o = parse_redis_url("redis://[::1]:7000/0");
    EXPECT_EQ(o.host, "::1");
    EXPECT_EQ(o.port, 7000);
}

TEST(ParseRedisUrl, UnixSocket) {
    RedisOptions o = parse_redis_url("unix:///run/redis/redis.sock?db=5");
    EXPECT_EQ(o.unix_socket, "/run/redis/redis.sock");
    EXPECT_EQ(o.db, 5);
    EXPECT_EQ(parse_redis_url("unix:///tmp/r.sock").db, 0);
}

TEST(ParseRedisUrl, RejectsBadUrls) {
    for (const char* bad : {"",
                            "localhost:6379",
                            "http://localhost",
                            "rediss://localhost",
                            "redis://",
                            "redis://:6379",
                            "redis://host:",
                            "redis://host:0",
                            "redis://host:65536",
                            "redis://host:63a9",
                            "redis://host/x",
                            "redis://host/-1",
                            "redis://host/1?x=y",
                            "redis://[::1",
                            "redis://secret@host",
                            "redis://:@host",
                            "redis://:%zz@host",
                            "unix://",
                            "unix://relative.sock",
                            "unix:///",
                            "unix:///tmp/r.sock?db=x",
                            "unix:///tmp/r.sock?password=x"}) {
        EXPECT_THROW(parse_redis_url(bad), std::invalid_argument) << bad;
    }
}

TEST(ParseRedisUrl, ErrorsNeverShowThePassword) {
    for (const char* bad :
         {"redis://user:hunter2@host:notaport", "redis://:hunter2@host/db", "hunter2@host", "ftp://:hunter2@host"}) {
        try {
            parse_redis_url(bad);
            ADD_FAILURE() << "accepted " << bad;
        } catch (const std::invalid_argument& e) {
            EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos) << e.what();
        }
    }
}

TEST(RedisScriptSha1, MatchesRedisNaming) {
    EXPECT_EQ(redis_script_sha1(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}

TEST(RedisPoolOptions, RejectsZeroSizesAndTimeouts) {
    RedisOptions o;
    o.pool_size = 0;
    EXPECT_THROW(RedisPool{o}, std::invalid_argument);
    o = RedisOptions{};
    o.command_timeout = 0ms;
    EXPECT_THROW(RedisPool{o}, std::invalid_argument);
}

// ---- Against one shared real redis-server ----

class RedisPoolTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { server_ = new RedisServer(); }
    static void TearDownTestSuite() {
        delete server_;
        server_ = nullptr;
    }
    void SetUp() override {
        pool_ = std::make_unique<RedisPool>(options_for(*server_));
        ASSERT_EQ(pool_->command({"FLUSHALL"}).str, "OK");
    }

    static RedisServer* server_;
    std::unique_ptr<RedisPool> pool_;
};
RedisServer* RedisPoolTest::server_ = nullptr;

TEST_F(RedisPoolTest, SetAndGet) {
    RedisReply set = pool_->command({"SET", "greeting", "สวัสดี"});
    EXPECT_EQ(set.type, Type::status);
    EXPECT_EQ(set.str, "OK");
    RedisReply get = pool_->command({"GET", "greeting"});
    EXPECT_EQ(get.type, Type::string);
    EXPECT_EQ(get.str, "สวัสดี");
    EXPECT_TRUE(pool_->ping());
}

TEST_F(RedisPoolTest, ValuesAreBinarySafe) {
    const std::string key("k\0ey", 4);
    const std::string value("a\0b\r\n\xff\0", 7);
    pool_->command({"SET", key, value});
    RedisReply get = pool_->command({"GET", key});
    EXPECT_EQ(get.type, Type::string);
    EXPECT_EQ(get.str, value);
    EXPECT_EQ(get.str.size(), 7u);
    EXPECT_TRUE(pool_->command({"GET", "k"}).is_nil());
    EXPECT_EQ(pool_->command({"SET", "empty", ""}).str, "OK");
    RedisReply empty = pool_->command({"GET", "empty"});
    EXPECT_EQ(empty.type, Type::string);
    EXPECT_EQ(empty.str, "");
}

TEST_F(RedisPoolTest, ReplyTypes) {
    RedisReply incr = pool_->command({"INCRBY", "counter", "-42"});
    EXPECT_EQ(incr.type, Type::integer);
    EXPECT_EQ(incr.integer, -42);

    EXPECT_EQ(pool_->command({"GET", "missing"}).type, Type::nil);

    pool_->command({"RPUSH", "list", "a", "", "c"});
    RedisReply range = pool_->command({"LRANGE", "list", "0", "-1"});
    ASSERT_EQ(range.type, Type::array);
    ASSERT_EQ(range.elements.size(), 3u);
    EXPECT_EQ(range.elements[0].str, "a");
    EXPECT_EQ(range.elements[1].str, "");
    EXPECT_EQ(range.elements[2].str, "c");
    RedisReply none = pool_->command({"LRANGE", "nolist", "0", "-1"});
    EXPECT_EQ(none.type, Type::array);
    EXPECT_TRUE(none.elements.empty());

    RedisReply mget = pool_->command({"MGET", "list-missing", "counter"});
    ASSERT_EQ(mget.elements.size(), 2u);
    EXPECT_TRUE(mget.elements[0].is_nil());
    EXPECT_EQ(mget.elements[1].str, "-42");

    RedisReply error = pool_->command({"INCR", "list"});
    EXPECT_TRUE(error.is_error());
    EXPECT_EQ(error.str.rfind("WRONGTYPE", 0), 0u) << error.str;
    RedisReply unknown = pool_->command({"NOSUCHCOMMAND"});
    EXPECT_TRUE(unknown.is_error());
    // An error reply leaves the connection usable.
    EXPECT_EQ(pool_->command({"GET", "counter"}).str, "-42");
}

TEST_F(RedisPoolTest, NestedArrays) {
    RedisReply r = pool_->eval("return {1, 'two', {3, false}}", {}, {});
    ASSERT_EQ(r.type, Type::array);
    ASSERT_EQ(r.elements.size(), 3u);
    EXPECT_EQ(r.elements[0].integer, 1);
    EXPECT_EQ(r.elements[1].str, "two");
    ASSERT_EQ(r.elements[2].type, Type::array);
    EXPECT_EQ(r.elements[2].elements[0].integer, 3);
    EXPECT_TRUE(r.elements[2].elements[1].is_nil());  // Lua false is a nil reply
}

TEST_F(RedisPoolTest, EvalWithKeysAndArgs) {
    const std::string script =
        "redis.call('SET', KEYS[1], ARGV[1]); redis.call('SET', KEYS[2], ARGV[2]); "
        "return redis.call('MGET', KEYS[1], KEYS[2])";
    RedisReply r = pool_->eval(script, {"ticket:1", "ticket:2"}, {"open", std::string("x\0y", 3)});
    ASSERT_EQ(r.type, Type::array);
    ASSERT_EQ(r.elements.size(), 2u);
    EXPECT_EQ(r.elements[0].str, "open");
    EXPECT_EQ(r.elements[1].str, std::string("x\0y", 3));

    // EVAL cached the script under the SHA1 we compute, so later calls go by EVALSHA.
    RedisReply exists = pool_->command({"SCRIPT", "EXISTS", redis_script_sha1(script)});
    ASSERT_EQ(exists.elements.size(), 1u);
    EXPECT_EQ(exists.elements[0].integer, 1);
    EXPECT_EQ(pool_->command({"SCRIPT", "LOAD", script}).str, redis_script_sha1(script));

    RedisReply error = pool_->eval("return redis.error_reply('NOPE refused')", {}, {});
    EXPECT_TRUE(error.is_error());
    EXPECT_EQ(error.str, "NOPE refused");
}

TEST_F(RedisPoolTest, EvalAfterScriptFlushReloads) {
    const std::string script = "return redis.call('INCRBY', KEYS[1], ARGV[1])";
    EXPECT_EQ(pool_->eval(script, {"n"}, {"5"}).integer, 5);
    ASSERT_EQ(pool_->command({"SCRIPT", "FLUSH"}).str, "OK");
    RedisReply exists = pool_->command({"SCRIPT", "EXISTS", redis_script_sha1(script)});
    ASSERT_EQ(exists.elements[0].integer, 0);

    RedisReply r = pool_->eval(script, {"n"}, {"2"});  // EVALSHA -> NOSCRIPT -> EVAL
    EXPECT_EQ(r.type, Type::integer);
    EXPECT_EQ(r.integer, 7);
    exists = pool_->command({"SCRIPT", "EXISTS", redis_script_sha1(script)});
    EXPECT_EQ(exists.elements[0].integer, 1);
}

TEST_F(RedisPoolTest, ConcurrentIncrementsAreExact) {
    constexpr int kThreads = 8;
    constexpr int kIncrements = 500;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < kIncrements; ++i) {
                try {
                    if (pool_->command({"INCR", "hits"}).type != Type::integer) ++failures;
                } catch (const std::exception&) {
                    ++failures;
                }
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(pool_->command({"GET", "hits"}).str, std::to_string(kThreads * kIncrements));
    EXPECT_LE(pool_->open_connections(), 4u);
}

TEST_F(RedisPoolTest, ExhaustedPoolWaitsThenTimesOut) {
    // One connection, 1 s timeout. Three callers each hold it 0.7 s (BLPOP on an empty list):
    // the first runs at once, one waiter gets it at ~0.7 s, the other gives up at ~1 s.
    RedisPool pool(options_for(*server_, 1, 1000ms));
    ASSERT_TRUE(pool.ping());
    std::atomic<int> nil_replies{0};
    std::atomic<int> unavailable{0};
    std::atomic<long> unavailable_after_ms{0};
    auto blpop = [&] {
        auto start = std::chrono::steady_clock::now();
        try {
            if (pool.command({"BLPOP", "never-filled", "0.7"}).is_nil()) ++nil_replies;
        } catch (const RedisUnavailable& e) {
            ++unavailable;
            unavailable_after_ms =
                std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
            EXPECT_NE(std::string(e.what()).find("no free Redis connection"), std::string::npos) << e.what();
        }
    };
    std::thread first(blpop);
    std::this_thread::sleep_for(100ms);
    std::thread second(blpop), third(blpop);
    first.join();
    second.join();
    third.join();
    EXPECT_EQ(nil_replies.load(), 2);
    EXPECT_EQ(unavailable.load(), 1);
    EXPECT_GE(unavailable_after_ms.load(), 900);
    EXPECT_LE(unavailable_after_ms.load(), 1500);
    EXPECT_EQ(pool.open_connections(), 1u);
    EXPECT_TRUE(pool.ping());
}

TEST_F(RedisPoolTest, UnixSocketAndDbSelection) {
    RedisOptions o = parse_redis_url("unix://" + server_->unix_socket() + "?db=2");
    RedisPool unix_pool(o);
    EXPECT_EQ(unix_pool.endpoint(), "unix:" + server_->unix_socket());
    unix_pool.command({"SET", "where", "db2"});
    EXPECT_TRUE(pool_->command({"GET", "where"}).is_nil());  // pool_ uses db 0
    RedisPool db2(parse_redis_url("redis://127.0.0.1:" + std::to_string(server_->port()) + "/2"));
    EXPECT_EQ(db2.command({"GET", "where"}).str, "db2");
}

// ---- Failure and recovery, each with its own server ----

TEST(RedisPoolFailure, NoServerListeningIsUnavailable) {
    RedisOptions o;
    o.port = testing::free_loopback_port();
    o.password = "hunter2";
    RedisPool pool(o);
    auto elapsed = time_of([&] {
        try {
            pool.command({"GET", "x"});
            ADD_FAILURE() << "no exception";
        } catch (const RedisUnavailable& e) {
            std::string what = e.what();
            EXPECT_NE(what.find("127.0.0.1:" + std::to_string(o.port)), std::string::npos) << what;
            EXPECT_EQ(what.find("hunter2"), std::string::npos) << what;
        }
    });
    EXPECT_LT(elapsed, 1000ms);
    EXPECT_FALSE(pool.ping());
    EXPECT_THROW(pool.eval("return 1", {}, {}), RedisUnavailable);
    EXPECT_EQ(pool.open_connections(), 0u);
}

TEST(RedisPoolFailure, WrongPasswordIsUnavailableWithoutLeakingIt) {
    RedisServer server(RedisServerOptions{.extra_args = {"--requirepass", "right-one"}});
    RedisOptions o = options_for(server);
    o.password = "wrong-one";
    RedisPool pool(o);
    try {
        pool.command({"PING"});
        ADD_FAILURE() << "no exception";
    } catch (const RedisUnavailable& e) {
        EXPECT_EQ(std::string(e.what()).find("wrong-one"), std::string::npos) << e.what();
    }
    o.password = "right-one";
    RedisPool good(o);
    EXPECT_TRUE(good.ping());
    o = parse_redis_url("redis://:right-one@127.0.0.1:" + std::to_string(server.port()) + "/4");
    RedisPool from_url(o);
    EXPECT_EQ(from_url.command({"SET", "a", "b"}).str, "OK");
}

TEST(RedisPoolFailure, CommandTimeoutDropsTheConnectionAndPoolRecovers) {
    RedisServer server;
    RedisPool pool(options_for(server, 2, 200ms));
    ASSERT_EQ(pool.command({"SET", "k", "v"}).str, "OK");
    auto elapsed = time_of([&] {
        try {
            pool.command({"DEBUG", "SLEEP", "1"});
            ADD_FAILURE() << "no timeout";
        } catch (const RedisUnavailable& e) {
            EXPECT_NE(std::string(e.what()).find("timed out"), std::string::npos) << e.what();
        }
    });
    EXPECT_GE(elapsed, 150ms);
    EXPECT_LT(elapsed, 700ms);
    // The server sleeps ~0.8 s more; once awake, the pool answers on fresh connections, and the
    // late "+OK" of DEBUG SLEEP never reaches anyone.
    EXPECT_TRUE(testing::wait_until([&] { return pool.ping(); }, 5s));
    for (int i = 0; i < 10; ++i) EXPECT_EQ(pool.command({"GET", "k"}).str, "v");
}

TEST(RedisPoolFailure, RecoversAfterRestartAndAofKeepsData) {
    RedisServer server;
    RedisPool pool(options_for(server, 4, 1000ms));
    // Open several connections so that stale idle ones exist after the restart.
    {
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&, t] { pool.command({"SET", "before:" + std::to_string(t), "kept"}); });
        }
        for (auto& t : threads) t.join();
    }
    ASSERT_GE(pool.open_connections(), 1u);

    server.stop();
    EXPECT_THROW(pool.command({"GET", "before:0"}), RedisUnavailable);
    EXPECT_FALSE(pool.ping());

    server.start();
    // No reconnect call, no new pool: the very first call after the restart succeeds.
    RedisReply r = pool.command({"GET", "before:0"});
    EXPECT_EQ(r.str, "kept");
    for (int t = 0; t < 4; ++t) EXPECT_EQ(pool.command({"GET", "before:" + std::to_string(t)}).str, "kept");
    EXPECT_EQ(pool.eval("return redis.call('GET', KEYS[1])", {"before:3"}, {}).str, "kept");

    // A quick restart with no call in between: the idle connections to the old process are
    // noticed as closed before use, so again the first call succeeds.
    ASSERT_GE(pool.open_connections(), 1u);
    server.stop();
    server.start();
    EXPECT_EQ(pool.command({"GET", "before:1"}).str, "kept");
}

TEST(RedisPoolFailure, RecoversAfterKill9) {
    RedisServerOptions no_aof;
    no_aof.appendonly = false;
    RedisServer server(no_aof);
    RedisPool pool(options_for(server, 2, 1000ms));
    ASSERT_EQ(pool.command({"SET", "x", "1"}).str, "OK");
    server.kill9();
    server.start();
    RedisReply r;
    EXPECT_NO_THROW(r = pool.command({"GET", "x"}));
    EXPECT_TRUE(r.is_nil());  // no AOF, no data: but the pool works at once
    server.kill9();
    EXPECT_THROW(pool.command({"GET", "x"}), RedisUnavailable);
    EXPECT_FALSE(pool.ping());
    server.start();
    EXPECT_TRUE(pool.ping());
}

}  // namespace
}  // namespace thesaban::store
