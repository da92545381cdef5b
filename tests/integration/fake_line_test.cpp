// Drives the real fake-line-api binary over HTTP: each LINE rule it claims to enforce, checked
// from outside, so the bot's integration tests can trust its answers.
#include "support/fake_line.h"

#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <thread>

#include "core/json.h"
#include "support/http_client.h"

namespace thesaban::testing {
namespace {

const std::string kToken = "test-channel-token";
const std::string kUser = "U4af4980629000000000000000000abcd";
const std::string kRetryKey = "123e4567-e89b-12d3-a456-426614174000";

std::map<std::string, std::string> auth(std::map<std::string, std::string> extra = {}) {
    extra["Authorization"] = "Bearer " + kToken;
    return extra;
}

std::string text_message(const std::string& text) { return "{\"type\":\"text\",\"text\":\"" + text + "\"}"; }
std::string push_body(const std::string& messages) {
    return "{\"to\":\"" + kUser + "\",\"messages\":[" + messages + "]}";
}
std::string reply_body(const std::string& token, const std::string& messages) {
    return "{\"replyToken\":\"" + token + "\",\"messages\":[" + messages + "]}";
}
std::string repeat(const std::string& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
}

json::Document parse(const std::string& body) {
    json::Document doc;
    EXPECT_TRUE(json::parse(body, doc)) << body;
    return doc;
}

class FakeLineTest : public ::testing::Test {
protected:
    FakeLineTest() : fake_(FakeLine::Options{kToken, 60000}) {}

    HttpResult post(const std::string& path, const std::string& body, std::map<std::string, std::string> headers = {}) {
        return http_request(fake_.port(), "POST", path, body, auth(std::move(headers)));
    }
    HttpResult push(const std::string& body, std::map<std::string, std::string> headers = {}) {
        return post("/v2/bot/message/push", body, std::move(headers));
    }
    // Asserts a 400 "The request body has N error(s)" that names `property`.
    static void expect_invalid(const HttpResult& r, const std::string& property) {
        EXPECT_EQ(r.status, 400) << r.body;
        json::Document doc = parse(r.body);
        ASSERT_TRUE(doc.IsObject());
        EXPECT_NE(std::string(json::get_string(doc, "message").value_or("")).find("The request body has"),
                  std::string::npos);
        const json::Value* details = json::get_array(doc, "details");
        ASSERT_NE(details, nullptr) << r.body;
        bool found = false;
        for (const auto& d : details->GetArray()) found |= json::get_string(d, "property") == property;
        EXPECT_TRUE(found) << "no detail for " << property << " in " << r.body;
    }

    FakeLine fake_;
};

TEST_F(FakeLineTest, RejectsMissingOrWrongBearerToken) {
    HttpResult none = http_request(fake_.port(), "POST", "/v2/bot/message/push", push_body(text_message("hi")));
    EXPECT_EQ(none.status, 401);
    EXPECT_EQ(json::get_string(parse(none.body), "message").value_or("").find("Authentication failed"), 0u);
    HttpResult wrong = http_request(fake_.port(), "POST", "/v2/bot/message/push", push_body(text_message("hi")),
                                    {{"Authorization", "Bearer not-the-token"}});
    EXPECT_EQ(wrong.status, 401);
    EXPECT_EQ(push(push_body(text_message("hi"))).status, 200);
}

TEST_F(FakeLineTest, UnknownPathIs404AndWrongMethodIs405) {
    EXPECT_EQ(http_request(fake_.port(), "GET", "/v2/bot/nothing", {}, auth()).status, 404);
    EXPECT_EQ(http_request(fake_.port(), "GET", "/v2/bot/message/push", {}, auth()).status, 405);
}

TEST_F(FakeLineTest, ReplyTokenIsSingleUse) {
    fake_.register_reply_token("token-1", kUser);
    HttpResult first = post("/v2/bot/message/reply", reply_body("token-1", text_message("สวัสดี")));
    ASSERT_EQ(first.status, 200) << first.body;
    json::Document doc = parse(first.body);
    const json::Value* sent = json::get_array(doc, "sentMessages");
    ASSERT_NE(sent, nullptr);
    ASSERT_EQ(sent->Size(), 1u);
    std::string id(json::get_string((*sent)[0], "id").value_or(""));
    EXPECT_EQ(id.size(), 18u);
    EXPECT_TRUE(json::get_string((*sent)[0], "quoteToken").has_value());

    HttpResult second = post("/v2/bot/message/reply", reply_body("token-1", text_message("again")));
    EXPECT_EQ(second.status, 400);
    EXPECT_EQ(json::get_string(parse(second.body), "message"), "Invalid reply token");
}

TEST_F(FakeLineTest, UnknownReplyTokenIsRejected) {
    HttpResult r = post("/v2/bot/message/reply", reply_body("never-registered", text_message("hi")));
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(json::get_string(parse(r.body), "message"), "Invalid reply token");
}

TEST_F(FakeLineTest, ReplyTokenExpiresAfterTtl) {
    fake_.register_reply_token("token-old", kUser);
    fake_.advance_clock(std::chrono::milliseconds(60001));
    HttpResult r = post("/v2/bot/message/reply", reply_body("token-old", text_message("late")));
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(json::get_string(parse(r.body), "message"), "Invalid reply token");
}

TEST_F(FakeLineTest, ReplyRejectedForItsBodyKeepsTheToken) {
    fake_.register_reply_token("token-2", kUser, "Cgroup");
    EXPECT_EQ(post("/v2/bot/message/reply", reply_body("token-2", text_message(""))).status, 400);
    EXPECT_EQ(post("/v2/bot/message/reply", reply_body("token-2", text_message("ok"))).status, 200);
    json::Document calls = fake_.requests();
    ASSERT_EQ(calls.Size(), 2u);
    const json::Value* reply_to = json::get_object(calls[1], "replyTo");
    ASSERT_NE(reply_to, nullptr);
    EXPECT_EQ(json::get_string(*reply_to, "userId"), kUser);
    EXPECT_EQ(json::get_string(*reply_to, "groupId"), "Cgroup");
}

TEST_F(FakeLineTest, RepeatedRetryKeyGets409WithTheFirstRequestId) {
    HttpResult first = push(push_body(text_message("hi")), {{"X-Line-Retry-Key", kRetryKey}});
    ASSERT_EQ(first.status, 200) << first.body;
    HttpResult again = push(push_body(text_message("hi")), {{"X-Line-Retry-Key", kRetryKey}});
    EXPECT_EQ(again.status, 409);
    EXPECT_EQ(json::get_string(parse(again.body), "message"), "The retry key is already accepted");
    EXPECT_EQ(again.header("x-line-accepted-request-id"), first.header("x-line-request-id"));
    // For push, the 409 repeats the first answer's sentMessages.
    json::Document first_doc = parse(first.body), again_doc = parse(again.body);
    ASSERT_NE(json::get_array(again_doc, "sentMessages"), nullptr);
    EXPECT_EQ(json::to_string(*json::get_array(again_doc, "sentMessages")),
              json::to_string(*json::get_array(first_doc, "sentMessages")));
    // A day later the key is forgotten.
    fake_.advance_clock(std::chrono::hours(24) + std::chrono::seconds(1));
    EXPECT_EQ(push(push_body(text_message("hi")), {{"X-Line-Retry-Key", kRetryKey}}).status, 200);
}

TEST_F(FakeLineTest, FailedRequestDoesNotConsumeItsRetryKey) {
    fake_.add_fault(R"({"path":"/v2/bot/message/push","status":500})");
    HttpResult failed = push(push_body(text_message("hi")), {{"X-Line-Retry-Key", kRetryKey}});
    EXPECT_EQ(failed.status, 500);
    HttpResult retried = push(push_body(text_message("hi")), {{"X-Line-Retry-Key", kRetryKey}});
    EXPECT_EQ(retried.status, 200) << retried.body;
}

TEST_F(FakeLineTest, RetryKeyOnlyOnSupportedEndpointsAndOnlyAsUuid) {
    fake_.register_reply_token("token-3", kUser);
    HttpResult on_reply =
        post("/v2/bot/message/reply", reply_body("token-3", text_message("hi")), {{"X-Line-Retry-Key", kRetryKey}});
    EXPECT_EQ(on_reply.status, 400);
    HttpResult not_uuid = push(push_body(text_message("hi")), {{"X-Line-Retry-Key", "retry-1"}});
    EXPECT_EQ(not_uuid.status, 400);
    HttpResult multicast =
        post("/v2/bot/message/multicast", "{\"to\":[\"" + kUser + "\"],\"messages\":[" + text_message("hi") + "]}",
             {{"X-Line-Retry-Key", kRetryKey}});
    EXPECT_EQ(multicast.status, 200);
    EXPECT_EQ(multicast.body, "{}");
}

TEST_F(FakeLineTest, AtMostFiveMessages) {
    std::string six = text_message("1");
    for (int i = 2; i <= 6; ++i) six += "," + text_message(std::to_string(i));
    expect_invalid(push(push_body(six)), "messages");
    EXPECT_EQ(push(push_body("")).status, 400);  // and at least one
}

TEST_F(FakeLineTest, TextLimitCountsUtf16Units) {
    // 4999 'a' + 🍎 (a surrogate pair) = 5001 UTF-16 units in 5000 code points.
    expect_invalid(push(push_body(text_message(repeat("a", 4999) + "\xF0\x9F\x8D\x8E"))), "messages[0].text");
    // 5000 Thai characters are 5000 units (15000 UTF-8 bytes) and fine.
    HttpResult thai = push(push_body(text_message(repeat("\xE0\xB8\x81", 5000))));
    EXPECT_EQ(thai.status, 200) << thai.body;
    expect_invalid(push(push_body(text_message(""))), "messages[0].text");
}

TEST_F(FakeLineTest, AltTextLimit) {
    auto flex = [](const std::string& alt) {
        return R"({"type":"flex","altText":")" + alt +
               R"(","contents":{"type":"bubble","body":{"type":"box","layout":"vertical","contents":[{"type":"text","text":"x"}]}}})";
    };
    expect_invalid(push(push_body(flex(repeat("a", 1501)))), "messages[0].altText");
    EXPECT_EQ(push(push_body(flex(repeat("a", 1500)))).status, 200);
}

TEST_F(FakeLineTest, BubbleOver30KbIsRejectedAloneAndInACarousel) {
    std::string big_text = repeat("x", 31 * 1024);
    std::string bubble =
        R"({"type":"bubble","body":{"type":"box","layout":"vertical","contents":[{"type":"text","text":")" + big_text +
        R"("}]}})";
    expect_invalid(push(push_body(R"({"type":"flex","altText":"a","contents":)" + bubble + "}")),
                   "messages[0].contents");
    expect_invalid(
        push(push_body(R"({"type":"flex","altText":"a","contents":{"type":"carousel","contents":[)" + bubble + "]}}")),
        "messages[0].contents.contents[0]");
}

TEST_F(FakeLineTest, AtMostThirteenQuickReplyItems) {
    auto with_items = [](int n, const std::string& label) {
        std::string items;
        for (int i = 0; i < n; ++i) {
            items += std::string(i ? "," : "") + R"({"type":"action","action":{"type":"message","label":")" + label +
                     R"(","text":"t"}})";
        }
        return R"({"type":"text","text":"pick","quickReply":{"items":[)" + items + "]}}";
    };
    expect_invalid(push(push_body(with_items(14, "ok"))), "messages[0].quickReply.items");
    EXPECT_EQ(push(push_body(with_items(13, "ok"))).status, 200);
    expect_invalid(push(push_body(with_items(1, repeat("a", 21)))), "messages[0].quickReply.items[0].action.label");
    // Labels count characters as users see them: 16 UTF-16 units, 12 characters.
    EXPECT_EQ(push(push_body(with_items(1, "แจ้งเหตุไฟฟ้าดับ"))).status, 200);
}

TEST_F(FakeLineTest, MulticastToAtMost500) {
    std::string to;
    for (int i = 0; i < 501; ++i) to += std::string(i ? "," : "") + "\"U" + std::to_string(i) + "\"";
    expect_invalid(post("/v2/bot/message/multicast", "{\"to\":[" + to + "],\"messages\":[" + text_message("hi") + "]}"),
                   "to");
}

TEST_F(FakeLineTest, BodyOver2MbIs413) {
    HttpResult r = push(push_body(text_message(repeat("a", 2 * 1024 * 1024 + 10))));
    EXPECT_EQ(r.status, 413);
}

TEST_F(FakeLineTest, MalformedJsonIs400) {
    HttpResult r = push("{\"to\": \"U1\",\n \"messages\": [}");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(
        json::get_string(parse(r.body), "message").value_or("").find("The request body could not be parsed as JSON"),
        0u)
        << r.body;
    EXPECT_EQ(push(push_body(text_message("hi")), {{"Content-Type", "text/plain"}}).status, 400);
}

TEST_F(FakeLineTest, InjectedRateLimitThenNormal) {
    fake_.add_fault(R"({"path":"/v2/bot/message/*","status":429,"count":2})");
    EXPECT_EQ(push(push_body(text_message("1"))).status, 429);
    EXPECT_EQ(push(push_body(text_message("2"))).status, 429);
    EXPECT_EQ(push(push_body(text_message("3"))).status, 200);
    json::Document calls = fake_.requests();
    ASSERT_EQ(calls.Size(), 3u);
    EXPECT_EQ(json::get_bool(calls[0], "fault"), true);
    EXPECT_EQ(json::get_bool(calls[2], "fault"), false);
}

TEST_F(FakeLineTest, InjectedDelayAnswersLateButProcesses) {
    fake_.add_fault(R"({"path":"/v2/bot/message/push","delayMs":400})");
    auto start = std::chrono::steady_clock::now();
    HttpResult late = push(push_body(text_message("hi")), {{"X-Line-Retry-Key", kRetryKey}});
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(400));
    EXPECT_EQ(late.status, 200);
    // The request was accepted, so the client's retry after a timeout gets 409.
    EXPECT_EQ(push(push_body(text_message("hi")), {{"X-Line-Retry-Key", kRetryKey}}).status, 409);
    // A short client timeout on a delayed fault looks like a lost answer.
    fake_.add_fault(R"({"path":"/v2/bot/message/push","status":500,"delayMs":1000})");
    HttpResult timed_out = http_request(fake_.port(), "POST", "/v2/bot/message/push", push_body(text_message("x")),
                                        auth(), std::chrono::milliseconds(200));
    EXPECT_EQ(timed_out.status, 0);
}

TEST_F(FakeLineTest, ServesRegisteredContentAndProfiles) {
    std::string bytes("\x89PNG\r\n\x1a\n\0binary", 15);
    fake_.put_content("468789577898262530", "image/png", bytes);
    HttpResult content = http_request(fake_.port(), "GET", "/v2/bot/message/468789577898262530/content", {}, auth());
    EXPECT_EQ(content.status, 200);
    EXPECT_EQ(content.header("content-type"), "image/png");
    EXPECT_EQ(content.body, bytes);
    EXPECT_EQ(http_request(fake_.port(), "GET", "/v2/bot/message/1/content", {}, auth()).status, 404);

    fake_.put_profile(kUser, "สมชาย", "https://example.com/p.png");
    HttpResult profile = http_request(fake_.port(), "GET", "/v2/bot/profile/" + kUser, {}, auth());
    EXPECT_EQ(profile.status, 200);
    EXPECT_EQ(json::get_string(parse(profile.body), "displayName"), "สมชาย");
    EXPECT_EQ(http_request(fake_.port(), "GET", "/v2/bot/profile/Uunknown", {}, auth()).status, 404);
    EXPECT_EQ(http_request(fake_.port(), "GET", "/v2/bot/info", {}, auth()).status, 200);
}

TEST_F(FakeLineTest, LoadingAnimationOnlyInOneOnOneChats) {
    HttpResult user = post("/v2/bot/chat/loading/start", "{\"chatId\":\"" + kUser + "\",\"loadingSeconds\":5}");
    EXPECT_EQ(user.status, 202);
    EXPECT_EQ(post("/v2/bot/chat/loading/start", R"({"chatId":"C1234"})").status, 400);
    EXPECT_EQ(post("/v2/bot/chat/loading/start", R"({"chatId":"R1234"})").status, 400);
    EXPECT_EQ(post("/v2/bot/chat/loading/start", "{\"chatId\":\"" + kUser + "\",\"loadingSeconds\":7}").status, 400);
}

TEST_F(FakeLineTest, EveryResponseHasARequestId) {
    std::vector<HttpResult> results = {
        push(push_body(text_message("hi"))),
        http_request(fake_.port(), "POST", "/v2/bot/message/push", push_body(text_message("hi"))),
        http_request(fake_.port(), "GET", "/nowhere"),
        http_request(fake_.port(), "GET", "/__requests"),
        push("not json"),
    };
    for (const auto& r : results) {
        EXPECT_EQ(r.header("x-line-request-id").size(), 36u) << r.status << " " << r.body;
    }
}

TEST_F(FakeLineTest, RecordsCallsWithParsedBodies) {
    push(push_body(text_message("บันทึก")), {{"X-Line-Retry-Key", kRetryKey}});
    ASSERT_TRUE(fake_.wait_for_requests("/v2/bot/message/push", 1, std::chrono::seconds(2)));
    std::vector<std::string> calls = fake_.requests_to("/v2/bot/message/push");
    ASSERT_EQ(calls.size(), 1u);
    json::Document call = parse(calls[0]);
    EXPECT_EQ(json::get_string(call, "method"), "POST");
    EXPECT_EQ(json::get_int(call, "status"), 200);
    const json::Value* headers = json::get_object(call, "headers");
    ASSERT_NE(headers, nullptr);
    EXPECT_EQ(json::get_string(*headers, "authorization"), "Bearer " + kToken);
    EXPECT_EQ(json::get_string(*headers, "x-line-retry-key"), kRetryKey);
    const json::Value* body = json::get_object(call, "body");
    ASSERT_NE(body, nullptr);
    EXPECT_EQ(json::get_string((*json::get_array(*body, "messages"))[0], "text"), "บันทึก");
    ASSERT_NE(json::get_object(call, "response"), nullptr);
    EXPECT_EQ(json::get_string(call, "requestId").value_or("").size(), 36u);

    fake_.clear_requests();
    EXPECT_EQ(fake_.requests().Size(), 0u);
}

TEST_F(FakeLineTest, ConcurrentClients) {
    std::vector<std::thread> clients;
    std::atomic<int> ok{0};
    for (int i = 0; i < 8; ++i) {
        clients.emplace_back([&] {
            for (int j = 0; j < 10; ++j) ok += push(push_body(text_message("hi"))).status == 200;
        });
    }
    for (auto& t : clients) t.join();
    EXPECT_EQ(ok.load(), 80);
    EXPECT_TRUE(fake_.wait_for_requests("/v2/bot/message/push", 80, std::chrono::seconds(2)));
}

// The benchmark mode (bench/webhook_load.sh): unregistered reply tokens are accepted, still once
// each; only the newest calls are kept, while /__stats counts every call.
TEST(FakeLineBenchMode, AcceptsAnyReplyTokenOnceAndCountsCallsItNoLongerKeeps) {
    FakeLine::Options options;
    options.any_reply_token = true;
    options.keep_requests = 1;
    FakeLine fake(options);
    auto reply = [&](const std::string& token) {
        return http_request(fake.port(), "POST", "/v2/bot/message/reply", reply_body(token, text_message("hi")),
                            auth({{"Content-Type", "application/json"}}))
            .status;
    };
    EXPECT_EQ(reply("unregistered-1"), 200);
    EXPECT_EQ(reply("unregistered-2"), 200);
    EXPECT_EQ(reply("unregistered-1"), 400);  // single-use all the same

    EXPECT_EQ(fake.requests().Size(), 1u);
    json::Document stats = fake.stats();
    const json::Value* by_status = json::get_object(stats, "/v2/bot/message/reply");
    ASSERT_NE(by_status, nullptr) << json::to_string(stats);
    EXPECT_EQ(json::get_int(*by_status, "200"), 2);
    EXPECT_EQ(json::get_int(*by_status, "400"), 1);
}

TEST(FakeLineProcess, ExitsOnSigterm) {
    FakeLine fake;
    EXPECT_EQ(fake.process().stop(SIGTERM, std::chrono::seconds(5)), 0);
}

}  // namespace
}  // namespace thesaban::testing
