#include "line/http_client.h"

#include <gtest/gtest.h>

#include <string>

#include "support/loopback_server.h"

namespace thesaban::line {
namespace {

using namespace std::chrono_literals;

using thesaban::testing::LoopbackServer;
using thesaban::testing::TestTls;

HttpRequest get(std::string url) { return HttpRequest{"GET", std::move(url), {}, {}}; }

TEST(HttpClient, RefusesPlainHttpToNonLoopbackHosts) {
    HttpClient client;
    for (const char* url : {"http://api.line.me/v2/bot/info", "http://10.0.0.1/", "http://128.0.0.1:8080/"}) {
        HttpResponse r = client.send(get(url), 1s);
        EXPECT_EQ(r.status, 0) << url;
        EXPECT_NE(r.error.find("refused"), std::string::npos) << r.error;
        EXPECT_TRUE(r.permanent);
    }
    EXPECT_EQ(client.send(get("ftp://127.0.0.1/"), 1s).status, 0);
}

TEST(HttpClient, KnowsLoopbackHosts) {
    for (const char* host : {"127.0.0.1", "127.5.6.7", "::1", "[::1]", "localhost", "LOCALHOST"}) {
        EXPECT_TRUE(is_loopback_host(host)) << host;
    }
    for (const char* host : {"128.0.0.1", "0.0.0.0", "api.line.me", "localhost.example.com", "::2", ""}) {
        EXPECT_FALSE(is_loopback_host(host)) << host;
    }
}

TEST(HttpClient, ReusesAKeepAliveConnection) {
    LoopbackServer server(LoopbackServer::Mode::answer);
    HttpClient client;
    HttpResponse first = client.send(get(server.url("/a")), 2s);
    EXPECT_EQ(first.status, 200) << first.error;
    EXPECT_EQ(first.body, "hello 1");
    EXPECT_EQ(first.header("x-line-request-id"), "r1");
    EXPECT_EQ(first.header("CONTENT-TYPE"), "text/plain");
    EXPECT_EQ(client.idle_connections(), 1u);

    HttpRequest post{"POST", server.url("/b"), {{"Content-Type", "application/json"}}, R"({"k":"ไทย"})"};
    HttpResponse second = client.send(post, 2s);
    EXPECT_EQ(second.status, 200) << second.error;
    EXPECT_EQ(second.body, "hello 2");
    EXPECT_EQ(server.last_body(), R"({"k":"ไทย"})");
    EXPECT_EQ(server.accepted.load(), 1);
    EXPECT_EQ(server.requests.load(), 2);
}

TEST(HttpClient, ResolvesLocalhost) {
    LoopbackServer server(LoopbackServer::Mode::answer);
    HttpClient client;
    HttpResponse r = client.send(get(server.url("/", "localhost")), 2s);
    EXPECT_EQ(r.status, 200) << r.error;
}

TEST(HttpClient, RetriesOnceWhenAReusedConnectionIsDropped) {
    LoopbackServer server(LoopbackServer::Mode::drop_second_request);
    HttpClient client;
    EXPECT_EQ(client.send(get(server.url()), 2s).status, 200);
    HttpResponse r = client.send(get(server.url()), 2s);
    EXPECT_EQ(r.status, 200) << r.error;
    EXPECT_EQ(server.accepted.load(), 2);
    EXPECT_EQ(server.requests.load(), 2);
}

TEST(HttpClient, TimesOutWhenTheServerNeverAnswers) {
    LoopbackServer server(LoopbackServer::Mode::silent);
    HttpClient client;
    auto start = std::chrono::steady_clock::now();
    HttpResponse r = client.send(get(server.url()), 300ms);
    auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.error.find("timeout"), std::string::npos) << r.error;
    EXPECT_FALSE(r.permanent);
    EXPECT_GE(elapsed, 250ms);
    EXPECT_LT(elapsed, 2s);
    EXPECT_EQ(client.idle_connections(), 0u);
}

TEST(HttpClient, EnforcesTheResponseBodyLimit) {
    LoopbackServer server(LoopbackServer::Mode::big_body);
    HttpClient client;
    HttpRequest request = get(server.url());
    request.max_response_body = 100;
    HttpResponse r = client.send(request, 2s);
    EXPECT_EQ(r.status, 0);
    EXPECT_TRUE(r.permanent);
    EXPECT_TRUE(r.body.empty());
    request.max_response_body = 0;  // the client's default allows it
    EXPECT_EQ(client.send(request, 2s).status, 200);
}

TEST(HttpClient, HttpsFailsCleanlyAgainstAPlainServer) {
    LoopbackServer server(LoopbackServer::Mode::answer);
    HttpClient client;
    HttpResponse r = client.send(get("https://127.0.0.1:" + std::to_string(server.port) + "/"), 500ms);
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.error.find("TLS"), std::string::npos) << r.error;
}

TEST(HttpClient, VerifiesTheServerCertificateAndName) {
    TestTls tls("localhost");
    LoopbackServer server(LoopbackServer::Mode::answer, {}, &tls);
    HttpClientOptions options;
    options.ca_file = tls.ca_file();
    HttpClient client(options);
    HttpResponse ok = client.send(get(server.url("/", "localhost")), 2s);
    EXPECT_EQ(ok.status, 200) << ok.error;
    HttpResponse wrong_name = client.send(get(server.url("/", "127.0.0.1")), 2s);  // certificate names localhost only
    EXPECT_EQ(wrong_name.status, 0);
    EXPECT_NE(wrong_name.error.find("TLS"), std::string::npos) << wrong_name.error;
    HttpClient untrusting;  // system CAs only
    HttpResponse untrusted = untrusting.send(get(server.url("/", "localhost")), 2s);
    EXPECT_EQ(untrusted.status, 0);
    EXPECT_NE(untrusted.error.find("TLS"), std::string::npos) << untrusted.error;
}

TEST(HttpResponse, HeaderLookupIgnoresCase) {
    HttpResponse r;
    r.headers = {{"Retry-After", "3"}, {"X-Line-Request-Id", "abc"}};
    EXPECT_EQ(r.header("retry-after"), "3");
    EXPECT_EQ(r.header("x-line-request-id"), "abc");
    EXPECT_EQ(r.header("missing"), "");
}

}  // namespace
}  // namespace thesaban::line
