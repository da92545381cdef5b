// Fault tests (reliability issue): the real binary, a real redis-server and the fake LINE API on
// loopback, with crashes and outages injected while residents use the bot. Each prints its figures
// ("[ figures  ]" lines), which the README's Reliability section reports.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <thread>

#include "bot_fixture.h"
#include "store/redis_pool.h"
#include "support/resident.h"

namespace thesaban::testing {
namespace {

using namespace std::chrono_literals;

const std::regex kTicketId("(PNK-\\d{4}-\\d{6})");

// LINE user ids are "U" and 32 hex digits.
std::string resident_id(int i) {
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "Ufa%030d", i);
    return buffer;
}

class Faults : public BotTest {
public:
    // One resident files a complaint by tapping through the flow; the events it sent, its ยืนยัน last.
    std::vector<std::string> record_complaint() {
        Resident first(*bot, *line, {resident_id(999999), ""});
        Resident::Plan plan;
        plan.text = "ขยะกองหน้าตลาดไม่มีคนมาเก็บหลายวันแล้วค่ะ ส่งกลิ่นเหม็นมาก";
        plan.prefer = {"ขยะ", "ข้าม", "ยืนยัน"};
        plan.avoid = {"ยกเลิก", "แก้ไข", "ย้อนกลับ"};
        std::string transcript;
        auto id = first.converse(kTicketId, plan, &transcript);
        EXPECT_TRUE(id) << transcript;
        return first.sent_events();
    }

    // The recorded event as another resident would send it: their id, a new event id and reply token.
    std::string as_resident(const std::string& event_json, const std::string& user_id) {
        return webhook_body({as_resident_event(event_json, user_id)});
    }
    std::string as_resident_event(const std::string& event_json, const std::string& user_id) {
        json::Document event;
        json::parse(event_json, event);
        auto& a = event.GetAllocator();
        event["source"]["userId"].SetString(user_id.c_str(), static_cast<rapidjson::SizeType>(user_id.size()), a);
        std::string id = new_event_id();
        event["webhookEventId"].SetString(id.c_str(), static_cast<rapidjson::SizeType>(id.size()), a);
        event["timestamp"].SetInt64(now_ms());
        if (event.HasMember("replyToken")) {
            std::string token = reply_token_for({user_id, ""});
            event["replyToken"].SetString(token.c_str(), static_cast<rapidjson::SizeType>(token.size()), a);
        }
        return json::to_string(event);
    }

    // The same event as LINE redelivers it: deliveryContext.isRedelivery set.
    static std::string redelivered(const std::string& event_json) {
        json::Document event;
        json::parse(event_json, event);
        auto& a = event.GetAllocator();
        if (!event.HasMember("deliveryContext")) event.AddMember("deliveryContext", json::Value(rapidjson::kObjectType), a);
        auto& context = event["deliveryContext"];
        if (context.HasMember("isRedelivery"))
            context["isRedelivery"].SetBool(true);
        else
            context.AddMember("isRedelivery", true, a);
        return json::to_string(event);
    }

    // POSTs every body from `threads` threads at once; each body's status (0: no answer). `on_sent`
    // sees how many have been answered so far.
    // Each thread waits `gap` after each answer, to spread the bodies over a fault.
    std::vector<int> post_all(const std::vector<std::string>& bodies, int threads = 8,
                              std::chrono::milliseconds gap = std::chrono::milliseconds(0)) {
        std::vector<int> status(bodies.size(), 0);
        std::atomic<std::size_t> next{0};
        std::vector<std::thread> pool;
        for (int t = 0; t < threads; ++t)
            pool.emplace_back([&] {
                for (std::size_t i; (i = next++) < bodies.size();) {
                    status[i] = bot->post_webhook(bodies[i]).status;
                    answered_++;
                    if (gap.count() > 0) std::this_thread::sleep_for(gap);
                }
            });
        for (auto& t : pool) t.join();
        return status;
    }

    std::size_t inbox_left() {
        store::RedisPool pool(store::parse_redis_url(redis->url()));
        return static_cast<std::size_t>(pool.command({"HLEN", "{thesaban:inbox}:events"}).integer +
                                        pool.command({"HLEN", "{thesaban:outbox}:events"}).integer);
    }

    std::vector<std::string> tickets_of(store::RedisPool& pool, const std::string& user) {
        std::vector<std::string> ids;
        for (const auto& e : pool.command({"ZRANGE", "thesaban:tickets:reporter:" + user, "0", "-1"}).elements)
            ids.push_back(e.str);
        return ids;
    }

    // The ticket numbers each chat was told, in replies and pushes, from one read of the fake's log.
    std::map<std::string, std::set<std::string>> numbers_told() {
        std::map<std::string, std::set<std::string>> out;
        json::Document calls = line->requests();
        for (const auto& call : calls.GetArray()) {
            if (json::get_int(call, "status").value_or(0) != 200 || !call.HasMember("body")) continue;
            std::string to;
            if (call.HasMember("replyTo") && call["replyTo"].IsObject())
                to = std::string(json::get_string(call["replyTo"], "userId").value_or(""));
            else if (auto push_to = json::get_string(call["body"], "to"))
                to = std::string(*push_to);
            std::string text = json::to_string(call["body"]);
            for (std::sregex_iterator it(text.begin(), text.end(), kTicketId), end; it != end; ++it)
                out[to].insert((*it)[1].str());
        }
        return out;
    }

    // Calls to `path` that LINE answered `status`.
    std::size_t count_calls(const std::string& path, int status) {
        std::size_t n = 0;
        for (const auto& text : line->requests_to(path)) {
            json::Document call;
            json::parse(text, call);
            n += json::get_int(call, "status").value_or(0) == status;
        }
        return n;
    }

    std::atomic<std::size_t> answered_{0};
};

// Two bot processes on the same Redis and fake LINE, as two machines behind nginx.
std::vector<std::string> to_confirmation(Faults& t, const std::vector<std::string>& steps, int first, int count) {
    for (std::size_t s = 0; s + 1 < steps.size(); ++s) {
        std::vector<std::string> bodies;
        for (int r = first; r < first + count; ++r) bodies.push_back(t.as_resident(steps[s], resident_id(r)));
        for (int status : t.post_all(bodies)) EXPECT_EQ(status, 200);
    }
    EXPECT_TRUE(wait_until([&] { return t.inbox_left() == 0; }, 60s)) << "the flows did not finish";
    std::vector<std::string> confirmations;
    for (int r = first; r < first + count; ++r) confirmations.push_back(t.as_resident(steps.back(), resident_id(r)));
    return confirmations;
}

class FaultsTwoProcesses : public Faults {
protected:
    void SetUp() override {
        Faults::SetUp();
        BotProcess::Options options;
        options.redis_url = redis->url();
        options.line_api_base_url = line->base_url();
        second = std::make_unique<BotProcess>(options);
        second->start();
    }
    void TearDown() override {
        if (HasFailure() && second) std::cerr << "---- second bot output ----\n" << second->output() << "\n";
        second.reset();
        Faults::TearDown();
    }
    std::unique_ptr<BotProcess> second;
};

// Brings residents first..first+count-1 to the summary with its ยืนยัน (each step for all of them
// at once) and returns their confirmations, not yet sent.
std::vector<std::string> to_confirmation(Faults& t, const std::vector<std::string>& steps, int first, int count);

// (a) SIGKILL while 1,000 residents press ยืนยัน at once.
TEST_F(Faults, AThousandConfirmationsCutBySigkillEachResidentEndsWithExactlyOneTicket) {
    constexpr int kResidents = 1000;
    const auto steps = record_complaint();
    ASSERT_GE(steps.size(), 3u);
    // Everyone up to the summary with its ยืนยัน button: each step for all residents at once (a
    // resident's steps keep their order: the next is sent once the previous is stored).
    for (std::size_t s = 0; s + 1 < steps.size(); ++s) {
        std::vector<std::string> bodies;
        for (int r = 0; r < kResidents; ++r) bodies.push_back(as_resident(steps[s], resident_id(r)));
        for (int status : post_all(bodies)) ASSERT_EQ(status, 200);
    }
    ASSERT_TRUE(wait_until([&] { return inbox_left() == 0; }, 60s)) << "the flows did not finish";

    // Now all press ยืนยัน; the bot is killed -9 once 400 have been answered.
    std::vector<std::string> confirmations;
    for (int r = 0; r < kResidents; ++r) confirmations.push_back(as_resident(steps.back(), resident_id(r)));
    answered_ = 0;
    std::vector<int> status;
    std::thread posting([&] { status = post_all(confirmations); });
    ASSERT_TRUE(wait_until([&] { return answered_ >= 400; }, 30s));
    bot->stop(SIGKILL);
    posting.join();
    std::size_t acknowledged = 0;
    for (int s : status) acknowledged += s == 200;

    // Restarted; LINE redelivers every webhook that got no 200.
    auto restarted_at = std::chrono::steady_clock::now();
    bot->start();
    std::vector<std::string> redelivered;
    for (std::size_t i = 0; i < confirmations.size(); ++i)
        if (status[i] != 200) redelivered.push_back(confirmations[i]);
    for (int s : post_all(redelivered)) ASSERT_EQ(s, 200);

    store::RedisPool pool(store::parse_redis_url(redis->url()));
    ASSERT_TRUE(wait_until(
        [&] {
            if (inbox_left() != 0) return false;
            for (int r = 0; r < kResidents; r += 50)
                if (tickets_of(pool, resident_id(r)).empty()) return false;
            return true;
        },
        90s));
    auto recovered_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - restarted_at).count();
    std::this_thread::sleep_for(500ms);

    auto told = numbers_told();
    int with_one = 0, told_once = 0;
    for (int r = 0; r < kResidents; ++r) {
        const auto user = resident_id(r);
        auto tickets = tickets_of(pool, user);
        EXPECT_EQ(tickets.size(), 1u) << user << " has " << tickets.size() << " tickets";
        with_one += tickets.size() == 1;
        const auto& numbers = told[user];
        // Every number a resident was sent is a ticket that exists, theirs, and only one.
        EXPECT_LE(numbers.size(), 1u) << user;
        for (const auto& n : numbers)
            EXPECT_TRUE(!tickets.empty() && n == tickets[0]) << user << " was told " << n;
        told_once += numbers.size() == 1;
        if (numbers.empty()) {
            auto chat = Resident(*bot, *line, {user, ""}).messages();
            ADD_FAILURE() << user << " was never told its ticket " << (tickets.empty() ? "" : tickets[0])
                          << "; last message: " << (chat.empty() ? "(none)" : chat.back().visible_text);
        }
    }
    EXPECT_EQ(told_once, kResidents) << "every resident is told their number (by reply, or by push once the "
                                        "reply token is spent)";
    std::cout << "[ figures  ] " << kResidents << " confirmations, " << acknowledged
              << " acknowledged before the SIGKILL, " << redelivered.size() << " redelivered; after the restart "
              << with_one << " residents with exactly one ticket, " << told_once << " told their number, "
              << "0 with two; all settled " << recovered_ms << " ms after the restart\n";
}

// (d) Every webhook delivered twice to two processes at once, and once more flagged as a redelivery.
TEST_F(FaultsTwoProcesses, EveryWebhookDeliveredThreeTimesToTwoProcessesIsHandledOnce) {
    constexpr int kResidents = 200;
    const auto steps = record_complaint();
    ASSERT_GE(steps.size(), 3u);
    const std::size_t replies_before = count_calls("/v2/bot/message/reply", 200);
    const std::size_t cards_before = count_calls("/v2/bot/message/push", 200);
    std::size_t deliveries = 0;
    for (const auto& step : steps) {
        std::vector<std::string> events;
        for (int r = 0; r < kResidents; ++r) events.push_back(as_resident_event(step, resident_id(r)));
        std::atomic<int> refused{0};
        auto deliver = [&](BotProcess& to, bool as_redelivery) {
            for (const auto& e : events)
                if (to.post_webhook(webhook_body({as_redelivery ? redelivered(e) : e})).status != 200) ++refused;
        };
        std::thread to_second([&] { deliver(*second, false); });
        deliver(*bot, false);
        to_second.join();
        deliver(*bot, true);  // LINE's redelivery, with the flag
        ASSERT_EQ(refused, 0);
        deliveries += 3 * events.size();
        ASSERT_TRUE(wait_until([&] { return inbox_left() == 0; }, 30s));
    }
    std::this_thread::sleep_for(500ms);

    store::RedisPool pool(store::parse_redis_url(redis->url()));
    auto told = numbers_told();
    std::set<std::string> tickets;
    for (int r = 0; r < kResidents; ++r) {
        auto mine = tickets_of(pool, resident_id(r));
        ASSERT_EQ(mine.size(), 1u) << resident_id(r);
        tickets.insert(mine[0]);
        EXPECT_EQ(told[resident_id(r)], std::set<std::string>{mine[0]}) << resident_id(r);
    }
    // One answer per resident per step, all by reply: nothing answered twice, no reply token
    // refused (a second answer would have tried it), no push to a resident.
    const std::size_t replies = count_calls("/v2/bot/message/reply", 200) - replies_before;
    EXPECT_EQ(replies, steps.size() * kResidents);
    EXPECT_EQ(count_calls("/v2/bot/message/reply", 400), 0u);
    // The department's group got each new ticket's card once.
    const std::size_t cards = count_calls("/v2/bot/message/push", 200) - cards_before;
    EXPECT_EQ(cards, static_cast<std::size_t>(kResidents));
    std::map<std::string, int> cards_per_ticket;
    for (const auto& text : line->requests_to("/v2/bot/message/push")) {
        json::Document call;
        json::parse(text, call);
        if (json::get_int(call, "status").value_or(0) != 200) continue;
        std::string body = json::to_string(call["body"]);
        std::set<std::string> in_call;
        for (std::sregex_iterator it(body.begin(), body.end(), kTicketId), end; it != end; ++it) in_call.insert((*it)[1]);
        for (const auto& n : in_call) ++cards_per_ticket[n];
    }
    for (const auto& id : tickets) EXPECT_EQ(cards_per_ticket[id], 1) << id;
    std::cout << "[ figures  ] " << deliveries << " deliveries of " << deliveries / 3 << " events to two processes: "
              << tickets.size() << " tickets for " << kResidents << " residents, " << replies << " replies, "
              << cards << " officer cards, 0 duplicates\n";
}

// (b) Redis stopped (SIGTERM) or killed (SIGKILL) while residents press ยืนยัน.
struct RedisFaultFigures {
    std::size_t acknowledged = 0, refused_503 = 0, other = 0;
    long long down_ms = 0, ready_after_ms = 0;
    int residents = 0, with_one_ticket = 0, without_ticket = 0, with_two = 0;
    int numbers_lost = 0;  // told to a resident, not in Redis afterwards
};

class FaultsRedis : public Faults {
public:
    RedisFaultFigures confirm_through(const std::vector<std::string>& confirmations, int first, bool kill) {
        RedisFaultFigures f;
        f.residents = static_cast<int>(confirmations.size());
        answered_ = 0;
        std::vector<int> status;
        // Spread over about 2 s, so that the fault (after a third of them, 1 s long) falls in the middle.
        std::thread posting([&] { status = post_all(confirmations, 4, 25ms); });
        EXPECT_TRUE(wait_until([&] { return answered_ >= confirmations.size() / 3; }, 30s));
        auto down_at = std::chrono::steady_clock::now();
        if (kill)
            redis->kill9();
        else
            redis->stop();
        std::this_thread::sleep_for(1s);  // confirmations keep coming meanwhile
        redis->start();
        EXPECT_TRUE(wait_until([&] { return bot->get("/readyz").status == 200; }, 20s)) << "not ready again";
        auto ready_at = std::chrono::steady_clock::now();
        f.down_ms = std::chrono::duration_cast<std::chrono::milliseconds>(ready_at - down_at).count();
        posting.join();
        std::vector<std::string> again;
        for (std::size_t i = 0; i < status.size(); ++i) {
            f.acknowledged += status[i] == 200;
            f.refused_503 += status[i] == 503;
            f.other += status[i] != 200 && status[i] != 503;
            if (status[i] != 200) again.push_back(confirmations[i]);
        }
        for (int st : post_all(again)) EXPECT_EQ(st, 200);  // LINE redelivers what got no 200
        EXPECT_TRUE(wait_until([&] { return inbox_left() == 0; }, 60s));
        std::this_thread::sleep_for(500ms);

        store::RedisPool pool(store::parse_redis_url(redis->url()));
        auto told = numbers_told();
        for (int r = first; r < first + f.residents; ++r) {
            auto mine = tickets_of(pool, resident_id(r));
            f.with_one_ticket += mine.size() == 1;
            f.without_ticket += mine.empty();
            f.with_two += mine.size() > 1;
            for (const auto& n : told[resident_id(r)])
                f.numbers_lost += std::find(mine.begin(), mine.end(), n) == mine.end();
        }
        return f;
    }

    static void print(const char* what, const RedisFaultFigures& f) {
        std::cout << "[ figures  ] " << what << ": " << f.residents << " confirmations, " << f.acknowledged
                  << " acknowledged, " << f.refused_503 << " answered 503 while Redis was down (redelivered), "
                  << f.other << " other; ready again " << f.down_ms << " ms after the fault; " << f.with_one_ticket
                  << " residents with one ticket, " << f.without_ticket << " with none, " << f.with_two
                  << " with two; " << f.numbers_lost << " ticket numbers told and then lost\n";
    }
};

TEST_F(FaultsRedis, StoppedThenKilledUnderLoadWithAppendfsyncEverysec) {
    const auto steps = record_complaint();
    ASSERT_GE(steps.size(), 3u);
    auto batch = to_confirmation(*this, steps, 0, 600);

    // SIGTERM: Redis writes its AOF out before it exits, so nothing confirmed is lost.
    std::vector<std::string> first(batch.begin(), batch.begin() + 300);
    auto stopped = confirm_through(first, 0, false);
    print("redis SIGTERM, appendfsync everysec", stopped);
    EXPECT_GT(stopped.refused_503, 0u) << "webhooks are refused (503) while Redis is down";
    EXPECT_EQ(stopped.other, 0u) << "only 200 or 503, never a 500";
    EXPECT_EQ(stopped.with_one_ticket, 300);
    EXPECT_EQ(stopped.numbers_lost, 0);

    // SIGKILL: up to a second of writes may be lost (appendfsync everysec); never two tickets, and
    // the bot comes back by itself.
    std::vector<std::string> second(batch.begin() + 300, batch.end());
    auto killed = confirm_through(second, 300, true);
    print("redis SIGKILL, appendfsync everysec", killed);
    EXPECT_EQ(killed.other, 0u);
    EXPECT_EQ(killed.with_two, 0);
    EXPECT_EQ(killed.with_one_ticket + killed.without_ticket, 300);
}

class FaultsRedisAlwaysFsync : public FaultsRedis {
protected:
    RedisServerOptions redis_options() override {
        RedisServerOptions o;
        o.appendfsync = "always";
        return o;
    }
};

TEST_F(FaultsRedisAlwaysFsync, KilledUnderLoadLosesNoConfirmedTicket) {
    const auto steps = record_complaint();
    ASSERT_GE(steps.size(), 3u);
    auto batch = to_confirmation(*this, steps, 0, 300);
    auto killed = confirm_through(batch, 0, true);
    print("redis SIGKILL, appendfsync always", killed);
    EXPECT_GT(killed.refused_503, 0u);
    EXPECT_EQ(killed.other, 0u);
    EXPECT_EQ(killed.with_one_ticket, 300) << "with fsync on every write, every stored event survives";
    EXPECT_EQ(killed.numbers_lost, 0);
}

// (c) LINE answers 500, then 429 with Retry-After, then stalls (takes the message and answers after
// the bot gave up), 20 s each, while residents confirm complaints and officers accept tickets.
TEST_F(Faults, AMinuteOfLineOutageDeliversEveryCardAndNotificationExactlyOnce) {
    const std::string kHealthGroup = "C2a2b3c4d5e6f708192a3b4c5d6e7f802";
    const std::string kHealthOfficer = "U3a2b3c4d5e6f708192a3b4c5d6e7f803";
    constexpr int kPhases = 3, kPerPhase = 10;
    const auto steps = record_complaint();
    ASSERT_GE(steps.size(), 3u);
    store::RedisPool pool(store::parse_redis_url(redis->url()));

    // Before the outage: 15 residents already have tickets, with their cards in the group.
    auto earlier = to_confirmation(*this, steps, 1000, 15);
    for (int s : post_all(earlier)) ASSERT_EQ(s, 200);
    ASSERT_TRUE(wait_until([&] { return inbox_left() == 0; }, 30s));
    std::map<std::string, std::string> accept_data;  // ticket → the card's รับเรื่อง postback
    std::map<std::string, std::string> reporter;     // ticket → resident
    ASSERT_TRUE(wait_until(
        [&] {
            accept_data.clear();
            for (const auto& m : Resident(*bot, *line, {kHealthOfficer, kHealthGroup}).messages()) {
                std::smatch id;
                if (!std::regex_search(m.visible_text, id, kTicketId)) continue;
                for (const auto& a : m.actions)
                    if (a.label.find("รับเรื่อง") != std::string::npos && !a.data.empty()) accept_data[id[1]] = a.data;
            }
            return accept_data.size() >= 15;
        },
        10s));
    for (int r : {999999, 1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014})
        reporter[tickets_of(pool, resident_id(r)).at(0)] = resident_id(r);  // 999999: record_complaint's

    auto confirmations = to_confirmation(*this, steps, 0, kPhases * kPerPhase);
    const std::vector<std::string> phases[kPhases] = {
        {R"({"path":"/v2/bot/message/reply","status":500,"count":100000})",
         R"({"path":"/v2/bot/message/push","status":500,"count":100000})"},
        {R"({"path":"/v2/bot/message/reply","status":429,"retryAfter":3,"count":100000,"body":{"message":"Too many requests"}})",
         R"({"path":"/v2/bot/message/push","status":429,"retryAfter":3,"count":100000,"body":{"message":"Too many requests"}})"},
        {R"({"path":"/v2/bot/message/reply","delayMs":12000,"count":100000})",
         R"({"path":"/v2/bot/message/push","delayMs":12000,"count":100000})"}};
    std::vector<double> latency_ms;
    auto timed_post = [&](const std::string& body) {
        auto t0 = std::chrono::steady_clock::now();
        int status = bot->post_webhook(body).status;
        latency_ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
        return status;
    };
    auto accepts = accept_data.begin();
    auto outage_began = std::chrono::steady_clock::now();
    for (int p = 0; p < kPhases; ++p) {
        line->clear_faults();
        for (const auto& f : phases[p]) line->add_fault(f);
        auto phase_end = outage_began + std::chrono::seconds(20 * (p + 1));
        for (int i = 0; i < kPerPhase; ++i) {
            EXPECT_EQ(timed_post(confirmations[p * kPerPhase + i]), 200);
            if (i % 2 == 0 && accepts != accept_data.end()) {  // an officer accepts an earlier ticket
                auto e = postback_event({kHealthOfficer, kHealthGroup}, accepts->second, reply_token_for({kHealthOfficer, kHealthGroup}));
                EXPECT_EQ(timed_post(webhook_body({e})), 200);
                ++accepts;
            }
            std::this_thread::sleep_for(1s);
        }
        std::this_thread::sleep_until(phase_end);
    }
    line->clear_faults();
    auto outage_ended = std::chrono::steady_clock::now();

    // Afterwards: every resident's ticket and answer, every card and every notification, once.
    const std::set<std::string> accepted_tickets = [&] {
        std::set<std::string> out;
        for (auto it = accept_data.begin(); it != accepts; ++it) out.insert(it->first);
        return out;
    }();
    auto count_to = [&](const std::string& chat, const std::string& ticket) {
        int n = 0;
        for (const auto& text : line->requests_to("/v2/bot/message/push")) {
            json::Document call;
            json::parse(text, call);
            if (json::get_int(call, "status").value_or(0) == 200 && json::get_string(call["body"], "to").value_or("") == chat &&
                json::to_string(call["body"]).find(ticket) != std::string::npos)
                ++n;
        }
        for (const auto& text : line->requests_to("/v2/bot/message/reply")) {
            json::Document call;
            json::parse(text, call);
            if (json::get_int(call, "status").value_or(0) == 200 && call.HasMember("replyTo") &&
                json::get_string(call["replyTo"], "userId").value_or("") == chat &&
                !call["replyTo"].HasMember("groupId") && json::to_string(call["body"]).find(ticket) != std::string::npos)
                ++n;
        }
        return n;
    };
    std::map<std::string, std::string> new_tickets;  // resident → ticket
    std::string missing;
    ASSERT_TRUE(wait_until(
        [&] {
            missing.clear();
            if (inbox_left() != 0) missing += "queues not empty; ";
            for (int r = 0; r < kPhases * kPerPhase; ++r) {
                auto mine = tickets_of(pool, resident_id(r));
                if (mine.size() != 1) {
                    missing += resident_id(r) + " has " + std::to_string(mine.size()) + " tickets; ";
                    continue;
                }
                if (count_to(kHealthGroup, mine[0]) == 0) missing += "no card for " + mine[0] + "; ";
                if (count_to(resident_id(r), mine[0]) == 0) missing += "no confirmation of " + mine[0] + "; ";
                new_tickets[resident_id(r)] = mine[0];
            }
            for (const auto& t : accepted_tickets)
                if (count_to(reporter[t], t) < 2) missing += "no notification of " + t + "; ";
            return missing.empty();
        },
        150s))
        << "not everything arrived after the outage: " << missing;
    auto settled_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - outage_ended).count();
    std::this_thread::sleep_for(2s);  // anything still to come would be a duplicate
    // Pushes (cards, notifications) carry retry keys: exactly once. A reply has no such key: when
    // LINE took it during the stall and the token expired before LINE answered again, the bot
    // cannot know, and pushes it (twice is better than never); otherwise once.
    int answered_twice = 0;
    for (const auto& [user, ticket] : new_tickets) {
        EXPECT_EQ(count_to(kHealthGroup, ticket), 1) << "card of " << ticket;
        int confirmations_seen = count_to(user, ticket);
        EXPECT_GE(confirmations_seen, 1) << "confirmation of " << ticket << " to " << user;
        EXPECT_LE(confirmations_seen, 2) << "confirmation of " << ticket << " to " << user;
        answered_twice += confirmations_seen == 2;
    }
    for (const auto& t : accepted_tickets) EXPECT_EQ(count_to(reporter[t], t), 2) << "notification of " << t;
    std::sort(latency_ms.begin(), latency_ms.end());
    double worst = latency_ms.empty() ? 0 : latency_ms.back();
    EXPECT_LT(worst, 500.0) << "a webhook's 200 waited for LINE";
    std::cout << "[ figures  ] LINE down 60 s (500, 429 + Retry-After, stalls): " << new_tickets.size()
              << " complaints confirmed and " << accepted_tickets.size() << " tickets accepted meanwhile; every card "
              << "and notification arrived exactly once, every confirmation at least once (" << answered_twice
              << " twice: taken by LINE during the stall, token expired before LINE answered again), all within "
              << static_cast<int>(settled_s)
              << " s after LINE came back; webhook 200s during the outage: median "
              << latency_ms[latency_ms.size() / 2] << " ms, worst " << worst << " ms\n";
}

}  // namespace
}  // namespace thesaban::testing

namespace thesaban::testing {
namespace {

// (e) Idle and slowloris connections: 1,000 that connect and send nothing, 1,000 that trickle a
// header line every 300 ms and never finish (a tenth of them after a first request on the same
// keep-alive connection). The header timeout is what cuts both; until then a
// resident's webhook must not wait behind them, and a connection over the cap gets a clean 503.
class FaultsConnections : public Faults {
    void patch_config(json::Document& config) override {
        config["server"]["header_timeout_ms"] = 3000;
        config["server"]["max_connections"] = kCap;
    }

public:
    static constexpr int kIdle = 1000;
    static constexpr int kSlowloris = 1000;
    static constexpr int kCap = kIdle + kSlowloris + 50;
};

// Whether the server has closed `fd` (or answered and closed): a non-blocking read sees EOF or an
// error; what it read so far is appended to `seen`.
bool closed_by_server(int fd, std::string& seen) {
    char buffer[512];
    for (;;) {
        ssize_t n = ::recv(fd, buffer, sizeof buffer, MSG_DONTWAIT);
        if (n > 0) {
            seen.append(buffer, static_cast<std::size_t>(n));
            continue;
        }
        if (n == 0) return true;
        return errno != EAGAIN && errno != EWOULDBLOCK;
    }
}

TEST_F(FaultsConnections, AThousandIdleAndAThousandSlowlorisNeitherDelayAWebhookNorOutliveTheHeaderTimeout) {
    std::vector<int> idle, slow;
    for (int i = 0; i < kIdle; ++i) idle.push_back(connect_loopback(bot->port()));
    for (int i = 0; i < kSlowloris; ++i) {
        int fd = connect_loopback(bot->port());
        // A tenth of them first send a whole request on a keep-alive connection, then trickle the next.
        std::string start = std::string(i % 10 == 0 ? "GET /livez HTTP/1.1\r\nHost: bot\r\n\r\n" : "") +
                            "POST /webhook HTTP/1.1\r\nHost: bot\r\n";
        if (fd >= 0) ::send(fd, start.data(), start.size(), MSG_NOSIGNAL);
        slow.push_back(fd);
    }
    auto opened = std::chrono::steady_clock::now();
    ASSERT_EQ(std::count(idle.begin(), idle.end(), -1) + std::count(slow.begin(), slow.end(), -1), 0);

    std::atomic<bool> trickling{true};
    std::thread trickle([&] {
        while (trickling) {
            for (int fd : slow) ::send(fd, "X-A: b\r\n", 8, MSG_NOSIGNAL);
            std::this_thread::sleep_for(300ms);
        }
    });

    // Residents' webhooks while all 2,000 are open: answered at once, and their replies sent.
    std::this_thread::sleep_for(300ms);
    std::vector<double> latency_ms;
    for (int i = 0; i < 20; ++i) {
        EventSource resident{resident_id(500 + i), ""};
        auto started = std::chrono::steady_clock::now();
        auto result = send(text_event(resident, "สวัสดีค่ะ", reply_token_for(resident)));
        latency_ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count());
        EXPECT_EQ(result.status, 200);
    }
    EXPECT_TRUE(line->wait_for_requests("/v2/bot/message/reply", 20, 5s)) << "replies not sent";
    std::sort(latency_ms.begin(), latency_ms.end());
    EXPECT_LT(latency_ms.back(), 100.0);

    // Over the cap: the extra connections get "503 Too many connections", not a reset or a hang.
    std::vector<int> extra;
    for (int i = 0; i < 100; ++i) extra.push_back(connect_loopback(bot->port()));
    std::size_t refused = 0;
    std::vector<std::string> seen(extra.size());
    wait_until([&] {
        refused = 0;
        for (std::size_t i = 0; i < extra.size(); ++i)
            if (closed_by_server(extra[i], seen[i]) && seen[i].rfind("HTTP/1.1 503", 0) == 0) ++refused;
        return refused >= 45;
    }, 3s);
    EXPECT_GE(refused, 45u) << "connections over the cap of " << kCap << " were not refused with 503";
    for (int fd : extra) ::close(fd);

    // The header timeout cuts every one of them, trickling or not.
    std::vector<bool> cut(idle.size() + slow.size(), false);
    std::size_t cut_count = 0;
    auto all_cut = wait_until([&] {
        for (std::size_t i = 0; i < cut.size(); ++i) {
            if (cut[i]) continue;
            std::string seen;
            int fd = i < idle.size() ? idle[i] : slow[i - idle.size()];
            if (closed_by_server(fd, seen)) cut[i] = true, ++cut_count;
        }
        return cut_count == cut.size();
    }, 10s);
    auto cut_after = std::chrono::duration<double>(std::chrono::steady_clock::now() - opened).count();
    trickling = false;
    trickle.join();
    EXPECT_TRUE(all_cut) << cut_count << " of " << cut.size() << " cut";
    EXPECT_LT(cut_after, 3.0 + 3.0) << "the header timeout is 3 s";
    for (int fd : idle) ::close(fd);
    for (int fd : slow) ::close(fd);

    // And the cap has freed up.
    EXPECT_EQ(bot->get("/livez").status, 200);
    std::printf("[ figures  ] %d idle + %d slowloris open: webhook 200 median %.1f ms, worst %.1f ms; %zu of 100 over "
                "the cap refused with 503; all %zu cut %.1f s after opening (header timeout 3 s)\n",
                kIdle, kSlowloris, latency_ms[latency_ms.size() / 2], latency_ms.back(), refused, cut.size(), cut_after);
}

}  // namespace
}  // namespace thesaban::testing
