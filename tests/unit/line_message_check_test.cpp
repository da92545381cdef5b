// The check every unit test applies to the bot's messages (fakes/line_messages.h) must itself
// catch what LINE would refuse, or the tests relying on it prove nothing.
#include <gtest/gtest.h>

#include <string>

#include "unit/fakes/line_messages.h"

namespace thesaban {
namespace {

using testing::line_message_problems;

std::string quick_reply_text(const std::string& label) {
    return R"({"type":"text","text":"เลือกค่ะ","quickReply":{"items":[{"type":"action","action":{"type":"postback","label":")" +
           label + R"(","data":"a=1"}}]}})";
}

std::string flex_with(const std::string& component) {
    return R"({"type":"flex","altText":"บัตรเรื่อง","contents":{"type":"bubble","body":{"type":"box","layout":"vertical","contents":[)" +
           component + "]}}}";
}

TEST(LineMessageCheck, AcceptsWellFormedMessages) {
    EXPECT_TRUE(line_message_problems(R"({"type":"text","text":"สวัสดีค่ะ"})").empty());
    EXPECT_TRUE(line_message_problems(quick_reply_text("ข้าม")).empty());
    EXPECT_TRUE(
        line_message_problems(
            flex_with(
                R"({"type":"text","text":"ถนนเป็นหลุม"},{"type":"button","action":{"type":"postback","label":"รับเรื่อง","data":"t=1"}})"))
            .empty());
    EXPECT_TRUE(
        line_message_problems(
            R"({"type":"image","originalContentUrl":"https://x.example/a.jpg","previewImageUrl":"https://x.example/p.jpg"})")
            .empty());
}

TEST(LineMessageCheck, CatchesWhatLineRefusesOrResidentsShouldNotSee) {
    EXPECT_FALSE(line_message_problems("not json").empty());
    EXPECT_FALSE(line_message_problems(R"({"text":"no type"})").empty());
    EXPECT_FALSE(line_message_problems(R"({"type":"text","text":""})").empty());
    EXPECT_FALSE(line_message_problems(R"({"type":"text","text":"เรื่อง {{ticket_id}} ค่ะ"})").empty());
    EXPECT_FALSE(line_message_problems(quick_reply_text(std::string(21, 'a'))).empty());
    EXPECT_FALSE(line_message_problems(quick_reply_text("")).empty());
    EXPECT_FALSE(line_message_problems(R"({"type":"text","text":"x","quickReply":{"items":[]}})").empty());
    EXPECT_FALSE(line_message_problems(flex_with(R"({"type":"button","action":{"type":"postback","label":")" +
                                                 std::string(21, 'b') + R"(","data":"t=1"}})"))
                     .empty());
    EXPECT_FALSE(
        line_message_problems(flex_with(R"({"type":"button","action":{"type":"postback","data":"t=1"}})")).empty());
    EXPECT_FALSE(
        line_message_problems(flex_with(R"({"type":"button","action":{"type":"postback","label":"ok","data":")" +
                                        std::string(301, 'd') + R"("}})"))
            .empty());
    EXPECT_FALSE(line_message_problems(flex_with(R"({"type":"text","text":""})")).empty());
    EXPECT_FALSE(line_message_problems(R"({"type":"flex","contents":{"type":"bubble"}})").empty());
    EXPECT_FALSE(
        line_message_problems(
            R"({"type":"image","originalContentUrl":"http://x.example/a.jpg","previewImageUrl":"https://x.example/p.jpg"})")
            .empty());
    EXPECT_FALSE(line_message_problems(R"({"type":"sticker","packageId":"1","stickerId":"1"})").empty());
}

}  // namespace
}  // namespace thesaban
