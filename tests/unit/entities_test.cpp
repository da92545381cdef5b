#include "handlers/common/entities.h"

#include <gtest/gtest.h>

#include "core/word_segmenter.h"
#include "handlers/common/text_normalizer.h"

namespace thesaban::handlers {
namespace {

TEST(Entities, TicketNumbersInAnyCaseWithThaiDigits) {
    EXPECT_EQ(extract_entities("PNK-2569-000003", "PNK").ticket_number, "PNK-2569-000003");
    EXPECT_EQ(extract_entities("pnk-๒๕๖๙-๐๐๐๐๐๔", "PNK").ticket_number, "PNK-2569-000004");
    EXPECT_EQ(extract_entities("ติดตาม PNK-2569-000003", "PNK").ticket_number, "PNK-2569-000003");
    EXPECT_EQ(extract_entities("pnk 2569 12", "PNK").ticket_number, "PNK-2569-000012");
    EXPECT_EQ(extract_entities("PNK2569000015", "PNK").ticket_number, "PNK-2569-000015");
    EXPECT_FALSE(extract_entities("PNK-2569-12345678", "PNK").ticket_number);
    EXPECT_FALSE(extract_entities("XPNK-2569-000003", "PNK").ticket_number);
    EXPECT_FALSE(extract_entities("ไฟดับ", "PNK").ticket_number);
}

TEST(Entities, NoticeNumbersAsPrintedWithDotsSpacesAndThaiDigits) {
    EXPECT_EQ(extract_entities("ภดส6-2569/0001", "PNK").notice_number, "ภดส6-2569/0001");
    EXPECT_EQ(extract_entities("ภดส.6-๒๕๖๙/๐๐๐๑", "PNK").notice_number, "ภดส6-2569/0001");
    EXPECT_EQ(extract_entities("ภดส 6-2569/0001", "PNK").notice_number, "ภดส6-2569/0001");
    EXPECT_EQ(extract_entities("2569/0001", "PNK").notice_number, "2569/0001");
    EXPECT_EQ(extract_entities("เลขที่ใบแจ้ง ภดส6-2569/0001 ค่ะ", "PNK").notice_number, "ภดส6-2569/0001");
    EXPECT_FALSE(extract_entities("ไม่มีใบค่ะ แค่อยากรู้ว่าต้องจ่ายเดือนไหน", "PNK").notice_number);
    EXPECT_FALSE(extract_entities("1/2", "PNK").notice_number);
}

TEST(Entities, PhoneNumbersWithCountryCodeSpacesAndParticles) {
    EXPECT_EQ(find_phone_number("0812345678"), "0812345678");
    EXPECT_EQ(find_phone_number("+66 81 234 5678"), "0812345678");
    EXPECT_EQ(find_phone_number("081 234 5678 ค่ะ"), "0812345678");
    EXPECT_EQ(find_phone_number("081-234-5678 ครับ"), "0812345678");
    EXPECT_EQ(find_phone_number("๐๘๑๒๓๔๕๖๗๘"), "0812345678");
    EXPECT_EQ(find_phone_number("โทร 042-779-111"), "042779111");
    EXPECT_FALSE(find_phone_number("08123456"));
    EXPECT_FALSE(find_phone_number("1234567890123456789012345678901234567890"));
    // The digits of a ticket number are not a phone.
    EXPECT_FALSE(extract_entities("PNK-2569-000003", "PNK").phone);
}

TEST(Entities, RatingsOnlyWhenTheMessageIsARating) {
    EXPECT_EQ(find_rating("๕"), 5);
    EXPECT_EQ(find_rating("5"), 5);
    EXPECT_EQ(find_rating("4 ดาว"), 4);
    EXPECT_EQ(find_rating("ให้ 3 คะแนนค่ะ"), 3);
    EXPECT_EQ(find_rating("1 ครับ"), 1);
    EXPECT_FALSE(find_rating("6"));
    EXPECT_FALSE(find_rating("0"));
    EXPECT_FALSE(find_rating("ไฟดับ 3 วันแล้ว"));
}

TEST(Entities, PlacesAndVillages) {
    const auto e = extract_entities("หน้าโรงเรียนบ้านพรรณา หมู่ 2", "PNK");
    EXPECT_EQ(e.place, "หน้าโรงเรียนบ้านพรรณา หมู่ 2");
    EXPECT_EQ(e.village, 2);
    EXPECT_EQ(extract_entities("ไฟดับ ม.๓", "PNK").village, 3);
    EXPECT_EQ(extract_entities("ขยะเต็มใกล้วัดป่า", "PNK").place, "ใกล้วัดป่า");
    EXPECT_FALSE(extract_entities("ตรงนี้", "PNK").place);
    EXPECT_FALSE(extract_entities("ไฟหน้าบ้านดับ", "PNK").place);
}

class TextNormalizerTest : public ::testing::Test {
protected:
    std::unique_ptr<WordSegmenter> segmenter = make_thai_word_segmenter();
    TextNormalizer normalizer{*segmenter,
                              {{"รองเรียน", "ร้องเรียน", false}, {"ไฟดบ", "ไฟดับ", false}, {"บ่", "ไม่", true},
                               {"เด้อ", "นะ", true}}};
};

TEST_F(TextNormalizerTest, DigitsRepeatsMaiYamokAndSpacing) {
    EXPECT_EQ(normalizer.letters("๑๒๓"), "123");
    EXPECT_EQ(normalizer.letters("มากกกก"), "มาก");
    EXPECT_EQ(normalizer.letters("ไฟดับๆ"), "ไฟดับ");
    EXPECT_EQ(normalizer.letters("ไฟ  ดับ ค่ะ!!"), "ไฟดับค่ะ");
    EXPECT_EQ(normalizer.letters("ถนน"), "ถนน");  // a real double stays
    EXPECT_EQ(normalizer.letters("HIIII"), "hi");
    EXPECT_EQ(normalizer.letters("ไฟดับบบบ"), "ไฟดับ");
}

TEST_F(TextNormalizerTest, MisspellingsAndIsanFormsBecomeStandard) {
    EXPECT_EQ(normalizer.letters("รองเรียน"), "ร้องเรียน");
    EXPECT_EQ(normalizer.words("ไฟดบ"), (std::vector<std::string>{"ไฟ", "ดับ"}));
    EXPECT_EQ(normalizer.words("ไฟถนนหน้าบ้านบ่ติดเด้อ"),
              (std::vector<std::string>{"ไฟ", "ถนน", "หน้า", "บ้าน", "ไม่", "ติด", "นะ"}));
    // บ่อ (a well) is not บ่ (not).
    EXPECT_EQ(normalizer.words("บ่อน้ำ"), (std::vector<std::string>{"บ่อ", "น้ำ"}));
}

TEST_F(TextNormalizerTest, WordsSplitThaiByDictionaryAndLatinAtItsEdges) {
    EXPECT_EQ(normalizer.words("ไฟหน้าบ้านดับ"), (std::vector<std::string>{"ไฟ", "หน้า", "บ้าน", "ดับ"}));
    EXPECT_EQ(normalizer.words("ติดตาม PNK-2569-000003"),
              (std::vector<std::string>{"ติดตาม", "pnk", "2569", "000003"}));
    EXPECT_TRUE(normalizer.words("😀 !!").empty());
}

}  // namespace
}  // namespace thesaban::handlers
