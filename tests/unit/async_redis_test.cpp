#include "store/async_redis.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "store/redis_pool.h"
#include "support/redis_sentinel.h"
#include "support/redis_server.h"

namespace thesaban::store {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;
using testing::RedisSentinel;
using testing::RedisSentinelOptions;
using testing::RedisServer;
using testing::RedisServerOptions;
using Type = RedisReply::Type;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

RedisReply error_reply(const std::string& text) {
    RedisReply r;
    r.type = Type::error;
    r.str = text;
    return r;
}

RedisReply bulk(const std::string& text) {
    RedisReply r;
    r.type = Type::string;
    r.str = text;
    return r;
}

// ---- pure functions (no server) ----

TEST(AsyncRedisErrorKind, ClassifiedByPrefix) {
    EXPECT_EQ(classify_error(RedisReply{}), RedisErrorKind::none);
    EXPECT_EQ(classify_error(bulk("WRONGTYPE")), RedisErrorKind::none);  // a value, not an error
    EXPECT_EQ(classify_error(error_reply("NOSCRIPT No matching script. Please use EVAL.")), RedisErrorKind::noscript);
    EXPECT_EQ(classify_error(error_reply("WRONGTYPE Operation against a key holding the wrong kind of value")),
              RedisErrorKind::wrongtype);
    EXPECT_EQ(classify_error(error_reply("OOM command not allowed when used memory > 'maxmemory'.")),
              RedisErrorKind::oom);
    EXPECT_EQ(classify_error(error_reply("MISCONF Redis is configured to save RDB snapshots, but it's currently "
                                         "unable to persist to disk.")),
              RedisErrorKind::misconf);
    EXPECT_EQ(classify_error(error_reply("READONLY You can't write against a read only replica.")),
              RedisErrorKind::readonly);
    EXPECT_EQ(classify_error(error_reply("BUSY Redis is busy running a script.")), RedisErrorKind::busy);
    EXPECT_EQ(classify_error(error_reply("LOADING Redis is loading the dataset in memory")), RedisErrorKind::loading);
    EXPECT_EQ(classify_error(error_reply("BUSYKEY Target key name already exists.")), RedisErrorKind::other);
    EXPECT_EQ(classify_error(error_reply("ERR unknown command")), RedisErrorKind::other);
    EXPECT_EQ(classify_error(error_reply("")), RedisErrorKind::other);
    EXPECT_EQ(classify_error(error_reply("READONLY")), RedisErrorKind::readonly);
}

// OOM and MISCONF mean "Redis will not store anything now": the webhook tells residents so. Any
// other error stays a plain RedisUnavailable. The message names the command, never its arguments.
TEST(AsyncRedisErrorKind, RefusedWritesAreTheirOwnException) {
    const std::string oom = "OOM command not allowed when used memory > 'maxmemory'. script: 9f9c, on @user_script:6.";
    try {
        throw_refused("EVALSHA leased queue accept", error_reply(oom));
        FAIL() << "did not throw";
    } catch (const RedisWriteRefused& e) {
        EXPECT_EQ(e.command(), "EVALSHA leased queue accept");
        EXPECT_EQ(e.error(), oom);
        EXPECT_EQ(std::string(e.what()), "EVALSHA leased queue accept refused: " + oom);
    }
    EXPECT_THROW(throw_refused("SET conversation save",
                               error_reply("MISCONF Redis is configured to save RDB snapshots, but it's currently "
                                           "unable to persist to disk.")),
                 RedisWriteRefused);
    try {
        throw_refused("GET conversation load", error_reply("WRONGTYPE Operation against a key"));
        FAIL() << "did not throw";
    } catch (const RedisWriteRefused&) {
        FAIL() << "WRONGTYPE is not a refused write";
    } catch (const RedisUnavailable& e) {
        EXPECT_EQ(std::string(e.what()), "GET conversation load refused: WRONGTYPE Operation against a key");
    }
}

TEST(SentinelParsing, SentinelList) {
    auto list = parse_sentinels("10.0.0.1:26379, sentinel-b:26380 ,[::1]:5000");
    ASSERT_EQ(list.size(), 3u);
    EXPECT_EQ(list[0], (std::pair<std::string, int>{"10.0.0.1", 26379}));
    EXPECT_EQ(list[1], (std::pair<std::string, int>{"sentinel-b", 26380}));
    EXPECT_EQ(list[2], (std::pair<std::string, int>{"::1", 5000}));
    for (const char* bad : {"", "host", "host:", ":26379", "host:0", "host:65536", "host:12x", "a:1,,b:2", "a:1,",
                            "::1:5000", "[::1]5000", "[::1]:"}) {
        EXPECT_THROW(parse_sentinels(bad), std::invalid_argument) << bad;
    }
}

TEST(SentinelParsing, MasterAddressAnswer) {
    RedisReply ok;
    ok.type = Type::array;
    ok.elements = {bulk("127.0.0.1"), bulk("6380")};
    auto address = parse_sentinel_master_address(ok);
    ASSERT_TRUE(address);
    EXPECT_EQ(address->first, "127.0.0.1");
    EXPECT_EQ(address->second, 6380);

    EXPECT_FALSE(parse_sentinel_master_address(RedisReply{}));  // nil: unknown master name
    EXPECT_FALSE(parse_sentinel_master_address(error_reply("ERR No such master with that name")));
    RedisReply bad = ok;
    bad.elements[1] = bulk("63a0");
    EXPECT_FALSE(parse_sentinel_master_address(bad));
    bad.elements[1] = bulk("0");
    EXPECT_FALSE(parse_sentinel_master_address(bad));
    bad = ok;
    bad.elements.push_back(bulk("extra"));
    EXPECT_FALSE(parse_sentinel_master_address(bad));
    bad = ok;
    bad.elements[0] = bulk("");
    EXPECT_FALSE(parse_sentinel_master_address(bad));
}

TEST(AsyncRedisOptions, RejectsBadOptions) {
    asio::io_context ioc;
    RedisOptions o;
    o.command_timeout = 0ms;
    EXPECT_THROW(AsyncRedis(ioc, o), std::invalid_argument);
    o = RedisOptions{};
    o.sentinels = {{"127.0.0.1", 26379}};
    EXPECT_THROW(AsyncRedis(ioc, o), std::invalid_argument);  // no master name
    EXPECT_THROW(RedisPool{o}, std::invalid_argument);
}

// ---- against a real redis-server ----

struct Result {
    bool done = false;
    error_code ec;
    RedisReply reply;
};

// The test thread is the loop's one thread: it runs the io_context in slices until a condition holds.
class Loop {
public:
    Loop() : guard_(asio::make_work_guard(ioc)) {}
    template <typename Condition>
    bool run_until(Condition condition, std::chrono::milliseconds timeout) {
        auto deadline = Clock::now() + timeout;
        while (!condition()) {
            if (Clock::now() >= deadline) return false;
            ioc.run_for(5ms);
        }
        return true;
    }
    void run_for(std::chrono::milliseconds d) { ioc.run_for(d); }

    asio::io_context ioc;

private:
    asio::executor_work_guard<asio::io_context::executor_type> guard_;
};

AsyncRedis::Handler into(std::shared_ptr<Result> result) {
    return [result](error_code ec, RedisReply reply) {
        result->done = true;
        result->ec = ec;
        result->reply = std::move(reply);
    };
}

Result call(Loop& loop, AsyncRedis& redis, std::vector<std::string> args, std::chrono::milliseconds timeout = 5s) {
    auto result = std::make_shared<Result>();
    redis.command(std::move(args), into(result));
    if (!loop.run_until([&] { return result->done; }, timeout)) ADD_FAILURE() << "no completion in time";
    return *result;
}

Result eval(Loop& loop, AsyncRedis& redis, const std::string& script, std::vector<std::string> keys,
            std::vector<std::string> args) {
    auto result = std::make_shared<Result>();
    redis.eval(script, std::move(keys), std::move(args), into(result));
    if (!loop.run_until([&] { return result->done; }, 5s)) ADD_FAILURE() << "no completion in time";
    return *result;
}

RedisOptions options_for(const RedisServer& server, std::chrono::milliseconds command_timeout = 2000ms) {
    RedisOptions options = parse_redis_url(server.url());
    options.command_timeout = command_timeout;
    options.connect_timeout = 500ms;
    return options;
}

class AsyncRedisTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() { server_ = new RedisServer(); }
    static void TearDownTestSuite() {
        delete server_;
        server_ = nullptr;
    }
    void SetUp() override {
        redis_ = std::make_unique<AsyncRedis>(loop_.ioc, options_for(*server_));
        redis_->start();
        ASSERT_TRUE(loop_.run_until([&] { return redis_->connected(); }, 5s));
        ASSERT_EQ(call(loop_, *redis_, {"FLUSHALL"}).reply.str, "OK");
    }

    static RedisServer* server_;
    Loop loop_;
    std::unique_ptr<AsyncRedis> redis_;
};
RedisServer* AsyncRedisTest::server_ = nullptr;

TEST_F(AsyncRedisTest, ReplyTypes) {
    Result set = call(loop_, *redis_, {"SET", "greeting", "สวัสดี"});
    EXPECT_FALSE(set.ec);
    EXPECT_EQ(set.reply.type, Type::status);
    EXPECT_EQ(set.reply.str, "OK");

    const std::string binary("a\0b\r\n\xff\0", 7);
    call(loop_, *redis_, {"SET", "bin", binary});
    Result get = call(loop_, *redis_, {"GET", "bin"});
    EXPECT_EQ(get.reply.type, Type::string);
    EXPECT_EQ(get.reply.str, binary);

    Result incr = call(loop_, *redis_, {"INCRBY", "counter", "-42"});
    EXPECT_EQ(incr.reply.type, Type::integer);
    EXPECT_EQ(incr.reply.integer, -42);

    EXPECT_EQ(call(loop_, *redis_, {"GET", "missing"}).reply.type, Type::nil);

    call(loop_, *redis_, {"RPUSH", "list", "a", "", "c"});
    Result range = call(loop_, *redis_, {"LRANGE", "list", "0", "-1"});
    ASSERT_EQ(range.reply.type, Type::array);
    ASSERT_EQ(range.reply.elements.size(), 3u);
    EXPECT_EQ(range.reply.elements[0].str, "a");
    EXPECT_EQ(range.reply.elements[1].str, "");
    EXPECT_EQ(range.reply.elements[2].str, "c");
    Result none = call(loop_, *redis_, {"LRANGE", "nolist", "0", "-1"});
    EXPECT_EQ(none.reply.type, Type::array);
    EXPECT_TRUE(none.reply.elements.empty());

    Result mget = call(loop_, *redis_, {"MGET", "nothing", "counter"});
    ASSERT_EQ(mget.reply.elements.size(), 2u);
    EXPECT_TRUE(mget.reply.elements[0].is_nil());
    EXPECT_EQ(mget.reply.elements[1].str, "-42");

    // An error reply reached Redis: success error_code, Type::error, and the connection stays usable.
    Result wrongtype = call(loop_, *redis_, {"INCR", "list"});
    EXPECT_FALSE(wrongtype.ec);
    EXPECT_TRUE(wrongtype.reply.is_error());
    EXPECT_EQ(classify_error(wrongtype.reply), RedisErrorKind::wrongtype) << wrongtype.reply.str;
    Result unknown = call(loop_, *redis_, {"NOSUCHCOMMAND"});
    EXPECT_EQ(classify_error(unknown.reply), RedisErrorKind::other);
    EXPECT_EQ(call(loop_, *redis_, {"GET", "counter"}).reply.str, "-42");
    EXPECT_TRUE(redis_->connected());
}

TEST_F(AsyncRedisTest, NestedArrays) {
    Result r = eval(loop_, *redis_, "return {1, 'two', {3, {false, 'deep'}}, {}}", {}, {});
    EXPECT_FALSE(r.ec);
    ASSERT_EQ(r.reply.type, Type::array);
    ASSERT_EQ(r.reply.elements.size(), 4u);
    EXPECT_EQ(r.reply.elements[0].integer, 1);
    EXPECT_EQ(r.reply.elements[1].str, "two");
    const RedisReply& inner = r.reply.elements[2];
    ASSERT_EQ(inner.type, Type::array);
    ASSERT_EQ(inner.elements.size(), 2u);
    EXPECT_EQ(inner.elements[0].integer, 3);
    ASSERT_EQ(inner.elements[1].elements.size(), 2u);
    EXPECT_TRUE(inner.elements[1].elements[0].is_nil());  // Lua false is a nil reply
    EXPECT_EQ(inner.elements[1].elements[1].str, "deep");
    EXPECT_EQ(r.reply.elements[3].type, Type::array);
    EXPECT_TRUE(r.reply.elements[3].elements.empty());
}

TEST_F(AsyncRedisTest, ThousandCommandsInOneTurnArePipelinedInOrder) {
    const auto writes_before = redis_->writes();
    const auto sent_before = redis_->commands_sent();
    constexpr int kCount = 1000;
    std::vector<long long> answers;
    answers.reserve(kCount);
    int failures = 0;
    for (int i = 0; i < kCount; ++i) {  // all issued before the loop runs: one turn
        redis_->command({"INCR", "seq"}, [&](error_code ec, RedisReply reply) {
            if (ec || reply.type != Type::integer) ++failures;
            answers.push_back(reply.integer);
        });
    }
    EXPECT_TRUE(answers.empty());  // never completed inline
    ASSERT_TRUE(loop_.run_until([&] { return answers.size() == kCount; }, 10s)) << answers.size();
    EXPECT_EQ(failures, 0);
    for (int i = 0; i < kCount; ++i) ASSERT_EQ(answers[i], i + 1) << "reply " << i << " out of order";
    EXPECT_EQ(redis_->commands_sent() - sent_before, static_cast<std::uint64_t>(kCount));
    EXPECT_LE(redis_->writes() - writes_before, 3u);
    EXPECT_GE(redis_->writes() - writes_before, 1u);
    std::cout << "[ pipeline ] " << kCount << " commands left in " << redis_->writes() - writes_before << " write(s)\n";
}

TEST_F(AsyncRedisTest, CommandsIssuedWhileAWriteIsInFlightFollowInTheNextWrite) {
    // Issue in several turns; each completion issues the next batch while the loop runs.
    int done = 0;
    std::function<void(int)> batch = [&](int left) {
        if (left == 0) return;
        for (int i = 0; i < 50; ++i) {
            redis_->command({"INCR", "n"}, [&, left, i](error_code ec, RedisReply) {
                ++done;
                if (i == 49) batch(left - 1);
            });
        }
    };
    const auto writes_before = redis_->writes();
    batch(4);
    ASSERT_TRUE(loop_.run_until([&] { return done == 200; }, 10s));
    EXPECT_LE(redis_->writes() - writes_before, 8u);
    EXPECT_EQ(call(loop_, *redis_, {"GET", "n"}).reply.str, "200");
}

TEST_F(AsyncRedisTest, EvalReloadsTheScriptAfterScriptFlush) {
    const std::string script = "return redis.call('INCRBY', KEYS[1], ARGV[1])";
    Result first = eval(loop_, *redis_, script, {"k"}, {"5"});
    EXPECT_FALSE(first.ec);
    EXPECT_EQ(first.reply.integer, 5);

    ASSERT_EQ(call(loop_, *redis_, {"SCRIPT", "FLUSH"}).reply.str, "OK");
    const auto sent_before = redis_->commands_sent();
    Result second = eval(loop_, *redis_, script, {"k"}, {"2"});
    EXPECT_FALSE(second.ec);
    ASSERT_EQ(second.reply.type, Type::integer) << second.reply.str;  // never NOSCRIPT
    EXPECT_EQ(second.reply.integer, 7);
    EXPECT_EQ(redis_->commands_sent() - sent_before, 3u);  // EVALSHA, SCRIPT LOAD, EVALSHA

    // Loaded again: the next call is one EVALSHA.
    const auto sent_after = redis_->commands_sent();
    EXPECT_EQ(eval(loop_, *redis_, script, {"k"}, {"1"}).reply.integer, 8);
    EXPECT_EQ(redis_->commands_sent() - sent_after, 1u);

    // A script error is the caller's to see, as an error reply.
    Result broken = eval(loop_, *redis_, "return redis.call('INCR')", {}, {});
    EXPECT_FALSE(broken.ec);
    EXPECT_TRUE(broken.reply.is_error());
}

TEST_F(AsyncRedisTest, AwaitableTokens) {
    std::optional<RedisReply> set;
    std::optional<RedisReply> evaluated;
    std::string script = "return ARGV[1] .. redis.call('GET', KEYS[1])";
    asio::co_spawn(
        loop_.ioc,
        [&]() -> asio::awaitable<void> {
            std::vector<std::string> set_args{"SET", "co", "routine"};
            set = co_await redis_->async_command(std::move(set_args), asio::use_awaitable);
            std::vector<std::string> keys{"co"};
            std::vector<std::string> args{"a "};
            error_code ec;
            evaluated = co_await redis_->async_eval(script, std::move(keys), std::move(args),
                                                    asio::redirect_error(asio::use_awaitable, ec));
            EXPECT_FALSE(ec);
        },
        asio::detached);
    ASSERT_TRUE(loop_.run_until([&] { return evaluated.has_value(); }, 5s));
    EXPECT_EQ(set->str, "OK");
    EXPECT_EQ(evaluated->str, "a routine");
}

TEST_F(AsyncRedisTest, StopFailsPendingAndLaterCommands) {
    auto pending = std::make_shared<Result>();
    redis_->command({"BLPOP", "never", "0"}, into(pending));
    loop_.run_for(50ms);
    EXPECT_FALSE(pending->done);
    redis_->stop();
    EXPECT_FALSE(pending->done);  // posted, not inline
    ASSERT_TRUE(loop_.run_until([&] { return pending->done; }, 1s));
    EXPECT_EQ(pending->ec, make_error_code(RedisErrc::stopped));
    EXPECT_FALSE(redis_->connected());
    EXPECT_EQ(call(loop_, *redis_, {"PING"}).ec, make_error_code(RedisErrc::stopped));
    EXPECT_EQ(pending->ec.category().name(), std::string("redis"));
}

TEST(AsyncRedisFailure, NotConnectedFailsAtOnceAndNeverInline) {
    Loop loop;
    RedisOptions o;
    o.port = testing::free_loopback_port();  // nobody listens
    o.connect_timeout = 200ms;
    AsyncRedis redis(loop.ioc, o);
    auto before_start = std::make_shared<Result>();
    redis.command({"PING"}, into(before_start));
    EXPECT_FALSE(before_start->done);
    loop.run_until([&] { return before_start->done; }, 1s);
    EXPECT_EQ(before_start->ec, make_error_code(RedisErrc::disconnected));

    redis.start();
    loop.run_for(300ms);  // a few failed attempts with backoff
    EXPECT_FALSE(redis.connected());
    auto start = Clock::now();
    Result r = call(loop, redis, {"PING"});
    EXPECT_EQ(r.ec, make_error_code(RedisErrc::disconnected));
    EXPECT_LT(Clock::now() - start, 100ms);
}

TEST(AsyncRedisFailure, DeadlineFailsPendingThenReconnects) {
    RedisServer server;
    Loop loop;
    AsyncRedis redis(loop.ioc, options_for(server, 200ms));
    redis.start();
    ASSERT_TRUE(loop.run_until([&] { return redis.connected(); }, 5s));
    ASSERT_EQ(call(loop, redis, {"SET", "k", "v"}).reply.str, "OK");

    auto sleep = std::make_shared<Result>();
    auto behind = std::make_shared<Result>();
    auto start = Clock::now();
    redis.command({"DEBUG", "SLEEP", "1"}, into(sleep));
    redis.command({"GET", "k"}, into(behind));  // queued behind the sleeper: fails with it
    ASSERT_TRUE(loop.run_until([&] { return sleep->done && behind->done; }, 3s));
    auto elapsed = Clock::now() - start;
    EXPECT_EQ(sleep->ec, make_error_code(RedisErrc::timeout));
    EXPECT_EQ(behind->ec, make_error_code(RedisErrc::timeout));
    EXPECT_GE(elapsed, 150ms);
    EXPECT_LT(elapsed, 700ms);

    // Once the server wakes up the client is back by itself, and the late "+OK" of DEBUG SLEEP
    // answers nobody: GET still gets its own value.
    ASSERT_TRUE(loop.run_until([&] { return redis.connected(); }, 5s));
    for (int i = 0; i < 5; ++i) {
        Result get = call(loop, redis, {"GET", "k"});
        EXPECT_FALSE(get.ec);
        EXPECT_EQ(get.reply.type, Type::string);
        EXPECT_EQ(get.reply.str, "v");
    }
    EXPECT_GE(redis.reconnects(), 1u);
}

TEST(AsyncRedisFailure, RedisStoppedFailsAtOnceAndRestartedIsBackByItself) {
    RedisServer server;
    Loop loop;
    AsyncRedis redis(loop.ioc, options_for(server));
    redis.start();
    ASSERT_TRUE(loop.run_until([&] { return redis.connected(); }, 5s));
    ASSERT_EQ(call(loop, redis, {"SET", "kept", "yes"}).reply.str, "OK");

    auto blocked = std::make_shared<Result>();
    redis.command({"BLPOP", "nothing", "0"}, into(blocked));
    loop.run_for(50ms);
    server.kill9();
    ASSERT_TRUE(loop.run_until([&] { return blocked->done; }, 2s));
    EXPECT_EQ(blocked->ec, make_error_code(RedisErrc::disconnected));
    EXPECT_FALSE(redis.connected());

    // While it is down: fails at once, no queueing.
    for (int i = 0; i < 3; ++i) {
        auto start = Clock::now();
        Result r = call(loop, redis, {"GET", "kept"});
        EXPECT_EQ(r.ec, make_error_code(RedisErrc::disconnected));
        EXPECT_LT(Clock::now() - start, 100ms);
        loop.run_for(100ms);
    }

    server.start();
    ASSERT_TRUE(loop.run_until([&] { return redis.connected(); }, 5s));  // backoff is at most 2 s
    Result again = call(loop, redis, {"PING"});
    EXPECT_FALSE(again.ec);
    EXPECT_EQ(again.reply.str, "PONG");
    EXPECT_GE(redis.reconnects(), 1u);
}

TEST(AsyncRedisFailure, AuthWithPasswordAndDb) {
    RedisServer server(RedisServerOptions{.extra_args = {"--requirepass", "right-one"}});
    Loop loop;
    RedisOptions wrong = options_for(server);
    wrong.password = "wrong-one";
    AsyncRedis refused(loop.ioc, wrong);
    refused.start();

    RedisOptions good = parse_redis_url("redis://:right-one@127.0.0.1:" + std::to_string(server.port()) + "/4");
    AsyncRedis redis(loop.ioc, good);
    redis.start();
    ASSERT_TRUE(loop.run_until([&] { return redis.connected(); }, 5s));
    EXPECT_EQ(call(loop, redis, {"SET", "in-db-4", "x"}).reply.str, "OK");
    EXPECT_NE(call(loop, redis, {"CLIENT", "INFO"}).reply.str.find("db=4"), std::string::npos);

    loop.run_for(300ms);
    EXPECT_FALSE(refused.connected());
    EXPECT_EQ(call(loop, refused, {"PING"}).ec, make_error_code(RedisErrc::disconnected));
}

TEST(AsyncRedisFailure, UnixSocketAndDbSelection) {
    RedisServer server;
    Loop loop;
    RedisOptions o = parse_redis_url("unix://" + server.unix_socket() + "?db=2");
    AsyncRedis redis(loop.ioc, o);
    redis.start();
    ASSERT_TRUE(loop.run_until([&] { return redis.connected(); }, 5s));
    EXPECT_EQ(call(loop, redis, {"SET", "via", "socket"}).reply.str, "OK");
    Result info = call(loop, redis, {"CLIENT", "INFO"});
    EXPECT_NE(info.reply.str.find("db=2"), std::string::npos) << info.reply.str;

    // The same key is in db 2 and not in db 0.
    RedisPool pool(parse_redis_url(server.url()));
    EXPECT_TRUE(pool.command({"GET", "via"}).is_nil());
}

TEST(AsyncRedisFailure, RealErrorKindsAndReadonlyMakesItReconnect) {
    RedisServer master;
    RedisServer replica(RedisServerOptions{.extra_args = {"--replicaof", "127.0.0.1", std::to_string(master.port())}});
    Loop loop;
    AsyncRedis on_master(loop.ioc, options_for(master));
    AsyncRedis on_replica(loop.ioc, options_for(replica));
    on_master.start();
    on_replica.start();
    ASSERT_TRUE(loop.run_until([&] { return on_master.connected() && on_replica.connected(); }, 5s));

    Result noscript = call(loop, on_master, {"EVALSHA", std::string(40, '0'), "0"});
    EXPECT_EQ(classify_error(noscript.reply), RedisErrorKind::noscript) << noscript.reply.str;

    call(loop, on_master, {"RPUSH", "a-list", "x"});
    Result wrongtype = call(loop, on_master, {"INCR", "a-list"});
    EXPECT_EQ(classify_error(wrongtype.reply), RedisErrorKind::wrongtype) << wrongtype.reply.str;

    ASSERT_EQ(call(loop, on_master, {"CONFIG", "SET", "maxmemory", "1"}).reply.str, "OK");
    Result oom = call(loop, on_master, {"SET", "big", "value"});
    EXPECT_EQ(classify_error(oom.reply), RedisErrorKind::oom) << oom.reply.str;
    ASSERT_EQ(call(loop, on_master, {"CONFIG", "SET", "maxmemory", "0"}).reply.str, "OK");

    // A write to a replica: READONLY comes back as a reply, and the client drops the link and reconnects.
    Result readonly = call(loop, on_replica, {"SET", "k", "v"});
    EXPECT_FALSE(readonly.ec);
    EXPECT_EQ(classify_error(readonly.reply), RedisErrorKind::readonly) << readonly.reply.str;
    ASSERT_TRUE(loop.run_until([&] { return on_replica.reconnects() >= 1 && on_replica.connected(); }, 5s));
    EXPECT_EQ(call(loop, on_replica, {"PING"}).reply.str, "PONG");
}

// ---- Sentinel: a master, a replica, three sentinels; SIGKILL the master ----

bool async_set_works(Loop& loop, AsyncRedis& redis, const std::string& key) {
    Result r = call(loop, redis, {"SET", key, "v"}, 2s);
    return !r.ec && r.reply.type == Type::status && r.reply.str == "OK";
}

bool pool_set_works(RedisPool& pool, const std::string& key) {
    try {
        RedisReply r = pool.command({"SET", key, "v"});
        return r.type == Type::status && r.str == "OK";
    } catch (const RedisUnavailable&) {
        return false;
    }
}

int role_port(RedisPool& pool) {
    // The port the pool's connection talks to, from the server's own view.
    RedisReply info = pool.command({"CONFIG", "GET", "port"});
    return info.elements.size() == 2 ? std::stoi(info.elements[1].str) : -1;
}

TEST(Sentinel, BothClientsFollowAFailover) {
    RedisServer master(RedisServerOptions{.appendonly = false, .extra_args = {}});
    RedisServer replica(RedisServerOptions{
        .appendonly = false,
        .extra_args = {"--replicaof", "127.0.0.1", std::to_string(master.port())},
    });
    // The sentinels find the replica in the master's INFO: let it attach first.
    {
        RedisPool probe(parse_redis_url(master.url()));
        ASSERT_TRUE(testing::wait_until(
            [&] {
                RedisReply info = probe.command({"INFO", "replication"});
                return info.str.find("connected_slaves:1") != std::string::npos;
            },
            10s));
    }
    std::vector<std::unique_ptr<RedisSentinel>> sentinels;
    for (int i = 0; i < 3; ++i) {
        sentinels.push_back(std::make_unique<RedisSentinel>(RedisSentinelOptions{.master_port = master.port()}));
    }
    for (auto& s : sentinels) {
        ASSERT_TRUE(s->wait_until_knows(2, 1, 20s))
            << "sentinels " << s->known_sentinels() << ", replicas " << s->known_replicas() << "\n"
            << s->output();
    }

    RedisOptions options;
    options.sentinel_master = "m";
    for (auto& s : sentinels) options.sentinels.emplace_back("127.0.0.1", s->port());
    options.connect_timeout = 300ms;
    options.command_timeout = 500ms;
    options.pool_size = 2;

    Loop loop;
    AsyncRedis redis(loop.ioc, options);
    redis.start();
    ASSERT_TRUE(loop.run_until([&] { return redis.connected(); }, 5s));
    ASSERT_TRUE(async_set_works(loop, redis, "before-async"));
    RedisPool pool(options);
    ASSERT_TRUE(pool_set_works(pool, "before-pool"));
    EXPECT_EQ(role_port(pool), master.port());
    EXPECT_NE(pool.endpoint().find("sentinel:m@"), std::string::npos);

    const auto killed_at = Clock::now();
    master.kill9();

    bool async_back = false;
    bool pool_back = false;
    const auto deadline = killed_at + 15s;
    while ((!async_back || !pool_back) && Clock::now() < deadline) {
        if (!async_back) async_back = async_set_works(loop, redis, "after-async");
        if (!pool_back) pool_back = pool_set_works(pool, "after-pool");
        loop.run_for(100ms);
    }
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - killed_at);
    ASSERT_TRUE(async_back) << "AsyncRedis did not follow the failover in 15 s\n" << sentinels[0]->output();
    ASSERT_TRUE(pool_back) << "RedisPool did not follow the failover in 15 s\n" << sentinels[0]->output();
    EXPECT_LT(took, 12s);
    std::cout << "[ failover ] both clients wrote to the promoted replica " << took.count() << " ms after SIGKILL\n";

    EXPECT_EQ(role_port(pool), replica.port());
    auto address = sentinels[0]->master_address();
    ASSERT_TRUE(address);
    EXPECT_EQ(address->second, replica.port());
    RedisPool direct(parse_redis_url(replica.url()));
    EXPECT_EQ(direct.command({"GET", "after-async"}).str, "v");
    EXPECT_EQ(direct.command({"GET", "after-pool"}).str, "v");
    EXPECT_GE(redis.reconnects(), 1u);
}

}  // namespace
}  // namespace thesaban::store
