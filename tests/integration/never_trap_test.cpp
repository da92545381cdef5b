// Flows that never trap (issue 9, deliverable 2) through the real binary, a real redis-server and
// the fake LINE API, for each flow: complaint, streetlight, tracking, tax and news. Inputs are the
// ones residents used in the review of 2026-12-07 (reviews/2026-12-07-conversations.md).
#include <regex>
#include <set>
#include <thread>

#include "bot_fixture.h"
#include "support/resident.h"

namespace thesaban::testing {
namespace {

using namespace std::chrono_literals;

const std::string kEngineeringGroup = "C1a2b3c4d5e6f708192a3b4c5d6e7f801";
const std::string kSomchai = "U1a2b3c4d5e6f708192a3b4c5d6e7f801";
const std::regex kTicketId("(PNK-\\d{4}-\\d{6})");
const std::string kMunicipalityPhone = "042-779-111";  // config/thesaban.example.jsonc

std::string all_text(const std::vector<BotMessage>& messages) {
    std::string out;
    for (const auto& m : messages) out += m.visible_text + m.json + "\n";
    return out;
}
bool mentions(const std::vector<BotMessage>& messages, const std::string& needle) {
    return all_text(messages).find(needle) != std::string::npos;
}
// The buttons of the last message (quick reply and flex), by label.
bool offers(const std::vector<BotMessage>& messages, const std::string& label) {
    if (messages.empty()) return false;
    for (const auto& a : messages.back().actions)
        if (a.label == label) return true;
    return false;
}

class NeverTrap : public BotTest {
protected:
    // Every message in the chat offers each action once (#37).
    void expect_each_action_once(Resident& resident) {
        for (const auto& m : resident.messages()) {
            std::set<std::string> seen;
            for (const auto& a : m.actions) EXPECT_TRUE(seen.insert(a.label).second) << "twice: " << a.label << " in " << m.json;
        }
    }

    // A streetlight reported by `resident` and closed by the engineering officer: a done ticket to rate.
    std::string done_ticket(Resident& resident, double lat, double lng) {
        Resident::Plan plan;
        plan.text = "ไฟหน้าบ้านดับ";
        plan.prefer = {"ดับทั้งต้น", "ยืนยัน", "แจ้งใหม่"};
        plan.avoid = {"ยกเลิก", "แก้ไข", "ย้อนกลับ", "ติดตาม", "ทำต่อ", "ทิ้งร่าง"};
        plan.location = std::make_pair(lat, lng);
        plan.image_bytes = sample_jpeg();
        std::string transcript;
        auto id = resident.converse(kTicketId, plan, &transcript);
        if (!id) {
            ADD_FAILURE() << transcript;
            return "";
        }
        Resident group_view(*bot, *line, {kSomchai, kEngineeringGroup});
        EXPECT_TRUE(wait_until([&] { return mentions(group_view.messages(), *id); }, 5s));
        Resident somchai(*bot, *line, {kSomchai, kEngineeringGroup});
        somchai.tap("รับเรื่อง");
        somchai.tap("กำลังดำเนินการ");
        somchai.tap("เสร็จสิ้น");
        somchai.say("เปลี่ยนหลอดแล้ว");
        for (int i = 0; i < 3 && !mentions(resident.messages(), "เสร็จสิ้น"); ++i) {
            try {
                somchai.tap("ข้าม");
            } catch (const std::exception&) {
                break;
            }
        }
        EXPECT_TRUE(wait_until([&] { return mentions(resident.messages(), "เสร็จสิ้น"); }, 5s));
        return *id;
    }
};

TEST_F(NeverTrap, Complaint) {
    Resident resident(*bot, *line, {"U0123456789abcdef0123456789abc001", ""});
    ASSERT_TRUE(mentions(resident.say("ร้องเรียน"), "ขยะ/สิ่งปฏิกูล"));
    // A photo before its step is kept for it (#16).
    auto kept = resident.send_image(sample_jpeg());
    EXPECT_TRUE(mentions(kept, "แนบไว้กับเรื่องนี้")) << all_text(kept);
    resident.tap("ถนน");
    resident.say("ถนนหน้าโรงเรียนเป็นหลุมลึก รถจักรยานยนต์ล้มบ่อยค่ะ");
    // At the photo step, a menu word works (#13) and the draft is kept (ทำต่อ).
    auto tracked = resident.say("ติดตามเรื่อง");
    EXPECT_FALSE(mentions(tracked, "กรุณาส่งรูปภาพ")) << all_text(tracked);
    EXPECT_TRUE(offers(tracked, "ทำต่อ")) << all_text(tracked);
    auto resumed = resident.tap("ทำต่อ");
    EXPECT_TRUE(mentions(resumed, "มีรูปแนบไว้แล้ว 1 รูป")) << all_text(resumed);
    resident.tap("เสร็จแล้ว");
    // LINE on PC: a typed place (#23).
    auto place = resident.say("หน้าโรงเรียนบ้านพรรณา หมู่ 2");
    EXPECT_TRUE(mentions(place, "เบอร์โทรศัพท์")) << all_text(place);
    // A tax question at the phone step is answered, not called a wrong number (#12).
    auto tax = resident.say("ภาษีป้ายยื่นเมื่อไหร่");
    EXPECT_FALSE(mentions(tax, "เบอร์โทรศัพท์ไม่ถูกต้อง")) << all_text(tax);
    EXPECT_TRUE(mentions(tax, "ภาษีป้าย")) << all_text(tax);
    EXPECT_TRUE(offers(tax, "ทำต่อ")) << all_text(tax);
    resident.tap("ทำต่อ");
    // Two answers it cannot use: the second gets the menu and a contact, not the same apology.
    auto first_miss = resident.say("ไม่รู้สิ");
    EXPECT_TRUE(mentions(first_miss, "เบอร์โทรศัพท์ไม่ถูกต้อง")) << all_text(first_miss);
    auto second_miss = resident.say("เดี๋ยวก่อน");
    EXPECT_FALSE(mentions(second_miss, "เบอร์โทรศัพท์ไม่ถูกต้อง")) << all_text(second_miss);
    EXPECT_TRUE(mentions(second_miss, kMunicipalityPhone)) << all_text(second_miss);
    EXPECT_TRUE(offers(second_miss, "ขอคุยกับเจ้าหน้าที่")) << all_text(second_miss);
    resident.tap("ทำต่อ");
    auto phone = resident.say("+66 81 234 5678");  // #45
    EXPECT_TRUE(mentions(phone, "081xxx5678")) << all_text(phone);
    auto filed = resident.tap("ยืนยัน");
    std::smatch id;
    const std::string filed_text = all_text(filed);
    ASSERT_TRUE(std::regex_search(filed_text, id, kTicketId)) << filed_text;
    // An old ยืนยัน now says it is out of date (#36).
    auto stale = resident.postback("flow=confirm");
    EXPECT_TRUE(mentions(stale, "ถูกยกเลิกหรือหมดเวลา")) << all_text(stale);
    expect_each_action_once(resident);
}

TEST_F(NeverTrap, Streetlight) {
    Resident resident(*bot, *line, {"U0123456789abcdef0123456789abc002", ""});
    auto asked = resident.say("ไฟดับ");
    ASSERT_TRUE(mentions(asked, "ส่งตำแหน่ง")) << all_text(asked);
    // News asked at the place step: answered, the draft offered back.
    auto news = resident.say("ข่าวสาร");
    EXPECT_FALSE(mentions(news, "จุดสังเกตให้ชัดเจน")) << all_text(news);
    EXPECT_TRUE(offers(news, "ทำต่อ")) << all_text(news);
    resident.tap("ทำต่อ");
    // A tax question typed where a place is asked is not taken as the place.
    auto tax = resident.say("ภาษีป้ายยื่นเมื่อไหร่");
    EXPECT_TRUE(offers(tax, "ทำต่อ")) << all_text(tax);
    resident.tap("ทำต่อ");
    // A photo before its step is kept.
    EXPECT_TRUE(mentions(resident.send_image(sample_jpeg()), "แนบไว้กับเรื่องนี้"));
    // "ตรงนี้" is not a place (#44); a typed pole is (LINE on PC).
    EXPECT_TRUE(mentions(resident.say("ตรงนี้"), "จุดสังเกต"));
    auto fault = resident.say("เสาหน้าวัดโพธิ์ชัย");
    EXPECT_TRUE(mentions(fault, "กะพริบ")) << all_text(fault);
    // The fault in the resident's words (#42); at the photo step the photo sent early is there.
    auto photo = resident.say("มันกะพริบติดๆดับๆทั้งคืน");
    EXPECT_TRUE(mentions(photo, "มีรูปแนบไว้แล้ว 1 รูป")) << all_text(photo);
    auto summary = resident.tap("เสร็จแล้ว");
    EXPECT_TRUE(mentions(summary, "ยืนยัน")) << all_text(summary);
    // The menu word for a flow in progress: said so, and the same step again.
    auto again = resident.say("แจ้งไฟฟ้าสาธารณะเสีย");
    EXPECT_TRUE(mentions(again, "กำลังทำเรื่องนี้อยู่")) << all_text(again);
    auto filed = resident.tap("ยืนยัน");
    EXPECT_TRUE(std::regex_search(all_text(filed), kTicketId)) << all_text(filed);
    expect_each_action_once(resident);
}

TEST_F(NeverTrap, Tracking) {
    Resident resident(*bot, *line, {"U0123456789abcdef0123456789abc003", ""});
    std::string id = done_ticket(resident, 17.39, 103.87);
    ASSERT_FALSE(id.empty());
    // A typed ticket number, lower case, shows just that ticket (#4, #5).
    std::string typed = id;
    for (auto& c : typed) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    auto shown = resident.say(typed);
    EXPECT_TRUE(mentions(shown, id)) << all_text(shown);
    // Mid-complaint, a rating tap does not lose the draft (#14).
    resident.say("ร้องเรียน");
    resident.tap("ถนน");
    const Action* three = nullptr;
    auto mine = resident.messages();
    for (auto m = mine.rbegin(); m != mine.rend() && !three; ++m)
        for (const auto& a : m->actions)
            if (a.data.find("stars=3") != std::string::npos) three = &a;
    ASSERT_NE(three, nullptr);
    auto comment = resident.postback(three->data);
    EXPECT_TRUE(mentions(comment, "ข้อเสนอแนะ")) << all_text(comment);
    // At the comment step, a ticket number shows the ticket, and the rating waits (ทำต่อ).
    auto ticket = resident.say(id);
    EXPECT_TRUE(mentions(ticket, id)) << all_text(ticket);
    EXPECT_TRUE(offers(ticket, "ทำต่อ")) << all_text(ticket);
    resident.tap("ทำต่อ");
    auto thanked = resident.say("ข้าม");
    EXPECT_TRUE(mentions(thanked, "ขอบคุณที่ให้คะแนน")) << all_text(thanked);
    // Then the complaint left at its description is offered back.
    EXPECT_TRUE(offers(thanked, "ทำต่อ")) << all_text(thanked);
    auto description = resident.tap("ทำต่อ");
    EXPECT_TRUE(mentions(description, "รายละเอียด")) << all_text(description);
    expect_each_action_once(resident);
}

TEST_F(NeverTrap, Tax) {
    Resident resident(*bot, *line, {"U0123456789abcdef0123456789abc004", ""});
    resident.say("ตรวจยอด");
    // A sentence at the notice step is a question: answered, no try used (#10).
    auto answer = resident.say("ไม่มีใบค่ะ แค่อยากรู้ว่าต้องจ่ายภาษีที่ดินเดือนไหน");
    EXPECT_FALSE(mentions(answer, "4 หลักสุดท้าย")) << all_text(answer);
    EXPECT_TRUE(mentions(answer, "ภาษีที่ดิน")) << all_text(answer);
    // A menu word at the notice step.
    resident.say("ตรวจยอด");
    auto tracked = resident.say("ติดตามเรื่อง");
    EXPECT_TRUE(mentions(tracked, "ยังไม่มีเรื่องที่แจ้งไว้")) << all_text(tracked);
    // Two unusable answers at the ID step: the second offers the menu and a contact.
    resident.say("ตรวจยอด");
    resident.say("ภดส6-2569/0001");
    auto first_miss = resident.say("ไม่รู้");
    EXPECT_TRUE(mentions(first_miss, "4 หลัก")) << all_text(first_miss);
    auto second_miss = resident.say("ไม่รู้เหมือนกัน");
    EXPECT_TRUE(mentions(second_miss, kMunicipalityPhone)) << all_text(second_miss);
    EXPECT_TRUE(offers(second_miss, "ขอคุยกับเจ้าหน้าที่")) << all_text(second_miss);
    // A tax lookup interrupting a complaint: the complaint is kept and offered after the answer.
    resident.say("ร้องเรียน");
    auto question = resident.say("ภาษีบ้านต้องจ่ายเดือนไหน");
    EXPECT_TRUE(offers(question, "ทำต่อ")) << all_text(question);
    EXPECT_TRUE(mentions(resident.tap("ทำต่อ"), "ขยะ/สิ่งปฏิกูล"));
    expect_each_action_once(resident);
}

TEST_F(NeverTrap, News) {
    Resident resident(*bot, *line, {"U0123456789abcdef0123456789abc005", ""});
    resident.say("ร้องเรียน");
    // Choosing news topics where a category is asked: the topics stay on screen with ทำต่อ.
    auto topics = resident.say("รับข่าว");
    EXPECT_TRUE(offers(topics, "ทำต่อ")) << all_text(topics);
    EXPECT_TRUE(mentions(topics, "news=sub")) << all_text(topics);
    auto back = resident.tap("ทำต่อ");
    EXPECT_TRUE(mentions(back, "ขยะ/สิ่งปฏิกูล")) << all_text(back);
    resident.tap("ถนน");
    // The news menu word at the description step (free text) is the menu word, not a description.
    auto news = resident.say("ข่าวสาร");
    EXPECT_TRUE(offers(news, "ทำต่อ")) << all_text(news);
    // ทิ้งร่าง drops it, and says so.
    auto dropped = resident.tap("ทิ้งร่าง");
    EXPECT_TRUE(mentions(dropped, "ทิ้งร่าง")) << all_text(dropped);
    auto nothing = resident.postback("flow=resume");
    EXPECT_TRUE(mentions(nothing, "ไม่มีเรื่องที่ทำค้างไว้")) << all_text(nothing);
    // A photo with nothing in progress offers a report (#16), and goes with it.
    auto offered = resident.send_image(sample_jpeg());
    EXPECT_TRUE(offers(offered, "ร้องเรียน")) << all_text(offered);
    auto started = resident.tap("ร้องเรียน");
    EXPECT_TRUE(mentions(started, "แนบไว้กับเรื่องนี้แล้ว")) << all_text(started);
    expect_each_action_once(resident);
}

}  // namespace
}  // namespace thesaban::testing
