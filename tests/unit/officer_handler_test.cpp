#include "handlers/officer/officer_handler.h"

#include <gtest/gtest.h>

#include "config/config.h"
#include "handlers/officer/ticket_announcer.h"
#include "handlers/officer/ticket_cards.h"
#include "templates/template_library.h"
#include "unit/fakes/example_config.h"
#include "unit/fakes/in_memory_ports.h"
#include "unit/fakes/line_messages.h"
#include "unit/fakes/parsed_events.h"

namespace thesaban {
namespace {

using handlers::CollectingResponder;
using testing::example_config;
using testing::example_templates;
using testing::parsed;
using testing::text_of;
using testing::parsed_events::image_event;
using testing::parsed_events::postback_event;
using testing::parsed_events::text_event;
using tickets::Status;

// From config/thesaban.example.jsonc.
const std::string kEngGroup = "C1a2b3c4d5e6f708192a3b4c5d6e7f801";
const std::string kHealthGroup = "C2a2b3c4d5e6f708192a3b4c5d6e7f802";
const std::string kSomchai = "U1a2b3c4d5e6f708192a3b4c5d6e7f801";  // engineering
const std::string kWichai = "U2a2b3c4d5e6f708192a3b4c5d6e7f802";   // engineering
const std::string kSuda = "U3a2b3c4d5e6f708192a3b4c5d6e7f803";     // public_health
const std::string kResident = "Uaaaabbbbccccddddeeeeffff00001111";
const std::string kFollower = "Uffffeeeeddddccccbbbbaaaa00002222";
constexpr int64_t kNow = 1764052200000;  // 25 Nov 2025 13:30 Thai time

std::vector<std::string> quick_reply_data(const std::string& message_json) {
    std::vector<std::string> out;
    auto doc = parsed(message_json);
    const auto* qr = json::get_object(doc, "quickReply");
    if (!qr) return out;
    for (const auto& item : json::get_array(*qr, "items")->GetArray()) {
        const auto& action = item["action"];
        auto data = json::get_string(action, "data");
        out.emplace_back(data ? *data : json::get_string(action, "text").value_or(""));
    }
    return out;
}

class OfficerHandlerTest : public ::testing::Test {
protected:
    void TearDown() override {
        for (const auto& m : sent_) testing::expect_valid_line_message(m);
        for (const auto& p : notifier.pushes) {
            EXPECT_LE(p.messages.size(), 5u);
            for (const auto& m : p.messages) testing::expect_valid_line_message(m);
        }
    }

    tickets::Ticket new_ticket(const std::string& category = "road", bool with_extras = true) {
        tickets::TicketDraft draft;
        draft.kind = "complaint";
        draft.category = category;
        draft.department = example_config().complaint_categories.front().department;
        for (const auto& c : example_config().complaint_categories)
            if (c.key == category) draft.department = c.department;
        draft.description = "ถนนหน้าบ้านเป็นหลุม \"ลึก\" มาก";
        draft.reporter_user_id = kResident;
        draft.reporter_name = "สมศรี ใจดี";
        if (with_extras) {
            draft.location = tickets::GeoPoint{17.3521, 103.8512, "หน้าวัด", "ต.พรรณา"};
            draft.photo_tokens = {"photo1"};
            draft.phone = "0812345678";
        }
        auto ticket = store.create(draft, "event-" + std::to_string(++created_), clock.now);
        clock.now += 60000;
        return ticket;
    }

    // The handler's answers to one event (EXPECTs it took the event).
    std::vector<std::string> send(const line::Event& event, bool expect_taken = true) {
        CollectingResponder out;
        EXPECT_EQ(handler.handle(event, out), expect_taken);
        sent_.insert(sent_.end(), out.messages.begin(), out.messages.end());
        return out.messages;
    }
    std::vector<std::string> press(const std::string& user, const std::string& group, const std::string& data) {
        return send(postback_event(user, group, data));
    }
    Status status(const std::string& id) { return store.get(id)->status; }

    testing::InMemoryTicketStore store;
    testing::InMemoryConversationStore conversations;
    testing::RecordingNotifier notifier;
    testing::InMemoryMediaStore media;
    testing::FixedClock clock{kNow};
    testing::FixedProfiles profiles;
    handlers::OfficerHandler handler{
        example_config(), example_templates(), store, conversations, notifier, media, clock, profiles};

private:
    std::vector<std::string> sent_;
    int created_ = 0;
};

TEST_F(OfficerHandlerTest, AnnouncerPushesCardToDepartmentGroup) {
    handlers::GroupTicketAnnouncer announcer(example_config(), example_templates(), media, notifier);
    auto ticket = new_ticket();
    announcer.ticket_created(ticket, "created:" + ticket.id);
    announcer.ticket_created(ticket, "created:" + ticket.id);  // a reprocessed event: no second card
    ASSERT_EQ(notifier.pushes.size(), 1u);
    EXPECT_EQ(notifier.pushes[0].to, kEngGroup);
    EXPECT_EQ(notifier.pushes[0].dedup_key, "created:" + ticket.id);
    const auto& card = notifier.pushes[0].messages.at(0);
    EXPECT_NE(card.find("\"url\":\"https://line.phannanakhon.go.th/media/photo1\""), std::string::npos);
    EXPECT_NE(card.find("https://www.google.com/maps/search/?api=1&query=17.352100,103.851200"), std::string::npos);
    EXPECT_NE(card.find("สมศรี ใ…"), std::string::npos);
    EXPECT_EQ(card.find("ใจดี"), std::string::npos);
    EXPECT_NE(card.find("******5678"), std::string::npos);
    EXPECT_EQ(card.find("0812345678"), std::string::npos);
    EXPECT_NE(card.find("2568"), std::string::npos);  // Buddhist Era
    EXPECT_NE(card.find("ถนน/ทางเท้า"), std::string::npos);
    EXPECT_NE(card.find("กองช่าง"), std::string::npos);
    EXPECT_NE(card.find("รอรับเรื่อง"), std::string::npos);
    for (const char* action : {"accept", "progress", "done", "forward"})
        EXPECT_NE(card.find("ticket=" + ticket.id + "&do=" + action + "\""), std::string::npos) << action;
    EXPECT_NE(card.find("\\\"ลึก\\\""), std::string::npos);  // resident's quotes escaped, JSON intact
    EXPECT_TRUE(parsed(card)["contents"].HasMember("hero"));
}

TEST_F(OfficerHandlerTest, CardWithoutPhotoOrLocationDropsHeroAndMap) {
    handlers::TicketCards cards(example_config(), example_templates(), media);
    auto card = json::to_string(cards.officer_card(new_ticket("waste", false)));
    EXPECT_TRUE(testing::line_message_problems(card).empty());
    EXPECT_FALSE(parsed(card)["contents"].HasMember("hero"));
    EXPECT_EQ(card.find("google.com/maps"), std::string::npos);
    EXPECT_EQ(card.find("\x1f"), std::string::npos);
    EXPECT_NE(card.find("กองสาธารณสุขและสิ่งแวดล้อม"), std::string::npos);
}

TEST_F(OfficerHandlerTest, AcceptByOfficerChangesStatusRepliesAndPushesResident) {
    auto ticket = new_ticket();
    auto replies = press(kSomchai, kEngGroup, "ticket=" + ticket.id + "&do=accept");
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_NE(text_of(replies[0]).find("รับเรื่องแล้ว"), std::string::npos);
    EXPECT_NE(text_of(replies[0]).find("นายช่างสมชาย"), std::string::npos);
    auto now = *store.get(ticket.id);
    EXPECT_EQ(now.status, Status::accepted);
    EXPECT_EQ(now.assigned_officer, kSomchai);
    auto pushes = notifier.to(kResident);
    ASSERT_EQ(pushes.size(), 1u);
    EXPECT_EQ(pushes[0].dedup_key, "status:" + ticket.id + ":2:" + kResident);
    EXPECT_NE(text_of(pushes[0].messages.back()).find("รับเรื่องแล้ว"), std::string::npos);
}

TEST_F(OfficerHandlerTest, NonOfficerIsRefusedAndNothingChanges) {
    auto ticket = new_ticket();
    auto replies = press(kResident, kEngGroup, "ticket=" + ticket.id + "&do=accept");
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_NE(text_of(replies[0]).find("ขออภัย"), std::string::npos);
    EXPECT_EQ(status(ticket.id), Status::received);
    EXPECT_EQ(store.transition_calls, 0);
    EXPECT_TRUE(notifier.pushes.empty());
}

TEST_F(OfficerHandlerTest, OfficerOfAnotherDepartmentIsRefused) {
    auto ticket = new_ticket();  // engineering
    auto replies = press(kSuda, kEngGroup, "ticket=" + ticket.id + "&do=accept");
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_NE(text_of(replies[0]).find("กองช่าง"), std::string::npos);
    EXPECT_EQ(status(ticket.id), Status::received);
    EXPECT_TRUE(notifier.pushes.empty());
}

TEST_F(OfficerHandlerTest, ForgedPostbackForMissingTicketIsRefused) {
    auto replies = press(kSomchai, kEngGroup, "ticket=PNK-2568-999999&do=accept");
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_NE(text_of(replies[0]).find("ไม่พบเรื่องนี้"), std::string::npos);
    replies = press(kSomchai, "", "ticket=&do=done");
    EXPECT_NE(text_of(replies.at(0)).find("ไม่พบเรื่องนี้"), std::string::npos);
    EXPECT_EQ(store.transition_calls, 0);
}

TEST_F(OfficerHandlerTest, ClosedAndDoneTicketsAreRefused) {
    auto closed = new_ticket();
    press(kSomchai, kEngGroup, "ticket=" + closed.id + "&do=close&reason=duplicate");
    ASSERT_EQ(status(closed.id), Status::closed);
    auto pushes_before = notifier.pushes.size();
    auto replies = press(kWichai, kEngGroup, "ticket=" + closed.id + "&do=accept");
    EXPECT_NE(text_of(replies.at(0)).find("ปิดเรื่อง"), std::string::npos);
    EXPECT_EQ(status(closed.id), Status::closed);

    auto done = new_ticket();
    press(kSomchai, kEngGroup, "ticket=" + done.id + "&do=accept");
    press(kSomchai, kEngGroup, "ticket=" + done.id + "&do=done");
    send(text_event(kSomchai, kEngGroup, "ข้าม"));
    send(text_event(kSomchai, kEngGroup, "ข้าม"));
    ASSERT_EQ(status(done.id), Status::done);
    pushes_before = notifier.pushes.size();
    replies = press(kSomchai, kEngGroup, "ticket=" + done.id + "&do=progress");
    EXPECT_NE(text_of(replies.at(0)).find("เสร็จสิ้น"), std::string::npos);
    EXPECT_EQ(status(done.id), Status::done);
    EXPECT_EQ(notifier.pushes.size(), pushes_before);
}

TEST_F(OfficerHandlerTest, SecondAcceptIsToldWhoTookIt) {
    auto ticket = new_ticket();
    press(kSomchai, kEngGroup, "ticket=" + ticket.id + "&do=accept");
    auto pushes = notifier.pushes.size();
    auto replies = press(kWichai, kEngGroup, "ticket=" + ticket.id + "&do=accept");
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_NE(text_of(replies[0]).find("นายช่างสมชาย รับเรื่องไปแล้ว"), std::string::npos) << text_of(replies[0]);
    EXPECT_EQ(store.get(ticket.id)->assigned_officer, kSomchai);
    EXPECT_EQ(notifier.pushes.size(), pushes);
}

TEST_F(OfficerHandlerTest, ConcurrentAcceptLoserSeesWinnerAndNothingChanges) {
    auto ticket = new_ticket();
    // Wichai's press lands between Somchai's read and Somchai's compare-and-set.
    store.before_transition = [&] {
        tickets::TransitionRequest r;
        r.ticket_id = ticket.id;
        r.expected = Status::received;
        r.to = Status::accepted;
        r.actor = kWichai;
        r.actor_name = "นายช่างวิชัย";
        store.transition(r, clock.now);
    };
    auto replies = press(kSomchai, kEngGroup, "ticket=" + ticket.id + "&do=accept");
    ASSERT_EQ(replies.size(), 1u);
    EXPECT_NE(text_of(replies[0]).find("นายช่างวิชัย รับเรื่องไปแล้ว"), std::string::npos) << text_of(replies[0]);
    auto now = *store.get(ticket.id);
    EXPECT_EQ(now.assigned_officer, kWichai);
    EXPECT_EQ(now.history.size(), 2u);
    EXPECT_TRUE(notifier.pushes.empty());  // the winner's own handler pushes, not the loser's
}

TEST_F(OfficerHandlerTest, ProgressFromAccepted) {
    auto ticket = new_ticket();
    press(kSomchai, kEngGroup, "ticket=" + ticket.id + "&do=accept");
    auto replies = press(kWichai, "", "ticket=" + ticket.id + "&do=progress");  // from a 1:1 chat
    EXPECT_NE(text_of(replies.at(0)).find("กำลังดำเนินการ"), std::string::npos);
    EXPECT_EQ(status(ticket.id), Status::in_progress);
    EXPECT_EQ(notifier.to(kResident).size(), 2u);
}

TEST_F(OfficerHandlerTest, DoneBeforeAcceptIsNotAllowed) {
    auto ticket = new_ticket();
    auto replies = press(kSomchai, kEngGroup, "ticket=" + ticket.id + "&do=done");
    EXPECT_NE(text_of(replies.at(0)).find("รอรับเรื่อง"), std::string::npos);
    EXPECT_TRUE(conversations.states.empty());
    EXPECT_EQ(status(ticket.id), Status::received);
}

TEST_F(OfficerHandlerTest, DoneWithNoteAndAfterPhotoTellsReporterAndFollowers) {
    auto ticket = new_ticket();
    ASSERT_TRUE(store.follow(ticket.id, kFollower));
    press(kSomchai, kEngGroup, "ticket=" + ticket.id + "&do=accept");
    auto ask = press(kSomchai, kEngGroup, "ticket=" + ticket.id + "&do=done");
    ASSERT_EQ(ask.size(), 1u);
    EXPECT_EQ(quick_reply_data(ask[0]), std::vector<std::string>{"ข้าม"});
    EXPECT_TRUE(conversations.states.count(kEngGroup + ":" + kSomchai));

    // Another officer's chatter in the group is not taken as the note.
    send(text_event(kWichai, kEngGroup, "กินข้าวยัง"), false);
    auto ask_photo = send(text_event(kSomchai, kEngGroup, "ซ่อมหลุมเรียบร้อย"));
    EXPECT_NE(text_of(ask_photo.at(0)).find("รูป"), std::string::npos);
    EXPECT_EQ(status(ticket.id), Status::accepted);
    media.broken = {"bad-1"};
    auto failed = send(image_event(kSomchai, kEngGroup, "bad-1"));
    EXPECT_NE(text_of(failed.at(0)).find("ส่งรูปใหม่"), std::string::npos);
    auto done = send(image_event(kSomchai, kEngGroup, "img-9"));
    EXPECT_NE(text_of(done.at(0)).find("เสร็จสิ้น"), std::string::npos);

    auto now = *store.get(ticket.id);
    EXPECT_EQ(now.status, Status::done);
    EXPECT_EQ(now.resolution_note, "ซ่อมหลุมเรียบร้อย");
    EXPECT_EQ(now.after_photo_tokens, std::vector<std::string>{"tok-img-9"});
    EXPECT_TRUE(conversations.states.empty());

    auto reporter = notifier.to(kResident);
    ASSERT_EQ(reporter.size(), 2u);
    const auto& last = reporter.back();
    EXPECT_EQ(last.dedup_key, "status:" + ticket.id + ":3:" + kResident);
    ASSERT_EQ(last.messages.size(), 2u);
    EXPECT_NE(last.messages[0].find("media/tok-img-9"), std::string::npos);
    EXPECT_NE(text_of(last.messages[1]).find("ซ่อมหลุมเรียบร้อย"), std::string::npos);
    std::vector<std::string> stars;
    for (int n = 1; n <= 5; ++n) stars.push_back("rate=" + ticket.id + "&stars=" + std::to_string(n));
    EXPECT_EQ(quick_reply_data(last.messages[1]), stars);

    auto follower = notifier.to(kFollower);
    ASSERT_EQ(follower.size(), 2u);
    EXPECT_EQ(follower.back().dedup_key, "status:" + ticket.id + ":3:" + kFollower);
    EXPECT_TRUE(quick_reply_data(follower.back().messages.back()).empty());  // only the reporter rates
}

TEST_F(OfficerHandlerTest, DoneSkippingNoteAndPhoto) {
    auto ticket = new_ticket();
    press(kSomchai, kEngGroup, "ticket=" + ticket.id + "&do=accept");
    press(kSomchai, kEngGroup, "ticket=" + ticket.id + "&do=done");
    send(text_event(kSomchai, kEngGroup, "ข้าม"));
    auto again = send(text_event(kSomchai, kEngGroup, "อะไรนะ"));  // not a photo, not ข้าม: asked again
    EXPECT_EQ(status(ticket.id), Status::accepted);
    EXPECT_EQ(quick_reply_data(again.at(0)), std::vector<std::string>{"ข้าม"});
    send(text_event(kSomchai, kEngGroup, "ข้าม"));
    auto now = *store.get(ticket.id);
    EXPECT_EQ(now.status, Status::done);
    EXPECT_TRUE(now.resolution_note.empty());
    EXPECT_TRUE(now.after_photo_tokens.empty());
}

TEST_F(OfficerHandlerTest, DoneAfterTicketWasForwardedMeanwhileIsRefused) {
    auto ticket = new_ticket();
    press(kSomchai, kEngGroup, "ticket=" + ticket.id + "&do=accept");
    press(kSomchai, kEngGroup, "ticket=" + ticket.id + "&do=done");
    press(kWichai, kEngGroup, "ticket=" + ticket.id + "&do=forward&to=public_health");
    send(text_event(kSomchai, kEngGroup, "ข้าม"));
    auto replies = send(text_event(kSomchai, kEngGroup, "ข้าม"));
    EXPECT_NE(text_of(replies.at(0)).find("ขออภัย"), std::string::npos);
    EXPECT_EQ(status(ticket.id), Status::forwarded);
}

TEST_F(OfficerHandlerTest, ForwardOffersOtherDepartmentsThenSendsCardToTheirGroup) {
    auto ticket = new_ticket();
    auto choose = press(kSomchai, kEngGroup, "ticket=" + ticket.id + "&do=forward");
    EXPECT_EQ(quick_reply_data(choose.at(0)),
              (std::vector<std::string>{"ticket=" + ticket.id + "&do=forward&to=public_health",
                                        "ticket=" + ticket.id + "&do=forward&to=clerk"}));
    auto replies = press(kSomchai, kEngGroup, "ticket=" + ticket.id + "&do=forward&to=public_health");
    EXPECT_NE(text_of(replies.at(0)).find("กองสาธารณสุขและสิ่งแวดล้อม"), std::string::npos);
    auto now = *store.get(ticket.id);
    EXPECT_EQ(now.status, Status::forwarded);
    EXPECT_EQ(now.department, "public_health");
    auto cards = notifier.to(kHealthGroup);
    ASSERT_EQ(cards.size(), 1u);
    EXPECT_NE(cards[0].messages.at(0).find("ticket=" + ticket.id + "&do=accept"), std::string::npos);
    EXPECT_NE(text_of(notifier.to(kResident).at(0).messages.back()).find("กองสาธารณสุข"), std::string::npos);

    // The old department no longer acts on it; the new one does.
    press(kSomchai, kEngGroup, "ticket=" + ticket.id + "&do=accept");
    EXPECT_EQ(status(ticket.id), Status::forwarded);
    press(kSuda, kHealthGroup, "ticket=" + ticket.id + "&do=accept");
    EXPECT_EQ(status(ticket.id), Status::accepted);
    EXPECT_EQ(store.get(ticket.id)->assigned_officer, kSuda);
}

TEST_F(OfficerHandlerTest, ForwardToOwnOrUnknownDepartmentIsRefused) {
    auto ticket = new_ticket();
    press(kSomchai, kEngGroup, "ticket=" + ticket.id + "&do=forward&to=engineering");
    press(kSomchai, kEngGroup, "ticket=" + ticket.id + "&do=forward&to=police");
    EXPECT_EQ(status(ticket.id), Status::received);
    EXPECT_EQ(store.transition_calls, 0);
}

TEST_F(OfficerHandlerTest, CloseOffersReasonsThenCloses) {
    auto ticket = new_ticket();
    ASSERT_TRUE(store.follow(ticket.id, kFollower));
    auto choose = press(kSomchai, kEngGroup, "ticket=" + ticket.id + "&do=close");
    EXPECT_EQ(quick_reply_data(choose.at(0)),
              (std::vector<std::string>{"ticket=" + ticket.id + "&do=close&reason=out_of_scope",
                                        "ticket=" + ticket.id + "&do=close&reason=duplicate",
                                        "ticket=" + ticket.id + "&do=close&reason=cancelled_by_reporter"}));
    EXPECT_NE(choose[0].find("ไม่อยู่ในอำนาจ"), std::string::npos);
    press(kSomchai, kEngGroup, "ticket=" + ticket.id + "&do=close&reason=bogus");
    EXPECT_EQ(status(ticket.id), Status::received);
    auto replies = press(kSomchai, kEngGroup, "ticket=" + ticket.id + "&do=close&reason=out_of_scope");
    EXPECT_NE(text_of(replies.at(0)).find("ไม่อยู่ในอำนาจ"), std::string::npos);
    auto now = *store.get(ticket.id);
    EXPECT_EQ(now.status, Status::closed);
    EXPECT_EQ(now.close_reason, "out_of_scope");
    EXPECT_NE(text_of(notifier.to(kResident).at(0).messages.back()).find("ไม่อยู่ในอำนาจ"), std::string::npos);
    EXPECT_EQ(notifier.to(kFollower).size(), 1u);
}

TEST_F(OfficerHandlerTest, ResidentAndFollowersArePushedAtEveryChange) {
    auto ticket = new_ticket();
    ASSERT_TRUE(store.follow(ticket.id, kFollower));
    press(kSomchai, kEngGroup, "ticket=" + ticket.id + "&do=accept");
    press(kSomchai, kEngGroup, "ticket=" + ticket.id + "&do=progress");
    press(kSomchai, kEngGroup, "ticket=" + ticket.id + "&do=done");
    send(text_event(kSomchai, kEngGroup, "ข้าม"));
    send(text_event(kSomchai, kEngGroup, "ข้าม"));
    for (const auto& user : {kResident, kFollower}) {
        auto pushes = notifier.to(user);
        ASSERT_EQ(pushes.size(), 3u) << user;
        for (std::size_t i = 0; i < pushes.size(); ++i)
            EXPECT_EQ(pushes[i].dedup_key, "status:" + ticket.id + ":" + std::to_string(i + 2) + ":" + user);
        EXPECT_NE(text_of(pushes[0].messages.back()).find("รับเรื่องแล้ว"), std::string::npos);
        EXPECT_NE(text_of(pushes[1].messages.back()).find("กำลังดำเนินการ"), std::string::npos);
        EXPECT_NE(text_of(pushes[2].messages.back()).find("เสร็จสิ้น"), std::string::npos);
    }
}

TEST_F(OfficerHandlerTest, BacklogListsOpenTicketsOldestFirst) {
    auto first = new_ticket();
    auto second = new_ticket("flood");
    auto third = new_ticket();
    new_ticket("waste");  // another department
    press(kSomchai, kEngGroup, "ticket=" + second.id + "&do=close&reason=duplicate");
    auto replies = send(text_event(kWichai, kEngGroup, "งานค้าง"));
    ASSERT_EQ(replies.size(), 1u);
    auto doc = parsed(replies[0]);
    const auto& bubbles = doc["contents"]["contents"];
    ASSERT_EQ(bubbles.Size(), 2u);
    EXPECT_NE(json::to_string(bubbles[0]).find(first.id), std::string::npos);
    EXPECT_NE(json::to_string(bubbles[1]).find(third.id), std::string::npos);
}

TEST_F(OfficerHandlerTest, BacklogEmptyRefusedOrIgnored) {
    auto replies = send(text_event(kWichai, kEngGroup, "งานค้าง"));
    EXPECT_NE(text_of(replies.at(0)).find("ไม่มีงานค้าง"), std::string::npos);
    replies = send(text_event(kResident, kEngGroup, "งานค้าง"));
    EXPECT_NE(text_of(replies.at(0)).find("ขออภัย"), std::string::npos);
    send(text_event(kWichai, "Cnotadepartmentgroup0000000000000", "งานค้าง"), false);
    send(text_event(kWichai, kEngGroup, "ประชุมบ่ายนี้นะ"), false);
    send(text_event(kResident, "", "งานค้าง"), false);
}

TEST(TicketCardsTest, MasksNames) {
    EXPECT_EQ(handlers::mask_person_name("สมศรี ใจดี"), "สมศรี ใ…");
    EXPECT_EQ(handlers::mask_person_name("Somchai"), "Somchai");
    EXPECT_EQ(handlers::mask_person_name("  John   Smith "), "John S…");
    EXPECT_EQ(handlers::mask_person_name("สมชาย เก่งกาจ ยิ่ง"), "สมชาย เ…");
}

TEST(TicketCardsTest, ParsesPostbackData) {
    auto p = handlers::parse_postback_data("ticket=PNK-2569-000001&do=close&reason=duplicate");
    EXPECT_EQ(p["ticket"], "PNK-2569-000001");
    EXPECT_EQ(p["do"], "close");
    EXPECT_EQ(p["reason"], "duplicate");
    EXPECT_TRUE(handlers::parse_postback_data("").empty());
}

}  // namespace
}  // namespace thesaban
