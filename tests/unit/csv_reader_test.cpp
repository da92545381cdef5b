#include "tax/csv_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace thesaban::tax {
namespace {

using Fields = std::vector<std::string>;

TEST(CsvReader, PlainRecordsWithLfAndCrlf) {
    const auto records = read_csv("a,b,c\r\n1,2,3\n4,,6");
    ASSERT_EQ(records.size(), 3u);
    EXPECT_EQ(records[0].fields, (Fields{"a", "b", "c"}));
    EXPECT_EQ(records[1].fields, (Fields{"1", "2", "3"}));
    EXPECT_EQ(records[2].fields, (Fields{"4", "", "6"}));
    EXPECT_EQ(records[0].line, 1u);
    EXPECT_EQ(records[1].line, 2u);
    EXPECT_EQ(records[2].line, 3u);
    for (const auto& r : records) EXPECT_EQ(r.error, "");
}

TEST(CsvReader, LoneCrEndsARecordToo) {
    const auto records = read_csv("a,b\r1,2\r");
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[1].fields, (Fields{"1", "2"}));
    EXPECT_EQ(records[1].line, 2u);
}

TEST(CsvReader, QuotedCommasAndDoubledQuotes) {
    const auto records = read_csv("\"นาย ก, ข\",\"ป้าย \"\"ร้านดี\"\"\",\"\"\n");
    ASSERT_EQ(records.size(), 1u);
    EXPECT_EQ(records[0].fields, (Fields{"นาย ก, ข", "ป้าย \"ร้านดี\"", ""}));
    EXPECT_EQ(records[0].error, "");
}

TEST(CsvReader, StripsTheUtf8ByteOrderMarkOnlyAtTheStart) {
    const auto records = read_csv(
        "\xEF\xBB\xBFnotice_number,amount\r\nX,\xEF\xBB\xBF"
        "1\r\n");
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[0].fields[0], "notice_number");
    EXPECT_EQ(records[1].fields[1],
              "\xEF\xBB\xBF"
              "1");  // inside the data it is the data's business
}

TEST(CsvReader, EmbeddedLineBreaksKeepPhysicalLineNumbers) {
    const std::string text =
        "h1,h2\r\n"
        "\"บ้านเลขที่ 1\r\nหมู่ 2\",x\r\n"  // lines 2-3
        "\"a\nb\nc\",y\n"              // lines 4-6
        "last,z\n";                    // line 7
    const auto records = read_csv(text);
    ASSERT_EQ(records.size(), 4u);
    EXPECT_EQ(records[1].line, 2u);
    EXPECT_EQ(records[1].fields, (Fields{"บ้านเลขที่ 1\nหมู่ 2", "x"}));
    EXPECT_EQ(records[2].line, 4u);
    EXPECT_EQ(records[2].fields, (Fields{"a\nb\nc", "y"}));
    EXPECT_EQ(records[3].line, 7u);
    EXPECT_EQ(records[3].fields, (Fields{"last", "z"}));
}

TEST(CsvReader, BlankLinesAreSkippedButStillCounted) {
    const auto records = read_csv("h\r\n\r\n\r\nv\r\n\r\n");
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[1].fields, (Fields{"v"}));
    EXPECT_EQ(records[1].line, 4u);
}

TEST(CsvReader, MalformedRecordIsReportedAndReadingResumes) {
    const auto records = read_csv("a,b\nx,say \"hi\"\n\"ok\"junk,1\ngood,2\n");
    ASSERT_EQ(records.size(), 4u);
    EXPECT_NE(records[1].error, "");
    EXPECT_EQ(records[1].line, 2u);
    EXPECT_NE(records[2].error, "");
    EXPECT_EQ(records[2].line, 3u);
    EXPECT_EQ(records[3].error, "");
    EXPECT_EQ(records[3].line, 4u);
    EXPECT_EQ(records[3].fields, (Fields{"good", "2"}));
}

TEST(CsvReader, UnclosedQuoteIsReportedAtTheLineItStarts) {
    const auto records = read_csv("a,b\n1,2\n3,\"never closed\n4,5\n");
    ASSERT_EQ(records.size(), 3u);
    EXPECT_EQ(records[2].line, 3u);
    EXPECT_NE(records[2].error.find("never closed"), std::string::npos);
}

TEST(CsvReader, NonUtf8RecordIsRejectedOthersKept) {
    // "\xBA\xE9\xD2\xB9" is "บ้าน" in TIS-620, as a plain-CSV save from Thai Excel writes it.
    const auto records = read_csv("a,b\nx,\xBA\xE9\xD2\xB9\ny,บ้าน\n");
    ASSERT_EQ(records.size(), 3u);
    EXPECT_NE(records[1].error.find("UTF-8"), std::string::npos);
    EXPECT_EQ(records[2].error, "");
    EXPECT_EQ(records[2].fields[1], "บ้าน");
}

TEST(CsvReader, Utf8IsCheckedStrictly) {
    EXPECT_EQ(read_csv("\xF0\x9F\x8D\x8E,\xE0\xB8\x81\n")[0].error, "");  // 🍎 and ก
    EXPECT_NE(read_csv("\xC0\xAF\n")[0].error, "");                       // overlong "/"
    EXPECT_NE(read_csv("\xED\xA0\x80\n")[0].error, "");                   // UTF-16 surrogate
    EXPECT_NE(read_csv("ok,\xE0\xB8")[0].error, "");                      // cut off at the end
}

TEST(CsvReader, EmptyInputHasNoRecords) {
    EXPECT_TRUE(read_csv("").empty());
    EXPECT_TRUE(read_csv("\xEF\xBB\xBF").empty());
}

}  // namespace
}  // namespace thesaban::tax
