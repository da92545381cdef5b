#include "core/log.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>

namespace thesaban::log {
namespace {

TEST(Log, OneJsonObjectALineWithFieldsInOrder) {
    set_min_level(Level::info);
    std::string owner = "01HQZ3K4R8V6N2P7T1X9B5C3D0";
    ::testing::internal::CaptureStderr();
    info("webhook", "say \"hi\"", {{"event", owner}, {"user", mask_id("U4af4980629c2d44ab4a1e4a8d4b7f9d2")},
                                   {"count", std::to_string(3)}, {"lit", "x\ny"}});
    debug("webhook", "not shown", {{"a", "b"}});
    std::string out = ::testing::internal::GetCapturedStderr();
    EXPECT_TRUE(std::regex_match(
        out, std::regex(R"(\{"ts":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z","level":"info","component":"webhook",)"
                        R"("msg":"say \\"hi\\"","event":"01HQZ3K4R8V6N2P7T1X9B5C3D0","user":"U4af4…f9d2",)"
                        R"("count":"3","lit":"x\\ny"\}\n)")))
        << out;
}

TEST(Log, EnabledFollowsTheMinimumLevel) {
    set_min_level(Level::warn);
    EXPECT_FALSE(enabled(Level::info));
    EXPECT_TRUE(enabled(Level::warn));
    EXPECT_TRUE(enabled(Level::error));
    set_min_level(Level::info);
    EXPECT_TRUE(enabled(Level::info));
    EXPECT_FALSE(enabled(Level::debug));
}

TEST(Log, FieldKeepsATemporaryAndViewsTheRest) {
    Field owned("k", std::string(100, 'x'));
    Field copy = owned;
    EXPECT_EQ(copy.value(), std::string(100, 'x'));
    std::string lasting = "value";
    Field viewed("k", lasting);
    EXPECT_EQ(viewed.value().data(), lasting.data());
}

}  // namespace
}  // namespace thesaban::log
