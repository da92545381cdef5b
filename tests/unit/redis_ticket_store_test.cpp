#include "store/redis_ticket_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "store/redis_pool.h"
#include "store/ticket_json.h"
#include "support/redis_server.h"

namespace thesaban::store {
namespace {

using testing::RedisServer;
using tickets::Status;
using tickets::Ticket;
using tickets::TicketDraft;
using tickets::TransitionRequest;
using Outcome = tickets::TransitionResult::Outcome;

// 2026-03-01 12:00 Bangkok → BE 2569; 2026-12-31 17:00 UTC is already 2027-01-01 in Thailand → BE 2570.
constexpr int64_t kMarch2026 = 1772341200000;
constexpr int64_t kNewYear2570 = 1798736400000;

// Near Phanakhon's office; 1 m of latitude is ~1/110,600 degree.
constexpr double kLat = 13.7563;
constexpr double kLon = 100.5018;
constexpr double kDegPerMetre = 1.0 / 110600.0;

TicketDraft draft(std::string user = "Ureporter0000000000000000000001", std::string department = "works") {
    TicketDraft d;
    d.kind = "complaint";
    d.category = "road";
    d.department = std::move(department);
    d.description = "ถนนเป็นหลุม";
    d.reporter_user_id = std::move(user);
    d.reporter_name = "สมชาย";
    return d;
}

TicketDraft light_at(double lat, double lon) {
    TicketDraft d = draft();
    d.kind = "streetlight";
    d.category = "streetlight";
    d.department = "electric";
    d.fault = "off";
    d.location = tickets::GeoPoint{lat, lon, "เสา", "ซอย 1"};
    return d;
}

class RedisTicketStoreTest : public ::testing::Test {
protected:
    RedisTicketStoreTest() : pool_(make_options()), store_(pool_, "t:", "PNK") {}

    RedisOptions make_options() {
        RedisOptions o = parse_redis_url(server_.url());
        o.pool_size = 8;
        return o;
    }

    TransitionRequest request(const Ticket& t, Status expected, Status to) {
        TransitionRequest r;
        r.ticket_id = t.id;
        r.expected = expected;
        r.to = to;
        r.actor = "Uofficer000000000000000000000001";
        r.actor_name = "เจ้าหน้าที่ ก";
        return r;
    }

    std::vector<std::string> ids(const std::vector<Ticket>& ts) {
        std::vector<std::string> out;
        for (const auto& t : ts) out.push_back(t.id);
        return out;
    }

    RedisServer server_;
    RedisPool pool_;
    RedisTicketStore store_;
};

TEST(TicketJson, RoundTripsEveryField) {
    Ticket t;
    t.id = "PNK-2569-000007";
    t.kind = "streetlight";
    t.category = "streetlight";
    t.department = "electric";
    t.description = "ไฟดับ \"หน้าวัด\"\nบรรทัดสอง\t\\ end";
    t.location = tickets::GeoPoint{13.123456789, 100.987654321, "title \"q\"", "ที่อยู่\n2"};
    t.place_text = "เสา 12";
    t.fault = "flicker";
    t.photo_tokens = {"a", "b"};
    t.phone = "0812345678";
    t.reporter_user_id = "U1";
    t.reporter_name = "น้อย";
    t.status = Status::done;
    t.created_ms = 1772341200123;
    t.updated_ms = 1772341299999;
    t.assigned_officer = "U2";
    t.assigned_officer_name = "ช่าง";
    t.close_reason = "duplicate";
    t.resolution_note = "เปลี่ยนหลอดแล้ว";
    t.after_photo_tokens = {"c"};
    t.rating = 4;
    t.rating_comment = "ดีมาก";
    t.followers = {"U3", "U4"};
    t.history = {{1, "U1", "น้อย", Status::received, "electric", ""},
                 {2, "U2", "ช่าง", Status::done, "electric", "note\n\"x\""}};

    auto back = ticket_from_json(ticket_to_json(t));
    ASSERT_TRUE(back);
    EXPECT_EQ(ticket_to_json(*back), ticket_to_json(t));
    EXPECT_EQ(back->description, t.description);
    EXPECT_DOUBLE_EQ(back->location->latitude, 13.123456789);
    EXPECT_DOUBLE_EQ(back->location->longitude, 100.987654321);
    EXPECT_EQ(back->history[1].note, "note\n\"x\"");
    EXPECT_EQ(back->followers, t.followers);
    EXPECT_FALSE(ticket_from_json("{\"id\":\"x\"}"));  // no status
    EXPECT_FALSE(ticket_from_json("not json"));
}

TEST_F(RedisTicketStoreTest, IdsAreSequentialPerBuddhistYear) {
    Ticket a = store_.create(draft(), "evt-1", kMarch2026);
    Ticket b = store_.create(draft(), "evt-2", kMarch2026 + 1000);
    Ticket c = store_.create(draft(), "evt-3", kNewYear2570);
    EXPECT_EQ(a.id, "PNK-2569-000001");
    EXPECT_EQ(b.id, "PNK-2569-000002");
    EXPECT_EQ(c.id, "PNK-2570-000001");
    EXPECT_EQ(a.id, tickets::format_ticket_id("PNK", 2569, 1));
    EXPECT_EQ(a.status, Status::received);
    EXPECT_EQ(a.created_ms, kMarch2026);
    ASSERT_EQ(a.history.size(), 1u);
    EXPECT_EQ(a.history[0].status, Status::received);
    EXPECT_EQ(a.history[0].actor, a.reporter_user_id);
}

TEST_F(RedisTicketStoreTest, CreateIsIdempotent) {
    Ticket a = store_.create(draft(), "evt-1", kMarch2026);
    Ticket again = store_.create(draft(), "evt-1", kMarch2026 + 5000);
    EXPECT_EQ(again.id, a.id);
    EXPECT_EQ(again.created_ms, kMarch2026);
    EXPECT_EQ(store_.create(draft(), "evt-2", kMarch2026).id, "PNK-2569-000002");
    EXPECT_EQ(store_.by_reporter(a.reporter_user_id, 10).size(), 2u);
}

TEST_F(RedisTicketStoreTest, ThaiTextQuotesAndNewlinesRoundTrip) {
    TicketDraft d = draft();
    d.description = "น้ำท่วม \"ซอย 5\"\nตั้งแต่เมื่อวาน\\ ";
    d.place_text = "ข้าง 7-Eleven {\"x\":1}";
    d.phone = "0812345678";
    d.location = tickets::GeoPoint{kLat, kLon, "ร้าน \"ป้าแดง\"", "ต.ในเมือง\nอ.เมือง"};
    Ticket t = store_.create(d, "evt-1", kMarch2026);
    auto got = store_.get(t.id);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->description, d.description);
    EXPECT_EQ(got->place_text, d.place_text);
    EXPECT_EQ(got->phone, d.phone);
    EXPECT_EQ(got->location->title, d.location->title);
    EXPECT_EQ(got->location->address, d.location->address);
    EXPECT_EQ(got->reporter_name, "สมชาย");
}

TEST_F(RedisTicketStoreTest, ConcurrentTransitionsOneWins) {
    Ticket t = store_.create(draft(), "evt-1", kMarch2026);
    std::atomic<int> ok{0}, conflict{0}, other{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) {
        threads.emplace_back([&, i] {
            TransitionRequest r = request(t, Status::received, Status::accepted);
            r.actor = "Uofficer" + std::to_string(i);
            auto result = store_.transition(r, kMarch2026 + 1000);
            if (result.outcome == Outcome::ok) {
                ++ok;
            } else if (result.outcome == Outcome::conflict && result.ticket &&
                       result.ticket->status == Status::accepted) {
                ++conflict;
            } else {
                ++other;
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(ok, 1);
    EXPECT_EQ(conflict, 7);
    EXPECT_EQ(other, 0);
    auto got = store_.get(t.id);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->history.size(), 2u);
    EXPECT_EQ(got->status, Status::accepted);
}

TEST_F(RedisTicketStoreTest, LifeCycleAndNotAllowed) {
    Ticket t = store_.create(draft(), "evt-1", kMarch2026);
    EXPECT_EQ(store_.transition(request(t, Status::received, Status::done), 1).outcome, Outcome::not_allowed);
    EXPECT_EQ(store_.transition(request(t, Status::received, Status::received), 1).outcome, Outcome::not_allowed);
    auto closed_without_reason = store_.transition(request(t, Status::received, Status::closed), 1);
    EXPECT_EQ(closed_without_reason.outcome, Outcome::not_allowed);
    ASSERT_TRUE(closed_without_reason.ticket);
    EXPECT_EQ(closed_without_reason.ticket->status, Status::received);

    auto accepted = store_.transition(request(t, Status::received, Status::accepted), kMarch2026 + 1);
    ASSERT_EQ(accepted.outcome, Outcome::ok);
    EXPECT_EQ(accepted.ticket->assigned_officer, "Uofficer000000000000000000000001");
    EXPECT_EQ(store_.transition(request(t, Status::received, Status::in_progress), 2).outcome, Outcome::conflict);
    ASSERT_EQ(store_.transition(request(t, Status::accepted, Status::in_progress), kMarch2026 + 2).outcome,
              Outcome::ok);
    TransitionRequest done = request(t, Status::in_progress, Status::done);
    done.note = "ซ่อมแล้ว";
    done.after_photo_tokens = {"after1"};
    auto finished = store_.transition(done, kMarch2026 + 3);
    ASSERT_EQ(finished.outcome, Outcome::ok);
    EXPECT_EQ(finished.ticket->resolution_note, "ซ่อมแล้ว");
    EXPECT_EQ(finished.ticket->after_photo_tokens, std::vector<std::string>{"after1"});
    EXPECT_EQ(finished.ticket->history.size(), 4u);
    EXPECT_TRUE(store_.open_by_department("works", 10).empty());
    // Done is final.
    TransitionRequest close = request(t, Status::done, Status::closed);
    close.close_reason = "duplicate";
    EXPECT_EQ(store_.transition(close, 4).outcome, Outcome::not_allowed);

    auto got = store_.get(t.id);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->status, Status::done);
    EXPECT_EQ(got->updated_ms, kMarch2026 + 3);
}

TEST_F(RedisTicketStoreTest, CloseWithReasonLeavesOpenIndexes) {
    Ticket t = store_.create(light_at(kLat, kLon), "evt-1", kMarch2026);
    TransitionRequest close = request(t, Status::received, Status::closed);
    close.close_reason = "out_of_scope";
    auto result = store_.transition(close, kMarch2026 + 1);
    ASSERT_EQ(result.outcome, Outcome::ok);
    EXPECT_EQ(result.ticket->close_reason, "out_of_scope");
    EXPECT_TRUE(store_.open_by_department("electric", 10).empty());
    EXPECT_TRUE(store_.open_nearby("streetlight", kLat, kLon, 30).empty());
}

TEST_F(RedisTicketStoreTest, NotFound) {
    TransitionRequest r;
    r.ticket_id = "PNK-2569-999999";
    r.expected = Status::received;
    r.to = Status::accepted;
    auto result = store_.transition(r, 1);
    EXPECT_EQ(result.outcome, Outcome::not_found);
    EXPECT_FALSE(result.ticket);
    EXPECT_FALSE(store_.get("PNK-2569-999999"));
    EXPECT_FALSE(store_.follow("PNK-2569-999999", "U1"));
    EXPECT_FALSE(store_.rate("PNK-2569-999999", "U1", 5, "", 1));
}

TEST_F(RedisTicketStoreTest, ForwardMovesDepartmentAndNewDepartmentAccepts) {
    Ticket t = store_.create(draft(), "evt-1", kMarch2026);
    Ticket other = store_.create(draft(), "evt-2", kMarch2026 + 1);
    ASSERT_EQ(store_.transition(request(t, Status::received, Status::accepted), kMarch2026 + 2).outcome, Outcome::ok);

    TransitionRequest same = request(t, Status::accepted, Status::forwarded);
    same.department = "works";
    EXPECT_EQ(store_.transition(same, 3).outcome, Outcome::not_allowed);

    TransitionRequest forward = request(t, Status::accepted, Status::forwarded);
    forward.department = "sanitation";
    forward.note = "ไม่ใช่งานโยธา";
    auto result = store_.transition(forward, kMarch2026 + 3);
    ASSERT_EQ(result.outcome, Outcome::ok);
    EXPECT_EQ(result.ticket->department, "sanitation");
    EXPECT_EQ(result.ticket->status, Status::forwarded);
    EXPECT_TRUE(result.ticket->assigned_officer.empty());
    EXPECT_EQ(ids(store_.open_by_department("works", 10)), std::vector<std::string>{other.id});
    EXPECT_EQ(ids(store_.open_by_department("sanitation", 10)), std::vector<std::string>{t.id});

    TransitionRequest accept = request(t, Status::forwarded, Status::accepted);
    accept.actor = "Usanitation";
    auto accepted = store_.transition(accept, kMarch2026 + 4);
    ASSERT_EQ(accepted.outcome, Outcome::ok);
    EXPECT_EQ(accepted.ticket->assigned_officer, "Usanitation");
    EXPECT_EQ(ids(store_.open_by_department("sanitation", 10)), std::vector<std::string>{t.id});
    EXPECT_EQ(accepted.ticket->history.back().department, "sanitation");
}

TEST_F(RedisTicketStoreTest, OpenByDepartmentOldestFirst) {
    Ticket a = store_.create(draft(), "evt-1", kMarch2026);
    Ticket b = store_.create(draft(), "evt-2", kMarch2026 + 10);
    Ticket c = store_.create(draft(), "evt-3", kMarch2026 + 20);
    store_.create(draft("U2", "other"), "evt-4", kMarch2026 + 30);
    EXPECT_EQ(ids(store_.open_by_department("works", 10)), (std::vector<std::string>{a.id, b.id, c.id}));
    EXPECT_EQ(ids(store_.open_by_department("works", 2)), (std::vector<std::string>{a.id, b.id}));
}

TEST_F(RedisTicketStoreTest, OpenNearby) {
    Ticket near = store_.create(light_at(kLat + 20 * kDegPerMetre, kLon), "evt-1", kMarch2026);
    Ticket far = store_.create(light_at(kLat + 50 * kDegPerMetre, kLon), "evt-2", kMarch2026);
    Ticket nearer = store_.create(light_at(kLat + 5 * kDegPerMetre, kLon), "evt-3", kMarch2026);
    Ticket finished = store_.create(light_at(kLat + 10 * kDegPerMetre, kLon), "evt-4", kMarch2026);
    TicketDraft complaint = draft();
    complaint.location = tickets::GeoPoint{kLat, kLon, {}, {}};
    store_.create(complaint, "evt-5", kMarch2026);

    ASSERT_EQ(store_.transition(request(finished, Status::received, Status::accepted), 1).outcome, Outcome::ok);
    ASSERT_EQ(store_.transition(request(finished, Status::accepted, Status::done), 2).outcome, Outcome::ok);

    EXPECT_EQ(ids(store_.open_nearby("streetlight", kLat, kLon, 30)), (std::vector<std::string>{nearer.id, near.id}));
    EXPECT_EQ(store_.open_nearby("complaint", kLat, kLon, 30).size(), 1u);
    EXPECT_EQ(store_.open_nearby("streetlight", kLat, kLon, 60).size(), 3u);
    (void)far;
}

TEST_F(RedisTicketStoreTest, ByReporterNewestFirst) {
    Ticket a = store_.create(draft("Ua"), "evt-1", kMarch2026);
    Ticket b = store_.create(draft("Ua"), "evt-2", kMarch2026 + 10);
    store_.create(draft("Ub"), "evt-3", kMarch2026 + 15);
    Ticket c = store_.create(draft("Ua"), "evt-4", kMarch2026 + 20);
    EXPECT_EQ(ids(store_.by_reporter("Ua", 10)), (std::vector<std::string>{c.id, b.id, a.id}));
    EXPECT_EQ(ids(store_.by_reporter("Ua", 1)), std::vector<std::string>{c.id});
    EXPECT_TRUE(store_.by_reporter("Unobody", 10).empty());
}

TEST_F(RedisTicketStoreTest, FollowOpenTicketsOnly) {
    Ticket t = store_.create(draft("Ua"), "evt-1", kMarch2026);
    EXPECT_TRUE(store_.follow(t.id, "Ufollower"));
    EXPECT_TRUE(store_.follow(t.id, "Ufollower"));  // once
    EXPECT_TRUE(store_.follow(t.id, "Ua"));         // the reporter is told anyway
    EXPECT_EQ(store_.get(t.id)->followers, std::vector<std::string>{"Ufollower"});
    // A follower added between an officer's read and write is kept.
    ASSERT_EQ(store_.transition(request(t, Status::received, Status::accepted), 1).outcome, Outcome::ok);
    EXPECT_EQ(store_.get(t.id)->followers, std::vector<std::string>{"Ufollower"});
    ASSERT_EQ(store_.transition(request(t, Status::accepted, Status::done), 2).outcome, Outcome::ok);
    EXPECT_FALSE(store_.follow(t.id, "Ulate"));
}

TEST_F(RedisTicketStoreTest, RatingRules) {
    Ticket t = store_.create(draft("Ua"), "evt-1", kMarch2026);
    EXPECT_FALSE(store_.rate(t.id, "Ua", 5, "", 1));  // not done yet
    ASSERT_EQ(store_.transition(request(t, Status::received, Status::accepted), 1).outcome, Outcome::ok);
    ASSERT_EQ(store_.transition(request(t, Status::accepted, Status::done), 2).outcome, Outcome::ok);
    EXPECT_FALSE(store_.rate(t.id, "Ustranger", 5, "", 3));
    EXPECT_FALSE(store_.rate(t.id, "Ua", 0, "", 3));
    EXPECT_FALSE(store_.rate(t.id, "Ua", 6, "", 3));
    EXPECT_TRUE(store_.rate(t.id, "Ua", 4, "รวดเร็ว", 3));
    EXPECT_FALSE(store_.rate(t.id, "Ua", 5, "", 4));  // once
    auto got = store_.get(t.id);
    EXPECT_EQ(got->rating, 4);
    EXPECT_EQ(got->rating_comment, "รวดเร็ว");
}

TEST_F(RedisTicketStoreTest, SurvivesRedisRestart) {
    Ticket a = store_.create(light_at(kLat, kLon), "evt-1", kMarch2026);
    ASSERT_EQ(store_.transition(request(a, Status::received, Status::accepted), kMarch2026 + 1).outcome, Outcome::ok);
    server_.stop();
    server_.start();
    auto got = store_.get(a.id);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->status, Status::accepted);
    EXPECT_EQ(ids(store_.open_by_department("electric", 10)), std::vector<std::string>{a.id});
    EXPECT_EQ(store_.open_nearby("streetlight", kLat, kLon, 30).size(), 1u);
    EXPECT_EQ(store_.create(draft(), "evt-1", kMarch2026).id, a.id);  // idempotency key kept
    EXPECT_EQ(store_.create(draft(), "evt-2", kMarch2026).id, "PNK-2569-000002");
}

}  // namespace
}  // namespace thesaban::store

namespace thesaban::store {
namespace {

TEST(RedisTicketStoreCap, AReportersDailyCapRefusesANewTicketButNotARepeatOrAnotherDayOrSomeoneElse) {
    testing::RedisServer server;
    RedisPool pool(parse_redis_url(server.url()));
    RedisTicketStore store(pool, "t:", "PNK");
    const int64_t day_start = kMarch2026 - 12 * 3600 * 1000LL;  // 00:00 in Thailand
    const tickets::ReporterCap cap{2, day_start};
    auto first = store.create(draft(), "evt-1", kMarch2026, cap);
    store.create(draft(), "evt-2", kMarch2026 + 1000, cap);
    EXPECT_THROW(store.create(draft(), "evt-3", kMarch2026 + 2000, cap), tickets::ReporterCapReached);
    // A redelivered confirmation still gets its ticket back.
    EXPECT_EQ(store.create(draft(), "evt-1", kMarch2026 + 3000, cap).id, first.id);
    // Another resident is not affected; the next day the resident may file again.
    EXPECT_NO_THROW(store.create(draft("Uother00000000000000000000000002"), "evt-4", kMarch2026, cap));
    const int64_t next_day = kMarch2026 + 24 * 3600 * 1000LL;
    EXPECT_NO_THROW(store.create(draft(), "evt-5", next_day, {2, day_start + 24 * 3600 * 1000LL}));
    // No cap: no limit.
    EXPECT_NO_THROW(store.create(draft(), "evt-6", next_day + 1, tickets::ReporterCap{}));
    EXPECT_NO_THROW(store.create(draft(), "evt-7", next_day + 2));
    EXPECT_EQ(store.by_reporter(draft().reporter_user_id, 100).size(), 5u);
}

}  // namespace
}  // namespace thesaban::store
