// Tickets end to end over the real binary, a real redis-server and the fake LINE API: a resident
// reports, the department's group gets the card, officers act from LINE, the resident is told at
// each step and rates the service.
#include <regex>
#include <thread>

#include "bot_fixture.h"
#include "support/resident.h"
#include "tickets/ticket.h"

namespace thesaban::testing {
namespace {

using namespace std::chrono_literals;

// From config/thesaban.example.jsonc.
const std::string kEngineeringGroup = "C1a2b3c4d5e6f708192a3b4c5d6e7f801";
const std::string kSomchai = "U1a2b3c4d5e6f708192a3b4c5d6e7f801";
const std::string kWichai = "U2a2b3c4d5e6f708192a3b4c5d6e7f802";
const std::string kHealthOfficer = "U3a2b3c4d5e6f708192a3b4c5d6e7f803";
const std::regex kTicketId("(PNK-\\d{4}-\\d{6})");

std::string all_text(const std::vector<BotMessage>& messages) {
    std::string out;
    for (const auto& m : messages) out += m.visible_text + m.json;
    return out;
}

bool mentions(const std::vector<BotMessage>& messages, const std::string& needle) {
    return all_text(messages).find(needle) != std::string::npos;
}

class Tickets : public BotTest {
protected:
    std::string report_streetlight(Resident& resident, double lat, double lng, std::string* transcript) {
        Resident::Plan plan;
        plan.text = "ไฟหน้าบ้านดับ";
        plan.prefer = {"ดับทั้งต้น", "ยืนยัน", "แจ้งใหม่"};
        plan.avoid = {"ยกเลิก", "แก้ไข", "ย้อนกลับ", "ติดตาม"};
        plan.location = std::make_pair(lat, lng);
        plan.image_bytes = sample_jpeg();
        auto id = resident.converse(kTicketId, plan, transcript);
        return id.value_or("");
    }
};

TEST_F(Tickets, StreetlightFromFirstWordsToRatedTicket) {
    Resident resident(*bot, *line, {"U0123456789abcdef0123456789abcdef", ""});
    Resident group_view(*bot, *line, {kSomchai, kEngineeringGroup});
    std::string transcript;
    std::string id = report_streetlight(resident, 17.35001, 103.83002, &transcript);
    ASSERT_FALSE(id.empty()) << transcript;
    EXPECT_EQ(id.substr(4, 4), std::to_string(tickets::buddhist_year_at(now_ms())));

    // The department's group gets the card with the officers' buttons.
    ASSERT_TRUE(wait_until([&] { return mentions(group_view.messages(), id); }, 5s)) << transcript;
    auto card = group_view.messages().back();
    std::vector<std::string> labels;
    for (const auto& a : card.actions) labels.push_back(a.label);
    for (const char* expected : {"รับเรื่อง", "กำลังดำเนินการ", "เสร็จสิ้น", "ส่งต่อ"})
        EXPECT_NE(std::find(labels.begin(), labels.end(), expected), labels.end()) << expected;

    // The resident's photo is on the card, served by the bot under an unguessable link.
    std::smatch photo;
    ASSERT_TRUE(std::regex_search(card.json, photo, std::regex(R"(https://bot\.test\.example/media/([A-Za-z0-9_-]{32}))")))
        << card.json;
    auto served = bot->get("/media/" + photo[1].str());
    EXPECT_EQ(served.status, 200);
    EXPECT_EQ(served.body, sample_jpeg());
    EXPECT_EQ(served.header("content-type"), "image/jpeg");
    EXPECT_EQ(bot->get("/media/" + std::string(32, 'A')).status, 404);

    // Someone in the group who is not a listed officer: politely refused, nothing changes.
    Resident stranger(*bot, *line, {"U77777777777777777777777777777777", kEngineeringGroup});
    std::size_t resident_seen = resident.messages().size();
    auto refusal = stranger.tap("รับเรื่อง");
    EXPECT_FALSE(mentions(refusal, "รับเรื่องแล้ว")) << all_text(refusal);
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(resident.messages().size(), resident_seen) << "a refused action reached the resident";

    // The officer accepts: the group sees it and the resident is told.
    Resident somchai(*bot, *line, {kSomchai, kEngineeringGroup});
    auto accepted = somchai.tap("รับเรื่อง");
    EXPECT_TRUE(mentions(accepted, "รับเรื่องแล้ว")) << all_text(accepted);
    ASSERT_TRUE(wait_until([&] { return mentions(resident.messages(), "รับเรื่องแล้ว"); }, 5s));

    // A second officer pressing รับเรื่อง is told who took it.
    Resident wichai(*bot, *line, {kWichai, kEngineeringGroup});
    auto late = wichai.tap("รับเรื่อง");
    EXPECT_TRUE(mentions(late, "นายช่างสมชาย")) << all_text(late);

    somchai.tap("กำลังดำเนินการ");
    ASSERT_TRUE(wait_until([&] { return mentions(resident.messages(), "กำลังดำเนินการ"); }, 5s));

    // Closing: an optional note (and photo), then the resident hears it is done and can rate.
    auto asked = somchai.tap("เสร็จสิ้น");
    auto closed = somchai.say("เปลี่ยนหลอดไฟใหม่เรียบร้อยแล้ว");
    for (int i = 0; i < 3 && !mentions(resident.messages(), "เสร็จสิ้น"); ++i) {
        try {
            somchai.tap("ข้าม");
        } catch (const std::exception&) {
            break;
        }
    }
    ASSERT_TRUE(wait_until([&] { return mentions(resident.messages(), "เสร็จสิ้น"); }, 5s))
        << all_text(asked) << all_text(closed);

    // Rating by quick reply, then an optional comment.
    const Action* five = nullptr;
    auto mine = resident.messages();
    for (auto m = mine.rbegin(); m != mine.rend() && !five; ++m)
        for (const auto& a : m->actions)
            if (a.data.find("stars=5") != std::string::npos) five = &a;
    ASSERT_NE(five, nullptr) << "no 5-star button after the ticket was done";
    auto rated = resident.postback(five->data);
    EXPECT_FALSE(rated.empty());
    auto thanked = resident.say("ช่างมาเร็วมาก ขอบคุณค่ะ");
    EXPECT_TRUE(mentions(thanked, "ขอบคุณ")) << all_text(thanked);

    // Tracking shows the ticket as done.
    auto tracked = resident.say("ติดตามเรื่อง");
    EXPECT_TRUE(mentions(tracked, id)) << all_text(tracked);
    EXPECT_TRUE(mentions(tracked, "เสร็จสิ้น")) << all_text(tracked);
}

TEST_F(Tickets, ComplaintGoesToItsDepartmentGroup) {
    Resident resident(*bot, *line, {"U0123456789abcdef0123456789abcdee", ""});
    Resident::Plan plan;
    plan.text = "ร้องเรียนขยะไม่มีคนมาเก็บ";
    plan.prefer = {"ขยะ", "ข้าม", "ยืนยัน"};
    plan.avoid = {"ยกเลิก", "แก้ไข", "ย้อนกลับ"};
    std::string transcript;
    // Descriptions and free text: the resident says the same sentence whenever asked to type.
    plan.text = "ขยะกองหน้าตลาดไม่มีคนมาเก็บหลายวันแล้วค่ะ ส่งกลิ่นเหม็นมาก";
    auto id = resident.converse(kTicketId, plan, &transcript);
    ASSERT_TRUE(id) << transcript;
    Resident health_group(*bot, *line, {kHealthOfficer, "C2a2b3c4d5e6f708192a3b4c5d6e7f802"});
    EXPECT_TRUE(wait_until([&] { return mentions(health_group.messages(), *id); }, 5s)) << transcript;
    // The department's backlog, asked for in its group, lists it.
    auto backlog = health_group.say("งานค้าง");
    EXPECT_TRUE(mentions(backlog, *id)) << all_text(backlog);
    // Not in another department's backlog.
    Resident engineering(*bot, *line, {kSomchai, kEngineeringGroup});
    EXPECT_FALSE(mentions(engineering.say("งานค้าง"), *id));
}

TEST_F(Tickets, UnexpectedInputMidFlowGetsAPoliteAnswerAndTheFlowGoesOn) {
    Resident resident(*bot, *line, {"U0123456789abcdef0123456789abcde0", ""});
    ASSERT_FALSE(resident.say("ร้องเรียน").empty());
    // A sticker and then 5,000 characters where a category is asked: a polite answer each time,
    // and the category buttons are offered again.
    for (const auto& answer : {resident.send_sticker(), resident.say(std::string(5000, 'x'))}) {
        ASSERT_FALSE(answer.empty());
        EXPECT_TRUE(mentions(answer, "ค่ะ")) << all_text(answer);
        EXPECT_TRUE(mentions(answer, "ขยะ/สิ่งปฏิกูล")) << all_text(answer);
    }
    // The flow goes on to a ticket.
    Resident::Plan plan;
    plan.prefer = {"ถนน", "ข้าม", "ยืนยัน"};
    plan.avoid = {"ยกเลิก", "แก้ไข", "ย้อนกลับ"};
    plan.text = "ถนนหน้าโรงเรียนเป็นหลุมลึก รถจักรยานยนต์ล้มบ่อยค่ะ";
    std::string transcript;
    resident.tap("ถนน");
    EXPECT_TRUE(resident.converse(kTicketId, plan, &transcript)) << transcript;
}

TEST_F(Tickets, NearbyOpenStreetlightIsOfferedInsteadOfADuplicate) {
    Resident first(*bot, *line, {"U0123456789abcdef0123456789abcdea", ""});
    std::string transcript;
    std::string id = report_streetlight(first, 17.36000, 103.84000, &transcript);
    ASSERT_FALSE(id.empty()) << transcript;
    // 15 m away.
    Resident neighbour(*bot, *line, {"U0123456789abcdef0123456789abcdeb", ""});
    neighbour.say("ไฟดับ");
    auto offered = neighbour.send_location(17.36013, 103.84002);
    EXPECT_TRUE(mentions(offered, id)) << all_text(offered);
}

TEST_F(Tickets, CardReachesTheGroupThroughALineOutage) {
    // LINE refuses the first pushes; the card waits in the outbox and arrives once LINE is back.
    line->add_fault(R"({"path":"/v2/bot/message/push","status":503,"count":6})");
    Resident resident(*bot, *line, {"U0123456789abcdef0123456789abcdec", ""});
    std::string transcript;
    std::string id = report_streetlight(resident, 17.37, 103.85, &transcript);
    ASSERT_FALSE(id.empty()) << transcript;
    Resident group_view(*bot, *line, {kSomchai, kEngineeringGroup});
    EXPECT_TRUE(wait_until([&] { return mentions(group_view.messages(), id); }, 20s));
}

TEST_F(Tickets, TicketSurvivesRedisAndBotRestart) {
    Resident resident(*bot, *line, {"U0123456789abcdef0123456789abcded", ""});
    std::string transcript;
    std::string id = report_streetlight(resident, 17.38, 103.86, &transcript);
    ASSERT_FALSE(id.empty()) << transcript;
    redis->stop();
    redis->start();
    bot->stop(SIGKILL);
    bot->start();
    auto tracked = resident.say("ติดตามเรื่อง");
    EXPECT_TRUE(mentions(tracked, id)) << all_text(tracked);
}

}  // namespace
}  // namespace thesaban::testing
