#include "line/message_limits.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace thesaban::line {
namespace {

std::string repeat(std::string_view s, std::size_t n) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out += s;
    return out;
}

std::string text_message(std::string_view text) { return R"({"type":"text","text":")" + std::string(text) + R"("})"; }

// A bubble whose compact JSON is at least `bytes` long.
std::string bubble(std::size_t bytes) {
    return R"({"type":"bubble","body":{"type":"box","layout":"vertical","contents":[{"type":"text","text":")" +
           std::string(bytes, 'x') + R"("}]}})";
}

std::string flex(std::string_view contents, std::string_view alt = "แจ้งเหตุ") {
    return R"({"type":"flex","altText":")" + std::string(alt) + R"(","contents":)" + std::string(contents) + "}";
}

std::string with_quick_reply(std::size_t items, std::string_view label) {
    std::string list;
    for (std::size_t i = 0; i < items; ++i) {
        if (i) list += ",";
        list += R"({"type":"action","action":{"type":"message","label":")" + std::string(label) + R"(","text":"x"}})";
    }
    return R"({"type":"text","text":"เลือก","quickReply":{"items":[)" + list + "]}}";
}

TEST(CheckMessages, AcceptsOrdinaryMessages) {
    EXPECT_EQ(check_messages({text_message("สวัสดี")}), std::nullopt);
    EXPECT_EQ(check_messages({text_message("a"), flex(bubble(100)), with_quick_reply(13, "ไฟฟ้าดับ")}), std::nullopt);
}

TEST(CheckMessages, CountsOneToFive) {
    EXPECT_NE(check_messages({}), std::nullopt);
    EXPECT_EQ(check_messages(std::vector<std::string>(5, text_message("a"))), std::nullopt);
    EXPECT_NE(check_messages(std::vector<std::string>(6, text_message("a"))), std::nullopt);
}

TEST(CheckMessages, RequiresJsonObjectWithType) {
    EXPECT_NE(check_messages({"not json"}), std::nullopt);
    EXPECT_NE(check_messages({"[1,2]"}), std::nullopt);
    EXPECT_NE(check_messages({R"({"text":"no type"})"}), std::nullopt);
    EXPECT_NE(check_messages({R"({"type":"text","text":"a"} {"extra":1})"}), std::nullopt);
    EXPECT_NE(check_messages({text_message("")}), std::nullopt);
}

TEST(CheckMessages, TextLimitIsInUtf16Units) {
    EXPECT_EQ(check_messages({text_message(std::string(5000, 'a'))}), std::nullopt);
    EXPECT_NE(check_messages({text_message(std::string(5001, 'a'))}), std::nullopt);
    EXPECT_EQ(check_messages({text_message(repeat("ก", 5000))}), std::nullopt);  // 15000 bytes, 5000 units
    EXPECT_EQ(check_messages({text_message(repeat("🍎", 2500))}), std::nullopt);
    auto problem = check_messages({text_message(repeat("🍎", 2501))});  // 5002 units
    ASSERT_NE(problem, std::nullopt);
    EXPECT_NE(problem->find("5002"), std::string::npos) << *problem;
    EXPECT_EQ(problem->find("🍎"), std::string::npos) << "never quote message text";
}

TEST(CheckMessages, AltText) {
    EXPECT_EQ(check_messages({flex(bubble(10), std::string(1500, 'a'))}), std::nullopt);
    EXPECT_NE(check_messages({flex(bubble(10), std::string(1501, 'a'))}), std::nullopt);
    EXPECT_NE(check_messages({flex(bubble(10), "")}), std::nullopt);
    EXPECT_NE(check_messages({R"({"type":"template","template":{"type":"buttons"}})"}), std::nullopt);
    EXPECT_NE(check_messages({R"({"type":"imagemap","altText":")" + std::string(1501, 'a') + R"("})"}), std::nullopt);
}

TEST(CheckMessages, BubbleSizeAloneAndInCarousel) {
    EXPECT_EQ(check_messages({flex(bubble(29 * 1024))}), std::nullopt);
    EXPECT_NE(check_messages({flex(bubble(31 * 1024))}), std::nullopt);
    std::string carousel_with_big = R"({"type":"carousel","contents":[)" + bubble(10) + "," + bubble(31 * 1024) + "]}";
    EXPECT_NE(check_messages({flex(carousel_with_big)}), std::nullopt);
}

TEST(CheckMessages, CarouselCountAndSize) {
    auto carousel = [](std::size_t n, std::size_t bytes) {
        std::string s = R"({"type":"carousel","contents":[)";
        for (std::size_t i = 0; i < n; ++i) s += (i ? "," : "") + bubble(bytes);
        return s + "]}";
    };
    EXPECT_EQ(check_messages({flex(carousel(12, 100))}), std::nullopt);
    EXPECT_NE(check_messages({flex(carousel(13, 100))}), std::nullopt);
    EXPECT_NE(check_messages({flex(carousel(3, 20 * 1024))}), std::nullopt);  // 60 KB > 50 KB
}

TEST(CheckMessages, QuickReply) {
    EXPECT_NE(check_messages({with_quick_reply(14, "a")}), std::nullopt);
    EXPECT_EQ(check_messages({with_quick_reply(1, std::string(20, 'a'))}), std::nullopt);
    EXPECT_NE(check_messages({with_quick_reply(1, std::string(21, 'a'))}), std::nullopt);
    EXPECT_EQ(check_messages({with_quick_reply(1, repeat("ก", 20))}), std::nullopt);
    EXPECT_NE(check_messages({R"({"type":"text","text":"a","quickReply":{"items":[{"type":"action"}]}})"}),
              std::nullopt);
}

TEST(PrecheckMessage, RefusesWhatCheckMessagesRefuses) {
    EXPECT_NE(precheck_message("not json"), std::nullopt);
    EXPECT_NE(precheck_message(text_message(repeat("a", kMaxTextUnits + 1))), std::nullopt);
    EXPECT_NE(precheck_message(flex(bubble(kMaxBubbleBytes + 1))), std::nullopt);
    // Refused ones are not remembered: they stay refused at send time.
    EXPECT_NE(check_messages({flex(bubble(kMaxBubbleBytes + 1))}), std::nullopt);
}

TEST(PrecheckMessage, OnlyTheIdenticalMessageSkipsTheCheck) {
    std::string ok = with_quick_reply(13, "ไฟฟ้าดับ");
    EXPECT_EQ(precheck_message(ok), std::nullopt);
    EXPECT_EQ(precheck_message(ok), std::nullopt);  // twice is fine
    EXPECT_EQ(check_messages({ok}), std::nullopt);
    // Same length, one byte different (breaks the JSON): checked, hence refused.
    std::string changed = ok;
    changed[changed.size() - 1] = ']';
    EXPECT_NE(check_messages({changed}), std::nullopt);
    // The count limit still applies to pre-checked messages.
    EXPECT_NE(check_messages(std::vector<std::string>(6, ok)), std::nullopt);
}

TEST(ClampText, CutsToUnitsWithoutSplitting) {
    EXPECT_EQ(clamp_text(std::string(6000, 'a')).size(), 5000u);
    EXPECT_EQ(clamp_text("a🍎", 2), "a");
    EXPECT_EQ(clamp_text("สั้น"), "สั้น");
}

}  // namespace
}  // namespace thesaban::line
