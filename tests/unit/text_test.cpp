#include "core/text.h"

#include <gtest/gtest.h>

namespace thesaban::text {

TEST(Utf16Length, CountsThaiAsOneUnitAndAstralAsTwo) {
    EXPECT_EQ(utf16_length("abc"), 3u);
    EXPECT_EQ(utf16_length("แจ้งเหตุไฟฟ้าดับ"), 16u);
    EXPECT_EQ(utf16_length("\xF0\x9F\x8D\x8E"), 2u);  // 🍎
}

TEST(NormalizeThaiDigits, ReplacesThaiDigitsOnly) {
    EXPECT_EQ(normalize_thai_digits("เลขที่ ๑๒๓๔๕๖๗๘๙๐"), "เลขที่ 1234567890");
    EXPECT_EQ(normalize_thai_digits("abc 42"), "abc 42");
}

TEST(Trim, RemovesAsciiAndKeyboardSpaces) {
    EXPECT_EQ(trim("  ภาษี \n"), "ภาษี");
    EXPECT_EQ(trim("\xE2\x80\x8B" "ข่าว" "\xC2\xA0"), "ข่าว");
    EXPECT_EQ(trim("   "), "");
}

TEST(TruncateUtf16, NeverSplitsACharacter) {
    EXPECT_EQ(truncate_utf16("a\xF0\x9F\x8D\x8E", 2), "a");
    EXPECT_EQ(truncate_utf16("ไฟดับ", 3), "ไฟด");
}

}  // namespace thesaban::text
