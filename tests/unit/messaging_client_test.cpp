#include "line/messaging_client.h"

#include <gtest/gtest.h>

#include <deque>
#include <string>
#include <vector>

#include "core/json.h"

namespace thesaban::line {
namespace {

using std::chrono::milliseconds;

// Answers from a script and records what was sent.
class ScriptedTransport : public HttpTransport {
public:
    HttpResponse send(const HttpRequest& request, milliseconds timeout) override {
        requests.push_back(request);
        if (script.empty()) return respond(200, "{}");
        HttpResponse r = std::move(script.front());
        script.pop_front();
        return r;
    }

    static HttpResponse respond(int status, std::string body = "{}",
                                std::vector<std::pair<std::string, std::string>> headers = {}) {
        HttpResponse r;
        r.status = status;
        r.body = std::move(body);
        r.headers = std::move(headers);
        r.headers.emplace_back("x-line-request-id", "req-" + std::to_string(status));
        return r;
    }
    static HttpResponse timeout() {
        HttpResponse r;
        r.error = "timeout";
        return r;
    }
    void then(HttpResponse r) { script.push_back(std::move(r)); }

    std::deque<HttpResponse> script;
    std::vector<HttpRequest> requests;
};

std::string header_of(const HttpRequest& r, std::string_view name) {
    HttpResponse view;
    view.headers = r.headers;
    return view.header(name);
}
bool has_header(const HttpRequest& r, std::string_view name) {
    for (const auto& [k, v] : r.headers) {
        HttpResponse probe;
        probe.headers = {{k, v}};
        if (!probe.header(name).empty()) return true;
    }
    return false;
}

const std::string kText = R"({"type":"text","text":"ไฟถนนดับหน้าบ้าน"})";
const std::string kUser = "U4af4980629f0123456789abcdef01234";
const std::string kKey = "123e4567-e89b-12d3-a456-426614174000";

class MessagingClientTest : public ::testing::Test {
protected:
    MessagingClientOptions options() {
        MessagingClientOptions o;
        o.channel_access_token = "secret-token";
        o.retry.jitter = 0;
        o.sleep = [this](milliseconds d) { delays.push_back(d); };
        return o;
    }
    ScriptedTransport transport;
    std::vector<milliseconds> delays;
    HttpMessagingApi api{transport, options()};
};

TEST_F(MessagingClientTest, PushSendsBearerTokenJsonAndRetryKey) {
    ApiResult r = api.push(kUser, {kText});
    EXPECT_TRUE(r.ok());
    EXPECT_EQ(r.request_id, "req-200");
    ASSERT_EQ(transport.requests.size(), 1u);
    const HttpRequest& sent = transport.requests[0];
    EXPECT_EQ(sent.method, "POST");
    EXPECT_EQ(sent.url, "https://api.line.me/v2/bot/message/push");
    EXPECT_EQ(header_of(sent, "authorization"), "Bearer secret-token");
    EXPECT_EQ(header_of(sent, "content-type"), "application/json");
    EXPECT_TRUE(is_uuid(header_of(sent, "x-line-retry-key")));

    json::Document body;
    ASSERT_TRUE(json::parse(sent.body, body));
    EXPECT_EQ(json::get_string(body, "to"), kUser);
    const json::Value* messages = json::get_array(body, "messages");
    ASSERT_TRUE(messages);
    ASSERT_EQ(messages->Size(), 1u);
    EXPECT_EQ(json::get_string((*messages)[0], "text"), "ไฟถนนดับหน้าบ้าน");
}

TEST_F(MessagingClientTest, RetryKeyIsTheSameOnEveryRetry) {
    for (auto kind : {0, 1, 2}) {
        transport.requests.clear();
        transport.then(ScriptedTransport::respond(500));
        transport.then(ScriptedTransport::timeout());
        transport.then(ScriptedTransport::respond(200));
        ApiResult r = kind == 0   ? api.push(kUser, {kText})
                      : kind == 1 ? api.multicast({kUser, "Uabc"}, {kText})
                                  : api.broadcast({kText});
        EXPECT_TRUE(r.ok()) << kind;
        EXPECT_EQ(r.attempts, 3);
        ASSERT_EQ(transport.requests.size(), 3u);
        std::string key = header_of(transport.requests[0], "X-Line-Retry-Key");
        EXPECT_TRUE(is_uuid(key)) << kind;
        for (const auto& req : transport.requests) EXPECT_EQ(header_of(req, "X-Line-Retry-Key"), key);
    }
}

TEST_F(MessagingClientTest, CallersRetryKeyIsUsedAndDifferentSendsGetDifferentKeys) {
    api.push(kUser, {kText}, kKey);
    api.push(kUser, {kText});
    api.push(kUser, {kText});
    ASSERT_EQ(transport.requests.size(), 3u);
    EXPECT_EQ(header_of(transport.requests[0], "X-Line-Retry-Key"), kKey);
    EXPECT_NE(header_of(transport.requests[1], "X-Line-Retry-Key"),
              header_of(transport.requests[2], "X-Line-Retry-Key"));
    EXPECT_FALSE(api.push(kUser, {kText}, "not-a-uuid").ok());
    EXPECT_EQ(transport.requests.size(), 3u);
}

TEST_F(MessagingClientTest, ReplyAndLoadingCarryNoRetryKey) {
    EXPECT_TRUE(api.reply("token-1", {kText}).ok());
    EXPECT_TRUE(api.show_loading(kUser, 20).ok());
    ASSERT_EQ(transport.requests.size(), 2u);
    for (const auto& req : transport.requests) EXPECT_FALSE(has_header(req, "X-Line-Retry-Key"));

    json::Document reply;
    ASSERT_TRUE(json::parse(transport.requests[0].body, reply));
    EXPECT_EQ(transport.requests[0].url, "https://api.line.me/v2/bot/message/reply");
    EXPECT_EQ(json::get_string(reply, "replyToken"), "token-1");
    EXPECT_TRUE(json::get_array(reply, "messages"));

    json::Document loading;
    ASSERT_TRUE(json::parse(transport.requests[1].body, loading));
    EXPECT_EQ(transport.requests[1].url, "https://api.line.me/v2/bot/chat/loading/start");
    EXPECT_EQ(json::get_string(loading, "chatId"), kUser);
    EXPECT_EQ(json::get_int(loading, "loadingSeconds"), 20);
}

TEST_F(MessagingClientTest, LoadingSecondsAreValidatedLocally) {
    EXPECT_FALSE(api.show_loading(kUser, 0).ok());
    EXPECT_FALSE(api.show_loading(kUser, 7).ok());
    EXPECT_FALSE(api.show_loading(kUser, 65).ok());
    EXPECT_TRUE(transport.requests.empty());
}

TEST_F(MessagingClientTest, BackoffGrowsExponentiallyAndStopsAtMaxAttempts) {
    transport.then(ScriptedTransport::respond(500));
    transport.then(ScriptedTransport::respond(503));
    transport.then(ScriptedTransport::respond(429));
    transport.then(ScriptedTransport::timeout());
    transport.then(ScriptedTransport::respond(500, R"({"message":"internal"})"));
    transport.then(ScriptedTransport::respond(200));  // never reached
    ApiResult r = api.push(kUser, {kText});
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(r.attempts, 5);
    EXPECT_EQ(r.body, R"({"message":"internal"})");
    EXPECT_EQ(transport.requests.size(), 5u);
    EXPECT_EQ(delays,
              (std::vector<milliseconds>{milliseconds(200), milliseconds(400), milliseconds(800), milliseconds(1600)}));
}

TEST_F(MessagingClientTest, BackoffIsCappedAndJittered) {
    MessagingClientOptions o = options();
    o.retry.max_attempts = 10;
    o.retry.jitter = 0.2;
    HttpMessagingApi jittery(transport, o);
    for (int i = 0; i < 10; ++i) transport.then(ScriptedTransport::timeout());
    EXPECT_FALSE(jittery.push(kUser, {kText}).ok());
    ASSERT_EQ(delays.size(), 9u);
    EXPECT_GE(delays[0], milliseconds(160));
    EXPECT_LE(delays[0], milliseconds(240));
    for (auto d : delays) EXPECT_LE(d, milliseconds(10000));
    EXPECT_GE(delays.back(), milliseconds(8000));
}

TEST_F(MessagingClientTest, NoRetryOnClientErrors) {
    for (int status : {400, 401, 403, 404}) {
        transport.requests.clear();
        delays.clear();
        transport.then(ScriptedTransport::respond(status, R"({"message":"nope"})"));
        ApiResult r = api.push(kUser, {kText});
        EXPECT_FALSE(r.ok());
        EXPECT_EQ(r.status, status);
        EXPECT_EQ(r.attempts, 1);
        EXPECT_EQ(transport.requests.size(), 1u) << status;
        EXPECT_TRUE(delays.empty());
    }
}

TEST_F(MessagingClientTest, MonthlyQuota429IsNotRetried) {
    transport.then(ScriptedTransport::respond(429, R"({"message":"You have reached your monthly limit."})"));
    EXPECT_FALSE(api.push(kUser, {kText}).ok());
    EXPECT_EQ(transport.requests.size(), 1u);
}

TEST_F(MessagingClientTest, ConflictOnRetryKeyMeansDelivered) {
    transport.then(ScriptedTransport::timeout());
    transport.then(ScriptedTransport::respond(409, R"({"message":"The retry key is already accepted"})",
                                              {{"x-line-accepted-request-id", "first-req"}}));
    ApiResult r = api.push(kUser, {kText});
    EXPECT_TRUE(r.ok());
    EXPECT_TRUE(r.accepted_earlier);
    EXPECT_EQ(r.status, 409);
    EXPECT_EQ(r.attempts, 2);
    EXPECT_EQ(transport.requests.size(), 2u);
}

TEST_F(MessagingClientTest, RetryAfterIsHonouredAndCapped) {
    transport.then(ScriptedTransport::respond(429, "{}", {{"Retry-After", "3"}}));
    transport.then(ScriptedTransport::respond(503, "{}", {{"retry-after", "3600"}}));
    transport.then(ScriptedTransport::respond(200));
    EXPECT_TRUE(api.broadcast({kText}).ok());
    EXPECT_EQ(delays, (std::vector<milliseconds>{milliseconds(3000), milliseconds(30000)}));
}

TEST_F(MessagingClientTest, ReplyRetriesOnlyALittleAndOnlyOnServerErrors) {
    transport.then(ScriptedTransport::respond(500));
    transport.then(ScriptedTransport::respond(500));
    ApiResult r = api.reply("token-1", {kText});
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.attempts, 2);
    EXPECT_EQ(delays.size(), 1u);

    transport.requests.clear();
    transport.then(ScriptedTransport::respond(429));
    EXPECT_EQ(api.reply("token-2", {kText}).attempts, 1);
    transport.then(ScriptedTransport::respond(400, R"({"message":"Invalid reply token"})"));
    ApiResult refused = api.reply("token-3", {kText});
    EXPECT_EQ(refused.attempts, 1);
    EXPECT_TRUE(is_invalid_reply_token(refused));
}

TEST_F(MessagingClientTest, ReplyTokenSpentByTimedOutAttemptIsReported) {
    transport.then(ScriptedTransport::timeout());
    transport.then(ScriptedTransport::respond(400, R"({"message":"Invalid reply token"})"));
    ApiResult r = api.reply("token-1", {kText});
    EXPECT_TRUE(is_invalid_reply_token(r));
    EXPECT_EQ(r.attempts, 2);
    EXPECT_NE(r.error.find("earlier attempt"), std::string::npos);
}

TEST(IsInvalidReplyToken, NeedsStatus400AndTheMessage) {
    ApiResult r;
    r.status = 400;
    r.body = R"({"message":"Invalid reply token"})";
    EXPECT_TRUE(is_invalid_reply_token(r));
    r.body = R"({"message":"The request body has 1 error"})";
    EXPECT_FALSE(is_invalid_reply_token(r));
    r.status = 401;
    r.body = R"({"message":"Invalid reply token"})";
    EXPECT_FALSE(is_invalid_reply_token(r));
}

TEST_F(MessagingClientTest, LimitsAreEnforcedBeforeSending) {
    auto text_of = [](const std::string& t) { return R"({"type":"text","text":")" + t + R"("})"; };
    std::string apples;
    for (int i = 0; i < 2501; ++i) apples += "🍎";
    std::string thai;
    for (int i = 0; i < 5000; ++i) thai += "ก";
    std::string labels = R"({"type":"text","text":"a","quickReply":{"items":[)";
    for (int i = 0; i < 14; ++i)
        labels += std::string(i ? "," : "") + R"({"type":"action","action":{"type":"message","label":"a","text":"a"}})";
    labels += "]}}";
    std::vector<std::vector<std::string>> bad = {
        std::vector<std::string>(6, kText),
        {text_of(std::string(5001, 'a'))},
        {text_of(apples)},
        {R"({"type":"template","altText":")" + std::string(1501, 'a') + R"(","template":{}})"},
        {R"({"type":"flex","altText":"a","contents":{"type":"bubble","body":{"type":"box","layout":"vertical","contents":[{"type":"text","text":")" +
         std::string(31 * 1024, 'x') + R"("}]}}})"},
        {labels},
        {R"({"type":"text","text":"a","quickReply":{"items":[{"type":"action","action":{"type":"message","label":")" +
         std::string(21, 'a') + R"(","text":"a"}}]}})"},
    };
    for (const auto& messages : bad) {
        ApiResult r = api.push(kUser, messages);
        EXPECT_FALSE(r.ok());
        EXPECT_EQ(r.status, 0);
        EXPECT_FALSE(r.error.empty());
        EXPECT_FALSE(api.reply("t", messages).ok());
        EXPECT_FALSE(api.multicast({kUser}, messages).ok());
        EXPECT_FALSE(api.broadcast(messages).ok());
    }
    EXPECT_TRUE(transport.requests.empty());
    EXPECT_TRUE(api.push(kUser, {text_of(thai)}).ok());
    EXPECT_EQ(transport.requests.size(), 1u);
}

TEST_F(MessagingClientTest, MulticastRefusesMoreThan500AndChunksSplit) {
    std::vector<std::string> to;
    for (int i = 0; i < 1201; ++i) to.push_back("U" + std::to_string(i));
    ApiResult r = api.multicast(to, {kText});
    EXPECT_EQ(r.status, 0);
    EXPECT_FALSE(r.error.empty());
    EXPECT_TRUE(transport.requests.empty());

    auto chunks = multicast_chunks(to);
    ASSERT_EQ(chunks.size(), 3u);
    EXPECT_EQ(chunks[0].size(), 500u);
    EXPECT_EQ(chunks[2].size(), 201u);
    EXPECT_EQ(chunks[2].back(), "U1200");
    for (const auto& chunk : chunks) EXPECT_TRUE(api.multicast(chunk, {kText}).ok());
    ASSERT_EQ(transport.requests.size(), 3u);
    json::Document body;
    ASSERT_TRUE(json::parse(transport.requests[1].body, body));
    const json::Value* recipients = json::get_array(body, "to");
    ASSERT_TRUE(recipients);
    EXPECT_EQ(recipients->Size(), 500u);
    EXPECT_EQ(transport.requests[1].url, "https://api.line.me/v2/bot/message/multicast");
}

TEST_F(MessagingClientTest, ProfileIsParsedAndRetriedOnServerErrors) {
    transport.then(ScriptedTransport::respond(502));
    transport.then(ScriptedTransport::respond(
        200, R"({"userId":")" + kUser + R"(","displayName":"สมชาย","pictureUrl":"https://x/p","language":"th"})"));
    auto p = api.get_profile(kUser);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->display_name, "สมชาย");
    EXPECT_EQ(p->language, "th");
    EXPECT_EQ(transport.requests.back().method, "GET");
    EXPECT_EQ(transport.requests.back().url, "https://api.line.me/v2/bot/profile/" + kUser);
    EXPECT_FALSE(api.get_profile("../../v2/bot/info"));
    transport.then(ScriptedTransport::respond(404));
    EXPECT_FALSE(api.get_profile(kUser));
}

TEST_F(MessagingClientTest, ContentComesFromDataApiWithSizeCap) {
    transport.then(ScriptedTransport::respond(200, "\xFF\xD8jpegbytes", {{"Content-Type", "image/jpeg"}}));
    auto c = api.get_content("123456", 1024);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->content_type, "image/jpeg");
    EXPECT_EQ(c->bytes, "\xFF\xD8jpegbytes");
    EXPECT_EQ(transport.requests[0].url, "https://api-data.line.me/v2/bot/message/123456/content");
    EXPECT_EQ(transport.requests[0].max_response_body, 1024u);

    HttpResponse too_big;
    too_big.error = "response body larger than 1024 bytes";
    too_big.permanent = true;
    transport.then(too_big);
    EXPECT_FALSE(api.get_content("123456", 1024));
    EXPECT_EQ(transport.requests.size(), 2u) << "a permanent failure is not retried";
}

}  // namespace
}  // namespace thesaban::line
