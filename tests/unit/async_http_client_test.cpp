#include "line/async_http_client.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/loopback_server.h"

namespace thesaban::line {
namespace {

using namespace std::chrono_literals;
using thesaban::testing::LoopbackServer;
using thesaban::testing::TestTls;
using Clock = std::chrono::steady_clock;
namespace net = boost::asio;

HttpRequest get(std::string url) { return HttpRequest{"GET", std::move(url), {}, {}}; }

// One event loop on the test's thread, as the runtime runs one a core.
class AsyncHttp : public ::testing::Test {
protected:
    // Sends and runs the loop until this call (and anything else pending) is done.
    HttpResponse call(AsyncHttpClient& client, HttpRequest request, std::chrono::milliseconds timeout = 2s) {
        std::optional<HttpResponse> result;
        client.send(std::move(request), timeout, [&](HttpResponse r) { result = std::move(r); });
        EXPECT_FALSE(result) << "completed inside send()";
        run();
        EXPECT_TRUE(result) << "never completed";
        return result.value_or(HttpResponse{});
    }

    void run(std::chrono::milliseconds limit = 10s) {
        ioc.restart();
        ioc.run_for(limit);
    }

    net::io_context ioc;
};

TEST_F(AsyncHttp, GetAndPostWithHeadersAndBodyOnOneKeptAliveConnection) {
    LoopbackServer server(LoopbackServer::Mode::answer);
    AsyncHttpClient client(ioc, {});
    HttpResponse first = call(client, HttpRequest{"GET", server.url("/a?x=1"), {{"X-Test", "yes"}}, {}});
    EXPECT_EQ(first.status, 200) << first.error;
    EXPECT_EQ(first.body, "hello 1");
    EXPECT_EQ(first.header("x-line-request-id"), "r1");
    EXPECT_EQ(first.header("CONTENT-TYPE"), "text/plain");
    EXPECT_NE(server.last_head().find("GET /a?x=1 HTTP/1.1"), std::string::npos) << server.last_head();
    EXPECT_NE(server.last_head().find("X-Test: yes"), std::string::npos) << server.last_head();
    EXPECT_EQ(client.idle_connections(), 1u);
    EXPECT_EQ(client.open_connections(), 1u);

    HttpRequest post{"POST", server.url("/b"), {{"Content-Type", "application/json"}}, R"({"k":"ไทย"})"};
    HttpResponse second = call(client, post);
    EXPECT_EQ(second.status, 200) << second.error;
    EXPECT_EQ(second.body, "hello 2");
    EXPECT_EQ(server.last_body(), R"({"k":"ไทย"})");
    EXPECT_NE(server.last_head().find("application/json"), std::string::npos);
    EXPECT_EQ(server.accepted.load(), 1);
    EXPECT_EQ(server.requests.load(), 2);
    EXPECT_EQ(client.idle_connections(), 1u);
}

TEST_F(AsyncHttp, AsyncSendTakesACompletionToken) {
    LoopbackServer server(LoopbackServer::Mode::answer);
    AsyncHttpClient client(ioc, {});
    std::vector<HttpResponse> results;
    net::co_spawn(
        ioc,
        [&]() -> net::awaitable<void> {
            results.push_back(co_await client.async_send(get(server.url("/1")), 2s, net::use_awaitable));
            results.push_back(co_await client.async_send(get(server.url("/2")), 2s, net::use_awaitable));
        },
        net::detached);
    run();
    ASSERT_EQ(results.size(), 2u);
    EXPECT_EQ(results[0].body, "hello 1");
    EXPECT_EQ(results[1].body, "hello 2");
    EXPECT_EQ(server.accepted.load(), 1);
}

TEST_F(AsyncHttp, RespectsConnectionCloseAndHttp10) {
    for (auto mode : {LoopbackServer::Mode::close_after_answer, LoopbackServer::Mode::http10}) {
        LoopbackServer server(mode);
        AsyncHttpClient client(ioc, {});
        EXPECT_EQ(call(client, get(server.url())).status, 200);
        EXPECT_EQ(client.idle_connections(), 0u);
        EXPECT_EQ(client.open_connections(), 0u);
        HttpResponse second = call(client, get(server.url()));
        EXPECT_EQ(second.status, 200) << second.error;
        EXPECT_EQ(server.accepted.load(), 2);
    }
}

TEST_F(AsyncHttp, ResolvesLocalhost) {
    LoopbackServer server(LoopbackServer::Mode::answer);
    AsyncHttpClient client(ioc, {});
    HttpResponse r = call(client, get(server.url("/", "localhost")));
    EXPECT_EQ(r.status, 200) << r.error;
}

TEST_F(AsyncHttp, RetriesOnceWhenAReusedConnectionIsDropped) {
    LoopbackServer server(LoopbackServer::Mode::drop_second_request);
    AsyncHttpClient client(ioc, {});
    EXPECT_EQ(call(client, get(server.url())).status, 200);
    HttpResponse r = call(client, get(server.url()));
    EXPECT_EQ(r.status, 200) << r.error;
    EXPECT_EQ(server.accepted.load(), 2);
    EXPECT_EQ(server.requests.load(), 2);
    EXPECT_EQ(client.open_connections(), 1u);
}

TEST_F(AsyncHttp, ConcurrentCallsToOneOriginRunInParallel) {
    LoopbackServer server(LoopbackServer::Mode::answer, 200ms);
    AsyncHttpClient client(ioc, {});
    std::vector<HttpResponse> results;
    auto start = Clock::now();
    for (int i = 0; i < 10; ++i) {
        client.send(get(server.url()), 3s, [&](HttpResponse r) { results.push_back(std::move(r)); });
    }
    run();
    auto elapsed = Clock::now() - start;
    ASSERT_EQ(results.size(), 10u);
    for (const auto& r : results) EXPECT_EQ(r.status, 200) << r.error;
    EXPECT_LT(elapsed, 1s);  // one after another would take 2 s
    EXPECT_EQ(server.max_concurrent.load(), 10);
    EXPECT_EQ(server.accepted.load(), 10);
    EXPECT_EQ(client.idle_connections(), HttpClientOptions{}.max_idle_per_origin);  // the rest closed
    EXPECT_EQ(client.open_connections(), client.idle_connections());
}

TEST_F(AsyncHttp, CapsConnectionsPerOriginAndQueuesTheRestInOrder) {
    LoopbackServer server(LoopbackServer::Mode::answer, 200ms);
    HttpClientOptions options;
    options.max_connections_per_origin = 3;
    AsyncHttpClient client(ioc, options);
    std::vector<int> order;
    std::size_t most_open = 0;
    auto start = Clock::now();
    for (int i = 0; i < 9; ++i) {
        client.send(get(server.url()), 3s, [&, i](HttpResponse r) {
            EXPECT_EQ(r.status, 200) << r.error;
            order.push_back(i);
            most_open = std::max(most_open, client.open_connections());
        });
    }
    run();
    auto elapsed = Clock::now() - start;
    ASSERT_EQ(order.size(), 9u);
    EXPECT_EQ(server.max_concurrent.load(), 3);
    EXPECT_EQ(server.accepted.load(), 3);  // the queued calls reuse the three connections
    EXPECT_LE(most_open, 3u);
    EXPECT_GE(elapsed, 550ms);  // three rounds of 200 ms
    EXPECT_LT(elapsed, 1500ms);
    EXPECT_LT(std::find(order.begin(), order.end(), 3) - order.begin(),
              std::find(order.begin(), order.end(), 8) - order.begin());  // FIFO: 3 was queued before 8
}

TEST_F(AsyncHttp, AQueuedCallGivesUpAtItsOwnDeadline) {
    LoopbackServer server(LoopbackServer::Mode::answer, 400ms);
    HttpClientOptions options;
    options.max_connections_per_origin = 1;
    AsyncHttpClient client(ioc, options);
    std::optional<HttpResponse> first, second;
    Clock::time_point second_done;
    auto start = Clock::now();
    client.send(get(server.url()), 2s, [&](HttpResponse r) { first = std::move(r); });
    client.send(get(server.url()), 100ms, [&](HttpResponse r) {
        second = std::move(r);
        second_done = Clock::now();
    });
    run();
    ASSERT_TRUE(first && second);
    EXPECT_EQ(first->status, 200) << first->error;
    EXPECT_EQ(second->status, 0);
    EXPECT_NE(second->error.find("timeout"), std::string::npos) << second->error;
    EXPECT_FALSE(second->permanent);
    EXPECT_GE(second_done - start, 90ms);
    EXPECT_LT(second_done - start, 350ms);
    EXPECT_EQ(server.requests.load(), 1);
}

TEST_F(AsyncHttp, ASilentServerTimesOutWithoutBlockingTheLoop) {
    LoopbackServer silent(LoopbackServer::Mode::silent);
    LoopbackServer answering(LoopbackServer::Mode::answer);
    AsyncHttpClient client(ioc, {});
    auto start = Clock::now();
    std::optional<HttpResponse> stuck;
    Clock::time_point stuck_done;
    client.send(get(silent.url()), 500ms, [&](HttpResponse r) {
        stuck = std::move(r);
        stuck_done = Clock::now();
    });
    // Meanwhile three calls one after another to the other server, each started by the previous one's completion.
    std::vector<Clock::time_point> answered;
    std::function<void(HttpResponse)> next = [&](HttpResponse r) {
        EXPECT_EQ(r.status, 200) << r.error;
        answered.push_back(Clock::now());
        if (answered.size() < 3) client.send(get(answering.url()), 2s, next);
    };
    client.send(get(answering.url()), 2s, next);
    run();
    ASSERT_TRUE(stuck);
    EXPECT_EQ(stuck->status, 0);
    EXPECT_NE(stuck->error.find("timeout"), std::string::npos) << stuck->error;
    EXPECT_FALSE(stuck->permanent);
    EXPECT_GE(stuck_done - start, 450ms);
    EXPECT_LT(stuck_done - start, 2s);
    ASSERT_EQ(answered.size(), 3u);
    EXPECT_LT(answered.back(), stuck_done);
    EXPECT_LT(answered.back() - start, 400ms);
    EXPECT_EQ(client.open_connections(), 1u);  // the timed-out connection is closed, not pooled
    EXPECT_EQ(client.idle_connections(), 1u);
}

TEST_F(AsyncHttp, EnforcesTheResponseBodyLimit) {
    LoopbackServer server(LoopbackServer::Mode::big_body);
    AsyncHttpClient client(ioc, {});
    HttpRequest request = get(server.url());
    request.max_response_body = 100;
    HttpResponse r = call(client, request);
    EXPECT_EQ(r.status, 0);
    EXPECT_TRUE(r.permanent);
    EXPECT_TRUE(r.body.empty());
    EXPECT_NE(r.error.find("larger than 100"), std::string::npos) << r.error;
    EXPECT_EQ(client.open_connections(), 0u);
    request.max_response_body = 0;  // the client's default allows it
    EXPECT_EQ(call(client, request).status, 200);

    HttpClientOptions small;
    small.max_response_body = 10;
    AsyncHttpClient strict(ioc, small);
    EXPECT_TRUE(call(strict, request).permanent);
}

TEST_F(AsyncHttp, RefusesPlainHttpToNonLoopbackHostsAndBadRequests) {
    AsyncHttpClient client(ioc, {});
    for (const char* url : {"http://api.line.me/v2/bot/info", "http://10.0.0.1/", "http://128.0.0.1:8080/"}) {
        HttpResponse r = call(client, get(url), 1s);
        EXPECT_EQ(r.status, 0) << url;
        EXPECT_NE(r.error.find("refused"), std::string::npos) << r.error;
        EXPECT_TRUE(r.permanent);
    }
    EXPECT_TRUE(call(client, get("ftp://127.0.0.1/")).permanent);
    EXPECT_TRUE(call(client, HttpRequest{"GET", "http://127.0.0.1:1/", {{"X-Bad", "a\r\nb"}}, {}}).permanent);
    EXPECT_EQ(client.open_connections(), 0u);
}

TEST_F(AsyncHttp, VerifiesTheServerCertificateAndName) {
    TestTls tls("localhost");
    LoopbackServer server(LoopbackServer::Mode::answer, {}, &tls);
    HttpClientOptions options;
    options.ca_file = tls.ca_file();
    AsyncHttpClient client(ioc, options);
    HttpResponse ok = call(client, get(server.url("/", "localhost")));
    EXPECT_EQ(ok.status, 200) << ok.error;
    HttpResponse again = call(client, get(server.url("/", "localhost")));
    EXPECT_EQ(again.body, "hello 2") << again.error;
    EXPECT_EQ(server.accepted.load(), 1);

    HttpResponse wrong_name = call(client, get(server.url("/", "127.0.0.1")));  // certificate names localhost only
    EXPECT_EQ(wrong_name.status, 0);
    EXPECT_NE(wrong_name.error.find("TLS"), std::string::npos) << wrong_name.error;

    AsyncHttpClient untrusting(ioc, {});  // system CAs only
    HttpResponse untrusted = call(untrusting, get(server.url("/", "localhost")));
    EXPECT_EQ(untrusted.status, 0);
    EXPECT_NE(untrusted.error.find("TLS"), std::string::npos) << untrusted.error;
    EXPECT_EQ(untrusting.open_connections(), 0u);
}

TEST_F(AsyncHttp, HttpsFailsCleanlyAgainstAPlainServer) {
    LoopbackServer server(LoopbackServer::Mode::answer);
    AsyncHttpClient client(ioc, {});
    HttpResponse r = call(client, get("https://127.0.0.1:" + std::to_string(server.port) + "/"), 500ms);
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.error.find("TLS"), std::string::npos) << r.error;
}

TEST_F(AsyncHttp, StopEndsCallsInFlightAndRefusesNewOnes) {
    LoopbackServer silent(LoopbackServer::Mode::silent);
    LoopbackServer answering(LoopbackServer::Mode::answer);
    HttpClientOptions options;
    options.max_connections_per_origin = 1;
    AsyncHttpClient client(ioc, options);
    EXPECT_EQ(call(client, get(answering.url())).status, 200);
    EXPECT_EQ(client.idle_connections(), 1u);

    std::vector<HttpResponse> results;
    auto start = Clock::now();
    client.send(get(silent.url()), 5s, [&](HttpResponse r) { results.push_back(std::move(r)); });  // in flight
    client.send(get(silent.url()), 5s, [&](HttpResponse r) { results.push_back(std::move(r)); });  // queued
    net::steady_timer timer(ioc);
    timer.expires_after(100ms);
    timer.async_wait([&](boost::system::error_code) { client.stop(); });
    run();
    EXPECT_LT(Clock::now() - start, 1s);
    ASSERT_EQ(results.size(), 2u);
    for (const auto& r : results) {
        EXPECT_EQ(r.status, 0);
        EXPECT_NE(r.error.find("stopped"), std::string::npos) << r.error;
    }
    EXPECT_EQ(client.idle_connections(), 0u);
    EXPECT_EQ(client.open_connections(), 0u);
    EXPECT_EQ(call(client, get(answering.url())).status, 0);
}

TEST_F(AsyncHttp, CallsInFlightCompleteWhenTheClientIsDestroyed) {
    LoopbackServer silent(LoopbackServer::Mode::silent);
    auto client = std::make_unique<AsyncHttpClient>(ioc, HttpClientOptions{});
    std::optional<HttpResponse> result;
    client->send(get(silent.url()), 5s, [&](HttpResponse r) { result = std::move(r); });
    net::steady_timer timer(ioc);
    timer.expires_after(50ms);
    timer.async_wait([&](boost::system::error_code) { client.reset(); });
    auto start = Clock::now();
    run();
    EXPECT_LT(Clock::now() - start, 1s);
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 0);
    EXPECT_NE(result->error.find("stopped"), std::string::npos) << result->error;
}

}  // namespace
}  // namespace thesaban::line
