// The core issue end to end: the real binary, a real redis-server and the fake LINE API.
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>

#include <ctime>
#include <map>
#include <regex>
#include <thread>

#include "bot_fixture.h"
#include "line/signature.h"

namespace thesaban::testing {
namespace {

using namespace std::chrono_literals;

class CoreWebhook : public BotTest {};

long long iso_to_ms(const std::string& iso) {  // "2026-11-25T10:50:45.906Z"
    std::tm tm{};
    int ms = 0;
    std::sscanf(iso.c_str(), "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                &tm.tm_sec, &ms);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return static_cast<long long>(timegm(&tm)) * 1000 + ms;
}

TEST_F(CoreWebhook, FollowGetsThaiWelcomeFlexWithMainMenu) {
    auto token = reply_token_for(resident);
    auto result = send(follow_event(resident, token));
    ASSERT_EQ(result.status, 200) << result.body;

    auto replies = calls("/v2/bot/message/reply");
    ASSERT_EQ(replies.size(), 1u);
    const auto& reply = replies[0];
    EXPECT_EQ(json::get_int(reply, "status"), 200);
    EXPECT_EQ(std::string(reply["body"]["replyToken"].GetString()), token);
    const auto& message = reply["body"]["messages"][0];
    EXPECT_STREQ(message["type"].GetString(), "flex");
    EXPECT_NE(std::string(message["altText"].GetString()).find("ยินดีต้อนรับ"), std::string::npos);
    EXPECT_STREQ(message["contents"]["type"].GetString(), "bubble");
    const auto& items = message["quickReply"]["items"];
    std::vector<std::string> labels;
    for (const auto& item : items.GetArray()) labels.emplace_back(item["action"]["label"].GetString());
    EXPECT_EQ(labels, (std::vector<std::string>{"ร้องเรียน", "แจ้งไฟฟ้าสาธารณะเสีย", "ภาษี", "ติดตามเรื่อง", "ข่าวสาร"}));
    EXPECT_EQ(json::get_string(reply["headers"], "authorization").value_or(""),
              std::string("Bearer ") + kTestAccessToken);
}

TEST_F(CoreWebhook, UnknownTextGetsPoliteHelpWithMenu) {
    auto token = reply_token_for(resident);
    ASSERT_EQ(send(text_event(resident, "asdf qwerty", token)).status, 200);
    auto replies = calls("/v2/bot/message/reply");
    ASSERT_EQ(replies.size(), 1u);
    std::string text = message_text(replies[0]);
    EXPECT_NE(text.find("ขออภัยค่ะ"), std::string::npos) << text;
    EXPECT_EQ(replies[0]["body"]["messages"][0]["quickReply"]["items"].Size(), 5u);
}

TEST_F(CoreWebhook, StickerGetsPoliteAnswerNotCrash) {
    auto token = reply_token_for(resident);
    ASSERT_EQ(send(sticker_event(resident, token)).status, 200);
    auto replies = calls("/v2/bot/message/reply");
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_NE(message_text(replies[0]).find("สติกเกอร์"), std::string::npos);
}

TEST_F(CoreWebhook, BadOrMissingSignatureIs401AndNothingProcessed) {
    std::string body = webhook_body({follow_event(resident, reply_token_for(resident))});
    std::string wrong = line::compute_signature("another-secret", body);
    EXPECT_EQ(bot->post_webhook(body, &wrong).status, 401);
    std::string empty;
    EXPECT_EQ(bot->post_webhook(body, &empty).status, 401);
    auto no_header = http_request(bot->port(), "POST", "/webhook", body);
    EXPECT_EQ(no_header.status, 401);
    // A signature of the body with one byte changed.
    std::string tampered = body;
    tampered[tampered.size() - 3] = ' ';
    std::string sig_of_original = line::compute_signature(kTestChannelSecret, body);
    EXPECT_EQ(bot->post_webhook(tampered, &sig_of_original).status, 401);
    std::this_thread::sleep_for(300ms);
    EXPECT_TRUE(line->requests_to("/v2/bot/message/reply").empty());
    EXPECT_TRUE(line->requests_to("/v2/bot/message/push").empty());
}

TEST_F(CoreWebhook, SignatureHeaderNameIsCaseInsensitive) {
    std::string body = webhook_body({follow_event(resident, reply_token_for(resident))});
    auto result = http_request(bot->port(), "POST", "/webhook", body,
                               {{"X-Line-Signature", line::compute_signature(kTestChannelSecret, body)}});
    EXPECT_EQ(result.status, 200);
    EXPECT_EQ(calls("/v2/bot/message/reply").size(), 1u);
}

TEST_F(CoreWebhook, OversizedBodyIs413) {
    std::string body = R"({"destination":"U1","events":[],"pad":")" + std::string(1024 * 1024 + 10, 'x') + "\"}";
    EXPECT_EQ(bot->post_webhook(body).status, 413);
    EXPECT_EQ(bot->get("/livez").status, 200);
}

TEST_F(CoreWebhook, MalformedJsonWithValidSignatureIs400) {
    EXPECT_EQ(bot->post_webhook(R"({"destination":"U1","events":[)").status, 400);
    EXPECT_EQ(bot->post_webhook("[]").status, 400);
    EXPECT_EQ(bot->post_webhook(std::string(200000, '[')).status, 400);
    EXPECT_EQ(bot->get("/livez").status, 200);
}

TEST_F(CoreWebhook, VerifyButtonEmptyEventsIs200) {
    auto result = bot->post_webhook(R"({"destination":"U8e742f61d673b39c7fff3cecb7536ef0","events":[]})");
    EXPECT_EQ(result.status, 200);
}

TEST_F(CoreWebhook, RoutesAnswer404And405) {
    EXPECT_EQ(bot->get("/webhook").status, 405);
    EXPECT_EQ(http_request(bot->port(), "DELETE", "/livez").status, 405);
    EXPECT_EQ(bot->get("/nope").status, 404);
    EXPECT_EQ(bot->get("/livez").status, 200);
    EXPECT_EQ(bot->get("/readyz").status, 200);
}

TEST_F(CoreWebhook, RedeliveredEventIsProcessedOnce) {
    auto token = reply_token_for(resident);
    std::string event_id = new_event_id();
    ASSERT_EQ(send(text_event(resident, "สวัสดี", token, event_id)).status, 200);
    ASSERT_EQ(calls("/v2/bot/message/reply").size(), 1u);
    auto second_token = reply_token_for(resident);
    ASSERT_EQ(send(text_event(resident, "สวัสดี", second_token, event_id, false, true)).status, 200);
    std::this_thread::sleep_for(500ms);
    EXPECT_EQ(line->requests_to("/v2/bot/message/reply").size(), 1u);
    EXPECT_TRUE(line->requests_to("/v2/bot/message/push").empty());
}

TEST_F(CoreWebhook, StandbyAndUnknownEventsSendNothing) {
    auto token = reply_token_for(resident);
    std::string body = webhook_body({text_event(resident, "สวัสดี", token, {}, /*standby=*/true),
                                     raw_event("somethingNew", resident, R"("novel":{"x":1})"),
                                     raw_event("follow", {"", ""}, R"("follow":{})"),
                                     R"({"type":"message","source":{"type":"space","spaceId":"S1"},"webhookEventId":"01J0000000000000000000UNKN","timestamp":1,"mode":"active","message":{"id":"1","type":"hologram"}})"});
    EXPECT_EQ(bot->post_webhook(body).status, 200);
    std::this_thread::sleep_for(700ms);
    EXPECT_TRUE(line->requests_to("/v2/bot/message/reply").empty());
    EXPECT_TRUE(line->requests_to("/v2/bot/message/push").empty());
    EXPECT_EQ(bot->get("/livez").status, 200);
}

TEST_F(CoreWebhook, InvalidReplyTokenFallsBackToPushWithRetryKey) {
    // The token is never registered with the fake: LINE answers "Invalid reply token".
    ASSERT_EQ(send(follow_event(resident, new_reply_token())).status, 200);
    auto pushes = calls("/v2/bot/message/push");
    ASSERT_EQ(pushes.size(), 1u);
    EXPECT_EQ(json::get_int(pushes[0], "status"), 200);
    EXPECT_EQ(std::string(pushes[0]["body"]["to"].GetString()), resident.user_id);
    std::string key(json::get_string(pushes[0]["headers"], "x-line-retry-key").value_or(""));
    EXPECT_TRUE(std::regex_match(key, std::regex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"))) << key;
}

TEST_F(CoreWebhook, PushRetriesThroughLineOutageWithTheSameRetryKey) {
    line->add_fault(R"({"path":"/v2/bot/message/push","status":503,"count":2})");
    ASSERT_EQ(send(follow_event(resident, new_reply_token())).status, 200);
    auto pushes = calls("/v2/bot/message/push", 3);
    ASSERT_EQ(pushes.size(), 3u);
    EXPECT_EQ(json::get_int(pushes[0], "status"), 503);
    EXPECT_EQ(json::get_int(pushes[1], "status"), 503);
    EXPECT_EQ(json::get_int(pushes[2], "status"), 200);
    auto key = [](const json::Document& c) { return std::string(json::get_string(c["headers"], "x-line-retry-key").value_or("")); };
    EXPECT_FALSE(key(pushes[0]).empty());
    EXPECT_EQ(key(pushes[0]), key(pushes[1]));
    EXPECT_EQ(key(pushes[1]), key(pushes[2]));
}

TEST_F(CoreWebhook, EventsOfOneChatRunInOrderAndOtherChatsDoNotWait) {
    EventSource other{"U99999999999999999999999999999999", ""};
    // The first reply for `resident` is held 1.5 s by LINE; the other chat must not wait for it.
    line->add_fault(R"({"path":"/v2/bot/message/reply","delayMs":1500,"count":1})");
    auto first = reply_token_for(resident);
    auto second = reply_token_for(resident);
    auto others = reply_token_for(other);
    ASSERT_EQ(send(text_event(resident, "หนึ่ง", first)).status, 200);
    std::this_thread::sleep_for(100ms);
    ASSERT_EQ(send(text_event(resident, "สอง", second)).status, 200);
    ASSERT_EQ(send(text_event(other, "สาม", others)).status, 200);
    auto replies = calls("/v2/bot/message/reply", 3);
    ASSERT_EQ(replies.size(), 3u);
    // The fake records each call when it arrives (before its injected delay).
    std::map<std::string, long long> arrived;
    for (const auto& r : replies) arrived[r["body"]["replyToken"].GetString()] = iso_to_ms(r["time"].GetString());
    ASSERT_EQ(arrived.size(), 3u);
    EXPECT_LT(arrived[others] - arrived[first], 1000) << "another chat waited for a slow one";
    EXPECT_GE(arrived[second] - arrived[first], 1400) << "the chat's second event did not wait for its first";
}

TEST_F(CoreWebhook, RedisDownGives503AndRecoversByItself) {
    redis->stop();
    EXPECT_EQ(bot->get("/readyz").status, 503);
    EXPECT_EQ(bot->get("/livez").status, 200);
    auto token = reply_token_for(resident);
    std::string event = follow_event(resident, token);
    EXPECT_EQ(send(event).status, 503);
    redis->start();
    EXPECT_TRUE(wait_until([&] { return bot->get("/readyz").status == 200; }, 10s));
    // LINE redelivers the same event: now it is accepted and answered.
    EXPECT_EQ(send(event).status, 200);
    EXPECT_EQ(calls("/v2/bot/message/reply").size(), 1u);
}

TEST_F(CoreWebhook, AcceptedEventSurvivesACrashBeforeItWasAnswered) {
    // LINE holds the reply 3 s and then fails it; the bot is killed -9 meanwhile.
    line->add_fault(R"({"path":"/v2/bot/message/reply","status":500,"delayMs":3000,"count":1})");
    auto token = reply_token_for(resident);
    ASSERT_EQ(send(follow_event(resident, token)).status, 200);
    ASSERT_TRUE(line->wait_for_requests("/v2/bot/message/reply", 0, 100ms) || true);
    std::this_thread::sleep_for(500ms);
    bot->stop(SIGKILL);
    bot->start();
    // The restarted bot finds the event in its inbox and answers it: exactly one accepted reply or push.
    ASSERT_TRUE(wait_until(
        [&] {
            for (const auto& path : {"/v2/bot/message/reply", "/v2/bot/message/push"})
                for (const auto& c : line->requests_to(path))
                    if (c.find("\"status\":200") != std::string::npos) return true;
            return false;
        },
        10s));
    std::this_thread::sleep_for(500ms);
    int delivered = 0;
    for (const auto& path : {"/v2/bot/message/reply", "/v2/bot/message/push"})
        for (const auto& c : line->requests_to(path)) delivered += c.find("\"status\":200") != std::string::npos;
    EXPECT_EQ(delivered, 1);
}

TEST_F(CoreWebhook, SigtermFinishesQueuedWorkAndExitsZero) {
    line->add_fault(R"({"path":"/v2/bot/message/reply","delayMs":800,"count":1})");
    auto token = reply_token_for(resident);
    ASSERT_EQ(send(follow_event(resident, token)).status, 200);
    std::this_thread::sleep_for(100ms);
    EXPECT_EQ(bot->stop(SIGTERM), 0);
    auto replies = line->requests_to("/v2/bot/message/reply");
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_NE(replies[0].find("\"status\":200"), std::string::npos);
}

class SlowClients : public BotTest {
    void patch_config(json::Document& config) override {
        config["server"]["header_timeout_ms"] = 400;
        config["server"]["body_timeout_ms"] = 400;
    }
};

TEST_F(SlowClients, AreCutByTimeoutsWithoutDelayingOthers) {
    int slow = connect_loopback(bot->port());
    ASSERT_GE(slow, 0);
    std::string partial = "POST /webhook HTTP/1.1\r\nHost: x\r\n";
    ASSERT_GT(::send(slow, partial.data(), partial.size(), 0), 0);
    // Another client is served at once.
    auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(bot->get("/livez").status, 200);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 300ms);
    // The slow one is cut after the header timeout: the read sees the close.
    timeval tv{3, 0};
    setsockopt(slow, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    char buffer[256];
    auto cut_at = std::chrono::steady_clock::now();
    ssize_t n = ::recv(slow, buffer, sizeof buffer, 0);
    EXPECT_LE(n, 0);
    EXPECT_LT(std::chrono::steady_clock::now() - cut_at, 2s);
    ::close(slow);

    // A body that stops half way is cut too.
    int half = connect_loopback(bot->port());
    std::string head = "POST /webhook HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"a\":";
    ::send(half, head.data(), head.size(), 0);
    setsockopt(half, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string answer;
    while ((n = ::recv(half, buffer, sizeof buffer, 0)) > 0) answer.append(buffer, static_cast<std::size_t>(n));
    EXPECT_TRUE(answer.empty() || answer.rfind("HTTP/1.1 408", 0) == 0) << answer;
    ::close(half);
    EXPECT_EQ(bot->get("/livez").status, 200);
}

TEST(ConfigCheck, ExampleIsValidAndMistakesNameTheKey) {
    std::string out;
    EXPECT_EQ(run_bot_command({"--check-config", std::string(THESABAN_SOURCE_DIR) + "/config/thesaban.example.jsonc"}, out), 0)
        << out;
    std::string dir = make_temp_dir("config");
    std::ofstream(dir + "/bad.jsonc") << R"({"municipality": {"name": "ทต.ทดสอบ"}, "server": {"max_conections": 5}})";
    EXPECT_EQ(run_bot_command({"--check-config", dir + "/bad.jsonc"}, out), 1);
    EXPECT_NE(out.find("server.max_conections: unknown key"), std::string::npos) << out;
    std::ofstream(dir + "/port.jsonc") << R"({"municipality": {"name": "x"}, "server": {"port": "80"}})";
    EXPECT_EQ(run_bot_command({"--check-config", dir + "/port.jsonc"}, out), 1);
    EXPECT_NE(out.find("server.port: must be an integer"), std::string::npos) << out;
    // Running needs the secrets from the environment.
    EXPECT_EQ(run_bot_command({"--config", std::string(THESABAN_SOURCE_DIR) + "/config/thesaban.example.jsonc"}, out,
                              {{"LINE_CHANNEL_SECRET", ""}, {"LINE_CHANNEL_ACCESS_TOKEN", ""}}),
              1);
    EXPECT_NE(out.find("LINE_CHANNEL_SECRET"), std::string::npos) << out;
}

}  // namespace
}  // namespace thesaban::testing

namespace thesaban::testing {
namespace {

class ConnectionCap : public BotTest {
    void patch_config(json::Document& config) override { config["server"]["max_connections"] = 2; }
};

TEST_F(ConnectionCap, ConnectionsOverTheCapGet503AndTheCapFreesUp) {
    int first = connect_loopback(bot->port());
    int second = connect_loopback(bot->port());
    ASSERT_GE(first, 0);
    ASSERT_GE(second, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    auto refused = bot->get("/livez");
    EXPECT_EQ(refused.status, 503);
    ::close(first);
    EXPECT_TRUE(wait_until([&] { return bot->get("/livez").status == 200; }, std::chrono::seconds(3)));
    ::close(second);
}

}  // namespace
}  // namespace thesaban::testing
