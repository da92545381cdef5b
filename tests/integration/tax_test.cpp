// Tax end to end over the real binary, a real redis-server and the fake LINE API: the
// municipality imports its notices with `thesaban-bot tax-import`, a resident asks in LINE, gets
// the law's answers, their own bill with the late charges to today, and a PromptPay QR served
// by the bot at an unguessable link; guessing other people's notices is cut off.
#include <filesystem>
#include <fstream>
#include <regex>

#include "bot_fixture.h"
#include "support/qr_decode.h"
#include "support/resident.h"
#include "tax/promptpay.h"

namespace thesaban::testing {
namespace {

const std::string kSalt = "integration-test-salt-0123456789";

std::string all_text(const std::vector<BotMessage>& messages) {
    std::string out;
    for (const auto& m : messages) out += m.visible_text + "\n" + m.json + "\n";
    return out;
}

// "YYYY-MM-DD" of Thailand's calendar, `days` from today.
std::string thai_iso_date(int days) {
    std::time_t t = std::time(nullptr) + 7 * 3600 + static_cast<std::time_t>(days) * 86400;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

class Tax : public BotTest {
protected:
    void SetUp() override {
        BotTest::SetUp();
        dir = std::filesystem::temp_directory_path() / ("thesaban-tax-" + std::to_string(getpid()));
        std::filesystem::create_directories(dir);
        // One notice not yet due, one a day late (1 month of เงินเพิ่ม started, 10 % penalty), one paid.
        write_csv("notices.csv",
                  "notice_number,tax_year,tax_type,taxpayer_name,national_id,reference,amount,due_date,paid_date,"
                  "paid_amount\n"
                  "2569/00123,2569,land_building,นายสมชาย ใจดี,3-4599-00123-45-1,โฉนด 12345,\"1,250.00\",2099-04-30,,\n"
                  "2569/00045,2569,land_building,นางสมศรี มีสุข,1459900678910,โฉนด 777,10000," +
                      thai_iso_date(-1) +
                      ",,\n"
                      "2569/00077,2569,signboard,ร้านพรรณาการค้า,3459900123451,ป้ายหน้าร้าน,200,2099-04-30,2099-04-01,"
                      "200\n");
        std::string output;
        ASSERT_EQ(run_bot_command({"tax-import", (dir / "notices.csv").string(), "--config", bot->config_path()},
                                  output, {{"REDIS_URL", redis->url()}, {"TAX_ID_SALT", kSalt}}),
                  0)
            << output;
    }
    void TearDown() override {
        std::filesystem::remove_all(dir);
        BotTest::TearDown();
    }

    void write_csv(const std::string& name, const std::string& text) { std::ofstream(dir / name) << text; }

    std::vector<BotMessage> look_up(Resident& resident, const std::string& notice, const std::string& last4) {
        resident.say("ภาษี");
        auto asked = resident.tap("ตรวจยอด/ชำระ");
        EXPECT_NE(all_text(asked).find("เลขที่ใบแจ้ง"), std::string::npos) << all_text(asked);
        resident.say(notice);
        return resident.say(last4);
    }

    std::filesystem::path dir;
};

TEST_F(Tax, ResidentGetsTheBillAndAQrTheBankAppCanRead) {
    Resident resident(*bot, *line, {"U0123456789abcdef0123456789abcdef", ""});
    auto bill = look_up(resident, "๒๕๖๙/๐๐๑๒๓", "๓๔๕๑");
    const std::string all = all_text(bill);
    EXPECT_NE(all.find("1,250.00 บาท"), std::string::npos) << all;
    EXPECT_NE(all.find("30 เม.ย. 2642"), std::string::npos) << "due date in พ.ศ.: " << all;

    std::smatch link;
    ASSERT_TRUE(std::regex_search(all, link, std::regex(R"(https://bot\.test\.example/qr/([A-Za-z0-9_-]{32}))")))
        << all;
    auto png = bot->get("/qr/" + link[1].str());
    ASSERT_EQ(png.status, 200);
    EXPECT_EQ(png.header("content-type"), "image/png");
    EXPECT_EQ(png.body.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    EXPECT_EQ(png.header("cache-control"), "no-store");
    EXPECT_EQ(bot->get("/qr/" + std::string(32, 'A')).status, 404) << "a guessed link finds nothing";

    // What a banking app reads: a Thai QR bill payment to the configured biller, ref1 = the
    // notice number's digits, ref2 = the tax year, the amount, baht, Thailand, and a valid CRC.
    const std::string payload = zbar_decode(png.body);
    ASSERT_GT(payload.size(), 8u) << "zbarimg could not read the QR";
    EXPECT_EQ(payload.substr(0, 12), "000201010212") << payload;  // format 01, dynamic (amount given)
    EXPECT_NE(payload.find("0016A000000677010112"), std::string::npos) << payload;
    EXPECT_NE(payload.find("0115000000000000000"), std::string::npos) << payload;  // biller (example config)
    EXPECT_NE(payload.find("0209256900123"), std::string::npos) << payload;        // ref1
    EXPECT_NE(payload.find("03042569"), std::string::npos) << payload;             // ref2
    EXPECT_NE(payload.find("54071250.00"), std::string::npos) << payload;
    EXPECT_NE(payload.find("5303764"), std::string::npos) << payload;
    EXPECT_NE(payload.find("5802TH"), std::string::npos) << payload;
    ASSERT_EQ(payload.substr(payload.size() - 8, 4), "6304") << payload;
    char crc[5];
    std::snprintf(crc, sizeof crc, "%04X", tax::crc16_ccitt_false(payload.substr(0, payload.size() - 4)));
    EXPECT_EQ(payload.substr(payload.size() - 4), crc) << payload;
}

TEST_F(Tax, ADayLateAddsTenPercentPenaltyAndOneMonthOfSurcharge) {
    Resident resident(*bot, *line, {"U0123456789abcdef0123456789abcdef", ""});
    const std::string all = all_text(look_up(resident, "2569/00045", "8910"));
    EXPECT_NE(all.find("10,000.00 บาท"), std::string::npos) << all;
    EXPECT_NE(all.find("1,000.00 บาท"), std::string::npos) << all;
    EXPECT_NE(all.find("100.00 บาท"), std::string::npos) << all;
    EXPECT_NE(all.find("11,100.00 บาท"), std::string::npos) << all;
}

TEST_F(Tax, PaidNoticeShowsPaidAndNoQr) {
    Resident resident(*bot, *line, {"U0123456789abcdef0123456789abcdef", ""});
    const std::string all = all_text(look_up(resident, "2569/00077", "3451"));
    EXPECT_NE(all.find("ชำระแล้ว"), std::string::npos) << all;
    EXPECT_EQ(all.find("/qr/"), std::string::npos) << all;
}

TEST_F(Tax, FiveWrongTriesLockTheLookupEvenForTheRightDigits) {
    Resident guesser(*bot, *line, {"U99999999999999999999999999999999", ""});
    std::string last;
    for (int i = 0; i < 5; ++i) last = all_text(look_up(guesser, "2569/00123", "000" + std::to_string(i)));
    EXPECT_NE(last.find("หลายครั้งเกินไป"), std::string::npos) << last;
    guesser.say("ภาษี");
    auto locked = guesser.tap("ตรวจยอด/ชำระ");
    EXPECT_NE(all_text(locked).find("หลายครั้งเกินไป"), std::string::npos) << all_text(locked);
    // Someone else is not affected.
    Resident owner(*bot, *line, {"U0123456789abcdef0123456789abcdef", ""});
    EXPECT_NE(all_text(look_up(owner, "2569/00123", "3451")).find("1,250.00 บาท"), std::string::npos);
}

TEST_F(Tax, AnswersComeFromTheMenuAndFromFreeText) {
    Resident resident(*bot, *line, {"U0123456789abcdef0123456789abcdef", ""});
    const std::string signboard = all_text(resident.say("ภาษีป้ายคิดยังไง"));
    EXPECT_NE(signboard.find("ภ.ป.1"), std::string::npos) << signboard;
    EXPECT_NE(signboard.find("200 บาท"), std::string::npos) << signboard;
    resident.say("ภาษี");
    const std::string land = all_text(resident.tap("ภาษีที่ดินฯ"));
    EXPECT_NE(land.find("1 มกราคม"), std::string::npos) << land;
    EXPECT_NE(land.find("ร้อยละ 40"), std::string::npos) << land;
}

}  // namespace
}  // namespace thesaban::testing
