// The runtime under the handlers, through the real binary: several bot processes sharing one Redis
// (order per chat, state, one run per event), a process killed in the middle of a load, a slow event
// swept while it runs, and back-pressure.
#include <map>
#include <regex>
#include <set>
#include <thread>

#include "bot_fixture.h"
#include "store/redis_pool.h"
#include "support/redis_sentinel.h"
#include "support/resident.h"

namespace thesaban::testing {
namespace {

using namespace std::chrono_literals;

// Two bot processes on one Redis and one fake LINE, as two machines behind nginx.
class TwoProcesses : public BotTest {
protected:
    void SetUp() override {
        BotTest::SetUp();
        BotProcess::Options options;
        options.redis_url = redis->url();
        options.line_api_base_url = line->base_url();
        options.patch_config = [this](json::Document& config) { patch_config(config); };
        second = std::make_unique<BotProcess>(options);
        second->start();
    }
    void TearDown() override {
        if (HasFailure() && second) std::cerr << "---- second bot output ----\n" << second->output() << "\n";
        second.reset();
        BotTest::TearDown();
    }
    void patch_config(json::Document& config) override {
        auto& a = config.GetAllocator();
        // A dead process's chats are taken over after 1 s instead of 5, to keep the tests short.
        config["redis"].AddMember("lease_ttl_ms", 1000, a);
    }

    // Every successful reply and push the fake accepted, keyed by reply token or retry key.
    std::map<std::string, int> answers() {
        std::map<std::string, int> out;
        for (const auto& text : line->requests_to("/v2/bot/message/reply")) {
            json::Document call;
            json::parse(text, call);
            if (json::get_int(call, "status").value_or(0) == 200) ++out[call["body"]["replyToken"].GetString()];
        }
        for (const auto& text : line->requests_to("/v2/bot/message/push")) {
            json::Document call;
            json::parse(text, call);
            if (json::get_int(call, "status").value_or(0) == 200)
                ++out["push:" + std::string(json::get_string(call["headers"], "x-line-retry-key").value_or(""))];
        }
        return out;
    }

    std::unique_ptr<BotProcess> second;
};

std::regex kTicketId(R"(([A-Z]{2,}-\d{4}-\d{4,}))");

TEST_F(TwoProcesses, AConversationSpreadOverBothKeepsItsOrderAndState) {
    // Every step of the resident's streetlight report goes to the other process than the last.
    Resident resident({bot.get(), second.get()}, *line, {"U0123456789abcdef0123456789abcd01", ""});
    Resident::Plan plan;
    plan.text = "ไฟหน้าบ้านดับ";
    plan.prefer = {"ดับทั้งต้น", "ยืนยัน", "แจ้งใหม่"};
    plan.avoid = {"ยกเลิก", "แก้ไข", "ย้อนกลับ", "ติดตาม"};
    plan.location = std::make_pair(17.39, 103.87);
    plan.image_bytes = sample_jpeg();
    std::string transcript;
    auto id = resident.converse(kTicketId, plan, &transcript);
    ASSERT_TRUE(id) << transcript;
    auto tracked = resident.say("ติดตามเรื่อง");
    std::string all;
    for (const auto& m : tracked) all += m.visible_text;
    EXPECT_NE(all.find(*id), std::string::npos) << all;
    // One ticket, whatever process handled which step.
    store::RedisPool pool(store::parse_redis_url(redis->url()));
    auto keys = pool.command({"KEYS", "*ticket:" + *id});
    EXPECT_EQ(keys.elements.size(), 1u) << transcript;
}

TEST_F(TwoProcesses, TheSameEventSentToBothAtOnceRunsOnce) {
    constexpr int kEvents = 30;
    std::vector<std::string> bodies;
    std::vector<std::string> redelivered;
    for (int i = 0; i < kEvents; ++i) {
        EventSource source{"U0123456789abcdef0123456789ab" + std::to_string(1000 + i).substr(1), ""};
        auto token = reply_token_for(source);
        auto id = new_event_id();
        bodies.push_back(webhook_body({text_event(source, "สวัสดี", token, id)}));
        redelivered.push_back(webhook_body({text_event(source, "สวัสดี", token, id, false, true)}));
    }
    std::thread to_second([&] {
        for (const auto& b : redelivered) second->post_webhook(b);
    });
    for (const auto& b : bodies) bot->post_webhook(b);
    to_second.join();
    ASSERT_TRUE(line->wait_for_requests("/v2/bot/message/reply", kEvents, 10s));
    std::this_thread::sleep_for(500ms);
    auto got = answers();
    EXPECT_EQ(got.size(), static_cast<std::size_t>(kEvents));
    for (const auto& [key, count] : got) EXPECT_EQ(count, 1) << key;
    EXPECT_EQ(line->requests_to("/v2/bot/message/reply").size(), static_cast<std::size_t>(kEvents))
        << "an event ran twice (its second reply was refused)";
}

TEST_F(TwoProcesses, OneKilledInTheMiddleOfAThousandEventsEveryEventAnsweredExactlyOnce) {
    constexpr int kUsers = 200;
    constexpr int kPerUser = 5;
    // Each reply takes LINE 20 ms, so events are in flight when the first process dies.
    line->add_fault(R"({"path":"/v2/bot/message/reply","delayMs":20,"count":100000})");
    struct Pending {
        std::string body;
        std::string token;
    };
    std::vector<Pending> events;
    for (int n = 0; n < kPerUser; ++n)
        for (int u = 0; u < kUsers; ++u) {
            EventSource source{"U0123456789abcdef0123456789a" + std::to_string(10000 + u).substr(1), ""};
            auto token = reply_token_for(source);
            events.push_back({webhook_body({text_event(source, "สวัสดี", token)}), token});
        }
    std::vector<std::size_t> refused;  // what the killed process did not acknowledge: LINE redelivers
    // The first process gets the even events and is killed -9 after 150 of them, mid-flight; the
    // second gets the odd ones meanwhile. (One thread owns each process: no signal races.)
    std::thread first([&] {
        int sent = 0;
        for (std::size_t i = 0; i < events.size(); i += 2) {
            if (sent++ == 150) bot->stop(SIGKILL);
            auto r = sent <= 150 ? bot->post_webhook(events[i].body) : HttpResult{};
            if (r.status != 200) refused.push_back(i);
        }
    });
    for (std::size_t i = 1; i < events.size(); i += 2) EXPECT_EQ(second->post_webhook(events[i].body).status, 200);
    first.join();
    // LINE redelivers what got no 200; the survivor takes it, and the dead process's chats.
    for (auto i : refused) ASSERT_EQ(second->post_webhook(events[i].body).status, 200);

    ASSERT_TRUE(wait_until([&] { return answers().size() >= events.size(); }, 60s))
        << answers().size() << " of " << events.size() << " answered";
    std::this_thread::sleep_for(1500ms);
    auto got = answers();
    std::size_t by_push = 0;
    for (const auto& [key, count] : got) {
        EXPECT_EQ(count, 1) << key << " answered " << count << " times";
        by_push += key.rfind("push:", 0) == 0;
    }
    EXPECT_EQ(got.size(), events.size()) << "answers: " << got.size();
    std::cout << "[ figures  ] " << events.size() << " events, " << refused.size()
              << " redelivered after the kill, " << by_push << " answered by push\n";
}

class SlowEvents : public BotTest {
protected:
    void patch_config(json::Document& config) override {
        auto& a = config.GetAllocator();
        config["redis"].AddMember("lease_ttl_ms", 500, a);
    }
};

TEST_F(SlowEvents, AnEventStillRunningWhenTheSweepComesRunsOnce) {
    // LINE holds the reply 3 s: six lease periods, many take-over sweeps. The live process's
    // heartbeat keeps its chat; the event is neither re-run nor answered twice.
    line->add_fault(R"({"path":"/v2/bot/message/reply","delayMs":3000,"count":1})");
    auto token = reply_token_for(resident);
    ASSERT_EQ(send(text_event(resident, "สวัสดี", token)).status, 200);
    ASSERT_TRUE(line->wait_for_requests("/v2/bot/message/reply", 1, 10s));
    std::this_thread::sleep_for(1500ms);
    EXPECT_EQ(line->requests_to("/v2/bot/message/reply").size(), 1u);
    EXPECT_TRUE(line->requests_to("/v2/bot/message/push").empty());
}

class BackPressure : public BotTest {
protected:
    void patch_config(json::Document& config) override {
        config["server"]["max_events_in_flight"] = 2;
    }
};

TEST_F(BackPressure, PastTheBoundWebhooksGet503AndLineRedeliversLater) {
    line->add_fault(R"({"path":"/v2/bot/message/reply","delayMs":1500,"count":2})");
    EventSource a{"U0123456789abcdef0123456789abca01", ""}, b{"U0123456789abcdef0123456789abca02", ""},
        c{"U0123456789abcdef0123456789abca03", ""};
    ASSERT_EQ(send(text_event(a, "สวัสดี", reply_token_for(a))).status, 200);
    ASSERT_EQ(send(text_event(b, "สวัสดี", reply_token_for(b))).status, 200);
    auto late = text_event(c, "สวัสดี", reply_token_for(c));
    EXPECT_EQ(send(late).status, 503);
    // Once the two slow ones are done, the redelivery is taken and answered.
    ASSERT_TRUE(line->wait_for_requests("/v2/bot/message/reply", 2, 5s));
    ASSERT_TRUE(wait_until([&] { return send(late).status == 200; }, 5s));
    EXPECT_TRUE(line->wait_for_requests("/v2/bot/message/reply", 3, 5s));
}

class BacklogBound : public BotTest {
protected:
    void patch_config(json::Document& config) override {
        config["server"]["max_pending_events"] = 3;
        config["server"]["threads"] = 1;  // the figure is per loop: one loop sees every accept here
    }
};

TEST_F(BacklogBound, PastTheInboxBacklogWebhooksGet503UntilItDrains) {
    // One resident's three messages: the first waits on a slow reply, the other two queue behind it.
    line->add_fault(R"({"path":"/v2/bot/message/reply","delayMs":1500,"count":1})");
    EventSource a{"U0123456789abcdef0123456789abcb01", ""}, b{"U0123456789abcdef0123456789abcb02", ""};
    for (int i = 0; i < 3; ++i) ASSERT_EQ(send(text_event(a, "สวัสดี", reply_token_for(a))).status, 200);
    auto other = text_event(b, "สวัสดี", reply_token_for(b));
    EXPECT_EQ(send(other).status, 503) << "three events stored and unanswered: the backlog is full";
    // The slow reply ends, the queued two follow; then LINE's redelivery is taken and answered.
    ASSERT_TRUE(line->wait_for_requests("/v2/bot/message/reply", 3, 10s));
    ASSERT_TRUE(wait_until([&] { return send(other).status == 200; }, 5s));
    EXPECT_TRUE(line->wait_for_requests("/v2/bot/message/reply", 4, 5s));
    EXPECT_EQ(line->requests_to("/v2/bot/message/push").size(), 0u);
}

// A master, one replica and three sentinels on loopback; the bot finds the master through the
// sentinels and confirms a ticket only once the replica has it.
class SentinelFailover : public ::testing::Test {
protected:
    void SetUp() override {
        master = std::make_unique<RedisServer>();
        replica = std::make_unique<RedisServer>(
            RedisServerOptions{.extra_args = {"--replicaof", "127.0.0.1", std::to_string(master->port())}});
        std::string list;
        for (int i = 0; i < 3; ++i) {
            RedisSentinelOptions o;
            o.master_port = master->port();
            sentinels.push_back(std::make_unique<RedisSentinel>(o));
            list += (i ? "," : "") + std::string("127.0.0.1:") + std::to_string(sentinels.back()->port());
        }
        ASSERT_TRUE(sentinels[0]->wait_until_knows(2, 1, 15s)) << sentinels[0]->output();
        line = std::make_unique<FakeLine>();
        BotProcess::Options options;
        options.redis_url = master->url();
        options.line_api_base_url = line->base_url();
        options.env = {{"REDIS_SENTINELS", list}, {"REDIS_SENTINEL_MASTER", "m"}};
        options.patch_config = [](json::Document& config) {
            auto& a = config.GetAllocator();
            config["redis"]["confirm_replicas"] = 1;
            config["redis"]["lease_ttl_ms"] = 1000;
            (void)a;
        };
        bot = std::make_unique<BotProcess>(options);
        bot->start();
    }
    void TearDown() override {
        if (HasFailure() && bot) std::cerr << "---- bot output ----\n" << bot->output() << "\n";
        bot.reset();
        line.reset();
        sentinels.clear();
        replica.reset();
        master.reset();
    }

    std::optional<std::string> report(Resident& resident, double lat, std::string* transcript) {
        Resident::Plan plan;
        plan.text = "ไฟหน้าบ้านดับ";
        plan.prefer = {"ดับทั้งต้น", "ยืนยัน", "แจ้งใหม่"};
        plan.avoid = {"ยกเลิก", "แก้ไข", "ย้อนกลับ", "ติดตาม"};
        plan.location = std::make_pair(lat, 103.87);
        plan.image_bytes = sample_jpeg();
        return resident.converse(kTicketId, plan, transcript);
    }

    std::unique_ptr<RedisServer> master, replica;
    std::vector<std::unique_ptr<RedisSentinel>> sentinels;
    std::unique_ptr<FakeLine> line;
    std::unique_ptr<BotProcess> bot;
};

TEST_F(SentinelFailover, TheBotFollowsThePromotedReplicaAndNoConfirmedTicketIsLost) {
    std::vector<std::string> ids;
    std::vector<std::unique_ptr<Resident>> residents;
    for (int i = 0; i < 3; ++i) {
        residents.push_back(std::make_unique<Resident>(
            *bot, *line, EventSource{"U0123456789abcdef0123456789abcf0" + std::to_string(i), ""}));
        std::string transcript;
        auto id = report(*residents.back(), 17.30 + 0.01 * i, &transcript);
        ASSERT_TRUE(id) << transcript;
        ids.push_back(*id);
    }
    auto failed_over_at = std::chrono::steady_clock::now();
    master->kill9();
    ASSERT_TRUE(wait_until(
        [&] {
            auto address = sentinels[0]->master_address();
            return address && address->second == replica->port();
        },
        20s))
        << sentinels[0]->output();
    ASSERT_TRUE(wait_until([&] { return bot->get("/readyz").status == 200; }, 20s));
    auto followed_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                             failed_over_at);
    // Every ticket a resident was told about is on the new master.
    for (std::size_t i = 0; i < ids.size(); ++i) {
        auto tracked = residents[i]->say("ติดตามเรื่อง");
        std::string all;
        for (const auto& m : tracked) all += m.visible_text;
        EXPECT_NE(all.find(ids[i]), std::string::npos) << all;
    }
    // And the service goes on: a new report is filed on the promoted replica.
    Resident late(*bot, *line, EventSource{"U0123456789abcdef0123456789abcf09", ""});
    std::string transcript;
    auto id = report(late, 17.35, &transcript);
    EXPECT_TRUE(id) << transcript;
    std::cout << "[ figures  ] master killed -9; the bot was ready on the promoted replica after " << followed_ms.count()
              << " ms\n";
}

}  // namespace
}  // namespace thesaban::testing
