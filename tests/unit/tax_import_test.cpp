#include "tax/tax_import.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "tax/notice_number.h"
#include "tax/tax_record_json.h"

namespace thesaban::tax {
namespace tax_import_test {

constexpr const char* kSalt = "unit-test-salt-0123456789";
constexpr const char* kHeader =
    "notice_number,tax_year,tax_type,taxpayer_name,national_id,reference,amount,due_date,paid_date,paid_amount\r\n";

// A store that remembers JSON like the Redis one, for counting outcomes without Redis.
class JsonMapTaxStore final : public TaxStore {
public:
    std::optional<TaxRecord> find(const std::string& n) override {
        auto it = rows.find(normalize_notice_number(n));
        if (it == rows.end()) return std::nullopt;
        return tax_record_from_json(it->second);
    }
    ImportOutcome upsert(const TaxRecord& r) override {
        const std::string json = tax_record_to_json(r);
        auto [it, fresh] = rows.emplace(normalize_notice_number(r.notice_number), json);
        if (fresh) return ImportOutcome::inserted;
        if (it->second == json) return ImportOutcome::unchanged;
        it->second = json;
        return ImportOutcome::updated;
    }
    std::map<std::string, std::string> rows;
};

ParsedNotices parse(const std::string& rows, const std::string& header = kHeader) {
    return parse_tax_notices(header + rows, kSalt);
}

std::string only_problem(const ParsedNotices& parsed) {
    EXPECT_EQ(parsed.problems.size(), 1u);
    return parsed.problems.empty() ? "" : parsed.problems[0].reason;
}

TEST(NationalId, ChecksumAndNormalising) {
    EXPECT_TRUE(national_id_checksum_ok("1103702071811"));
    EXPECT_FALSE(national_id_checksum_ok("1103702071812"));
    EXPECT_FALSE(national_id_checksum_ok("110370207181"));
    EXPECT_EQ(normalize_national_id("1-1037-02071-81-1"), "1103702071811");
    EXPECT_EQ(normalize_national_id(" 1 1037 02071 81 1 "), "1103702071811");
    EXPECT_EQ(normalize_national_id("๑๑๐๓๗๐๒๐๗๑๘๑๑"), "1103702071811");
    EXPECT_FALSE(normalize_national_id("1103702071812"));
    EXPECT_FALSE(normalize_national_id("11037020718111"));
    EXPECT_FALSE(normalize_national_id("1103702071811x"));
}

TEST(NationalId, HashIsSaltedSha256Hex) {
    // printf 'abc' | sha256sum (the salt and the digits are simply concatenated)
    EXPECT_EQ(hash_national_id("a", "bc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_NE(hash_national_id("salt-1", "1103702071811"), hash_national_id("salt-2", "1103702071811"));
}

TEST(Baht, ExactSatangWithoutFloatingPoint) {
    EXPECT_EQ(parse_baht("800"), 80000);
    EXPECT_EQ(parse_baht("1,234.50"), 123450);
    EXPECT_EQ(parse_baht("1,234,567.05"), 123456705);
    EXPECT_EQ(parse_baht("0.1"), 10);
    EXPECT_EQ(parse_baht(" ๑,๒๓๔.๕ "), 123450);
    EXPECT_EQ(parse_baht("999999999999.99"), 99999999999999);
    EXPECT_FALSE(parse_baht(""));
    EXPECT_FALSE(parse_baht("12.345"));
    EXPECT_FALSE(parse_baht("-5"));
    EXPECT_FALSE(parse_baht("12,34"));
    EXPECT_FALSE(parse_baht("1234,567"));
    EXPECT_FALSE(parse_baht("1,,000"));
    EXPECT_FALSE(parse_baht(",100"));
    EXPECT_FALSE(parse_baht("5."));
    EXPECT_FALSE(parse_baht(".5"));
    EXPECT_FALSE(parse_baht("1e3"));
    EXPECT_FALSE(parse_baht("฿100"));
    EXPECT_FALSE(parse_baht("1000000000000"));
}

TEST(TaxType, KeysAndThaiNames) {
    EXPECT_EQ(parse_tax_type("land_building"), TaxType::land_building);
    EXPECT_EQ(parse_tax_type(" Signboard "), TaxType::signboard);
    EXPECT_EQ(parse_tax_type("ภาษีที่ดินและสิ่งปลูกสร้าง"), TaxType::land_building);
    EXPECT_EQ(parse_tax_type("ภาษีป้าย"), TaxType::signboard);
    EXPECT_EQ(parse_tax_type("ค่าธรรมเนียมขยะ"), TaxType::garbage_fee);
    EXPECT_FALSE(parse_tax_type("ภาษีบำรุงท้องที่"));
}

TEST(TaxImport, MapsAGoodRowAndNeverKeepsTheNationalId) {
    const auto parsed = parse(
        "ภดส.3-2569-000123,2569,land_building,\"นางสาวมาลี ใจดี\",1-1037-02071-81-1,\"โฉนด 1234,\r\nหมู่ 2\","
        "\"1,234.50\",2569-04-30,,\r\n");
    ASSERT_TRUE(parsed.problems.empty()) << parsed.problems[0].reason;
    ASSERT_EQ(parsed.notices.size(), 1u);
    const TaxRecord& r = parsed.notices[0].record;
    EXPECT_EQ(parsed.notices[0].line, 2u);
    EXPECT_EQ(r.notice_number, "ภดส.3-2569-000123");
    EXPECT_EQ(r.tax_year, 2569);
    EXPECT_EQ(r.type, TaxType::land_building);
    EXPECT_EQ(r.taxpayer_name, "นางสาวมาลี ใจดี");
    EXPECT_EQ(r.reference, "โฉนด 1234,\nหมู่ 2");  // a two-line cell stays two lines
    EXPECT_EQ(r.amount_satang, 123450);
    EXPECT_EQ(r.due_date, (Date{2026, 4, 30}));
    EXPECT_FALSE(r.paid_date);
    EXPECT_EQ(r.national_id_last4, "1811");
    EXPECT_EQ(r.national_id_hash, hash_national_id(kSalt, "1103702071811"));
    EXPECT_EQ(tax_record_to_json(r).find("1103702071811"), std::string::npos);
}

TEST(TaxImport, ThaiDigitsEverywhereNumbersAreTyped) {
    const auto parsed =
        parse("๒๕๖๙/๐๐๐๔๕,๒๕๖๙,ภาษีป้าย,ร้านสมใจ,๓๔๗๐๔๐๐๑๑๒๒๓๑,ป้ายหน้าร้าน,๔๐๐,๒๕๖๙-๐๓-๓๑,๒๕๖๙-๐๓-๒๐,๔๐๐.๐๐\n");
    ASSERT_TRUE(parsed.problems.empty()) << parsed.problems[0].reason;
    const TaxRecord& r = parsed.notices.at(0).record;
    EXPECT_EQ(r.notice_number, "๒๕๖๙/๐๐๐๔๕");  // kept as printed; the store keys it normalised
    EXPECT_EQ(normalize_notice_number(r.notice_number), "2569/00045");
    EXPECT_EQ(r.tax_year, 2569);
    EXPECT_EQ(r.type, TaxType::signboard);
    EXPECT_EQ(r.national_id_last4, "2231");
    EXPECT_EQ(r.amount_satang, 40000);
    EXPECT_EQ(r.due_date, (Date{2026, 3, 31}));
    EXPECT_EQ(r.paid_date, (Date{2026, 3, 20}));
    EXPECT_EQ(r.paid_amount_satang, 40000);
}

TEST(TaxImport, ColumnsInAnyOrderWithByteOrderMarkAndOptionalReminders) {
    const std::string csv =
        "\xEF\xBB\xBF"
        "Due_Date,amount,reference,national_id,taxpayer_name,tax_type,tax_year,notice_number,"
        "reminder_date,reminder_due_date\r\n"
        "2569-04-30,3000,โฉนด 55,3470400223342,นายสมชาย รักดี,ภาษีที่ดินและสิ่งปลูกสร้าง,2569,A-1,2569-06-15,2569-07-15\r\n";
    const auto parsed = parse_tax_notices(csv, kSalt);
    ASSERT_TRUE(parsed.problems.empty()) << parsed.problems[0].reason;
    const TaxRecord& r = parsed.notices.at(0).record;
    EXPECT_EQ(r.notice_number, "A-1");
    EXPECT_EQ(r.amount_satang, 300000);
    EXPECT_EQ(r.reminder_date, (Date{2026, 6, 15}));
    EXPECT_EQ(r.reminder_due_date, (Date{2026, 7, 15}));
}

TEST(TaxImport, BadIdChecksumIsRejectedWithoutShowingTheId) {
    const auto parsed = parse(
        "N1,2569,signboard,นายเอ บีซี,3470400112232,ป้าย,500,2569-03-31,,\n"
        "N2,2569,signboard,นายดี อีเอฟ,3470400112231,ป้าย,500,2569-03-31,,\n");
    ASSERT_EQ(parsed.notices.size(), 1u);
    EXPECT_EQ(parsed.notices[0].record.notice_number, "N2");
    ASSERT_EQ(parsed.problems.size(), 1u);
    EXPECT_EQ(parsed.problems[0].line, 2u);
    EXPECT_NE(parsed.problems[0].reason.find("national_id"), std::string::npos);
    EXPECT_NE(parsed.problems[0].reason.find("check digit"), std::string::npos);
    EXPECT_EQ(parsed.problems[0].reason.find("347040011223"), std::string::npos);
    EXPECT_EQ(parsed.problems[0].reason.find("นายเอ"), std::string::npos);
}

TEST(TaxImport, IdShortenedByExcelGetsAHelpfulReason) {
    const auto parsed = parse("N1,2569,signboard,x,3.4704E+12,ป้าย,500,2569-03-31,,\n");
    EXPECT_NE(only_problem(parsed).find("format the column as text"), std::string::npos);
}

TEST(TaxImport, BadAmountsAreRejected) {
    EXPECT_NE(only_problem(parse("N1,2569,signboard,x,3470400112231,r,12.345,2569-03-31,,\n")).find("amount"),
              std::string::npos);
    EXPECT_NE(only_problem(parse("N1,2569,signboard,x,3470400112231,r,abc,2569-03-31,,\n")).find("amount"),
              std::string::npos);
    EXPECT_NE(only_problem(parse("N1,2569,signboard,x,3470400112231,r,0,2569-03-31,,\n")).find("amount is zero"),
              std::string::npos);
    EXPECT_NE(only_problem(parse("N1,2569,signboard,x,3470400112231,r,,2569-03-31,,\n")).find("amount is empty"),
              std::string::npos);
}

TEST(TaxImport, UnknownTaxTypeYearAndDatesAreRejected) {
    EXPECT_NE(only_problem(parse("N1,2569,ภาษีบำรุงท้องที่,x,3470400112231,r,1,2569-03-31,,\n")).find("tax_type"),
              std::string::npos);
    EXPECT_NE(only_problem(parse("N1,2026,signboard,x,3470400112231,r,1,2569-03-31,,\n")).find("tax_year"),
              std::string::npos);
    EXPECT_NE(only_problem(parse("N1,2569,signboard,x,3470400112231,r,1,2569-02-30,,\n")).find("due_date"),
              std::string::npos);
    EXPECT_NE(only_problem(parse("N1,2569,signboard,x,3470400112231,r,1,31/03/2569,,\n")).find("due_date"),
              std::string::npos);
    // ค.ศ. 9000 would be stored as "9000-..." and read back as พ.ศ. 9000: refused as no real date.
    EXPECT_NE(only_problem(parse("N1,2569,signboard,x,3470400112231,r,1,9543-03-31,,\n")).find("due_date"),
              std::string::npos);
    EXPECT_NE(only_problem(parse("N1,2569,signboard,x,3470400112231,r,1,1900-03-31,,\n")).find("outside the years"),
              std::string::npos);
    EXPECT_TRUE(parse("N1,2569,signboard,x,3470400112231,r,1,2026-03-31,,\n").problems.empty());
    // 2567 (2024) was a leap year, 2569 (2026) is not.
    EXPECT_TRUE(parse("N1,2567,signboard,x,3470400112231,r,1,2567-02-29,,\n").problems.empty());
    EXPECT_EQ(parse("N1,2569,signboard,x,3470400112231,r,1,2569-02-29,,\n").problems.size(), 1u);
}

TEST(TaxImport, PaymentNeedsBothDateAndAmount) {
    EXPECT_NE(only_problem(parse("N1,2569,signboard,x,3470400112231,r,1,2569-03-31,2569-03-01,\n"))
                  .find("without paid_amount"),
              std::string::npos);
    EXPECT_NE(only_problem(parse("N1,2569,signboard,x,3470400112231,r,1,2569-03-31,,1\n")).find("without paid_date"),
              std::string::npos);
}

TEST(TaxImport, ReminderDatesMustBeInOrder) {
    const std::string header =
        "notice_number,tax_year,tax_type,taxpayer_name,national_id,reference,amount,due_date,reminder_date,"
        "reminder_due_date\n";
    EXPECT_NE(only_problem(parse("N1,2569,land_building,x,3470400112231,r,1,2569-04-30,,2569-07-01\n", header))
                  .find("without reminder_date"),
              std::string::npos);
    EXPECT_NE(only_problem(parse("N1,2569,land_building,x,3470400112231,r,1,2569-04-30,2569-04-01,\n", header))
                  .find("before due_date"),
              std::string::npos);
    EXPECT_NE(
        only_problem(parse("N1,2569,land_building,x,3470400112231,r,1,2569-04-30,2569-06-01,2569-05-01\n", header))
            .find("before reminder_date"),
        std::string::npos);
}

TEST(TaxImport, MissingUnknownAndDuplicateColumnsRefuseTheFile) {
    try {
        parse_tax_notices("notice_number,tax_year,tax_type,taxpayer_name,national_id,reference,due_date\n", kSalt);
        FAIL() << "missing amount accepted";
    } catch (const TaxImportError& e) {
        EXPECT_EQ(e.line(), 1u);
        EXPECT_EQ(std::string(e.what()), "missing column(s): amount");
    }
    try {
        parse(std::string(), std::string("owner_phone,") + kHeader);
        FAIL() << "unknown column accepted";
    } catch (const TaxImportError& e) {
        EXPECT_NE(std::string(e.what()).find("\"owner_phone\""), std::string::npos) << e.what();
    }
    EXPECT_THROW(parse(std::string(), std::string("amount,") + kHeader), TaxImportError);
    EXPECT_THROW(parse_tax_notices("", kSalt), TaxImportError);
}

TEST(TaxImport, UnnamedTrailingColumnsMustStayEmpty) {
    const std::string header =
        "notice_number,tax_year,tax_type,taxpayer_name,national_id,reference,amount,due_date,,\n";
    const auto parsed = parse(
        "N1,2569,signboard,x,3470400112231,r,1,2569-03-31,,\n"
        "N2,2569,signboard,x,3470400112231,r,1,2569-03-31,,oops\n",
        header);
    ASSERT_EQ(parsed.notices.size(), 1u);
    EXPECT_EQ(parsed.notices[0].record.notice_number, "N1");
    EXPECT_EQ(only_problem(parsed), "has a value in column 10, which has no name in the header row");
}

TEST(TaxImport, DataRowInPlaceOfTheHeaderIsNotEchoed) {
    try {
        parse_tax_notices("N1,2569,signboard,นายเอ บีซี,3470400112231,r,1,2569-03-31\n", kSalt);
        FAIL() << "data row taken as header";
    } catch (const TaxImportError& e) {
        EXPECT_EQ(std::string(e.what()).find("3470400112231"), std::string::npos) << e.what();
        EXPECT_EQ(std::string(e.what()).find("นายเอ"), std::string::npos) << e.what();
    }
}

TEST(TaxImport, WrongFieldCountMalformedQuotesAndRepeatsAreLineProblems) {
    const auto parsed = parse(
        "N1,2569,signboard,x,3470400112231,r,1,2569-03-31\n"               // line 2: 8 fields
        "N2,2569,signboard,\"x\"y,3470400112231,r,1,2569-03-31,,\n"        // line 3: text after quote
        "\"N3\",2569,signboard,\"a\nb\",3470400112231,r,1,2569-03-31,,\n"  // lines 4-5: name has a line break
        ",,,,,,,,,\n"                                                      // line 6: empty row, skipped
        "n7,2569,signboard,x,3470400112231,r,1,2569-03-31,,\n"             // line 7: good
        "N7 ,2569,signboard,y,3470400112231,r,2,2569-03-31,,\n");          // line 8: same notice
    ASSERT_EQ(parsed.notices.size(), 1u);
    EXPECT_EQ(parsed.notices[0].line, 7u);
    ASSERT_EQ(parsed.problems.size(), 4u);
    EXPECT_EQ(parsed.problems[0].line, 2u);
    EXPECT_EQ(parsed.problems[0].reason, "has 8 fields, the header has 10");
    EXPECT_EQ(parsed.problems[1].line, 3u);
    EXPECT_EQ(parsed.problems[2].line, 4u);
    EXPECT_NE(parsed.problems[2].reason.find("taxpayer_name"), std::string::npos);
    EXPECT_EQ(parsed.problems[3].line, 8u);
    EXPECT_EQ(parsed.problems[3].reason, "notice_number repeats the one on line 7");
}

TEST(TaxImport, ReimportIsUnchangedAndAPaymentIsAnUpdate) {
    JsonMapTaxStore store;
    const std::string first = std::string(kHeader) +
                              "N1,2569,signboard,x,3470400112231,r,400,2569-03-31,,\n"
                              "N2,2569,garbage_fee,y,3470400223342,,240,2569-03-31,,\n"
                              "bad,2569,signboard,x,3470400112232,r,400,2569-03-31,,\n";
    auto summary = import_tax_notices(first, kSalt, store);
    EXPECT_EQ(summary.inserted, 2);
    EXPECT_EQ(summary.updated, 0);
    EXPECT_EQ(summary.unchanged, 0);
    ASSERT_EQ(summary.rejected.size(), 1u);
    EXPECT_EQ(summary.rejected[0].line, 4u);

    summary = import_tax_notices(first, kSalt, store);
    EXPECT_EQ(summary.inserted, 0);
    EXPECT_EQ(summary.unchanged, 2);

    summary = import_tax_notices(
        std::string(kHeader) + "n1,2569,signboard,x,3470400112231,r,400,2569-03-31,2569-03-15,400\n", kSalt, store);
    EXPECT_EQ(summary.updated, 1);
    EXPECT_TRUE(summary.rejected.empty());
    const auto stored = store.find("N1");
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->paid_date, (Date{2026, 3, 15}));
    EXPECT_EQ(stored->paid_amount_satang, 40000);
}

TEST(TaxRecordJson, RoundTripsEveryField) {
    TaxRecord r;
    r.notice_number = "ภดส.3-2569-000123";
    r.tax_year = 2569;
    r.type = TaxType::garbage_fee;
    r.taxpayer_name = "นาย \"ทดสอบ\"\n";
    r.national_id_hash = "ab";
    r.national_id_last4 = "1811";
    r.reference = "บ้านเลขที่ 9";
    r.amount_satang = 24000;
    r.due_date = {2026, 3, 31};
    r.paid_date = Date{2026, 3, 1};
    r.paid_amount_satang = 24000;
    r.reminder_date = Date{2026, 4, 10};
    r.reminder_due_date = Date{2026, 5, 10};
    const auto back = tax_record_from_json(tax_record_to_json(r));
    ASSERT_TRUE(back);
    EXPECT_EQ(tax_record_to_json(*back), tax_record_to_json(r));
    EXPECT_EQ(back->taxpayer_name, r.taxpayer_name);
    EXPECT_EQ(back->reminder_due_date, r.reminder_due_date);
    EXPECT_FALSE(tax_record_from_json("{}"));
    EXPECT_FALSE(tax_record_from_json("not json"));
}

}  // namespace tax_import_test
}  // namespace thesaban::tax
