// `thesaban-bot promptpay` run as the real binary: the finance office's way to see what a QR code
// will carry, so its output must be exactly the payload and its CRC right.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "support/bot_process.h"
#include "tax/promptpay.h"

namespace thesaban::testing {
namespace {

// The payload's tag 63 holds the CRC of everything before the CRC value itself.
bool crc_valid(const std::string& payload) {
    if (payload.size() < 8 || payload.compare(payload.size() - 8, 4, "6304") != 0) return false;
    char hex[5];
    std::snprintf(hex, sizeof hex, "%04X",
                  tax::crc16_ccitt_false(std::string_view(payload).substr(0, payload.size() - 4)));
    return payload.substr(payload.size() - 4) == hex;
}

TEST(PromptPayCli, PrintsTheCreditTransferPayload) {
    std::string output;
    EXPECT_EQ(run_bot_command({"promptpay", "--promptpay-id", "0812345678"}, output), 0) << output;
    EXPECT_EQ(output, "00020101021129370016A0000006770101110113006681234567853037645802TH6304823E\n");
}

TEST(PromptPayCli, PrintsTheBillPaymentPayloadWithAmount) {
    std::string output;
    EXPECT_EQ(run_bot_command({"promptpay", "--biller", "012345678901234", "--ref1", "256900123", "--ref2", "LB2569",
                               "--amount", "1,234.50"},
                              output),
              0)
        << output;
    ASSERT_FALSE(output.empty());
    ASSERT_EQ(output.back(), '\n');
    const std::string payload = output.substr(0, output.size() - 1);
    EXPECT_EQ(payload.substr(0, payload.size() - 4),
              "000201010212"
              "30620016A0000006770101120115012345678901234020925690012303"
              "06LB2569"
              "5303764"
              "54071234.50"
              "5802TH"
              "6304");
    EXPECT_TRUE(crc_valid(payload)) << payload;
}

TEST(PromptPayCli, MatchesABankPrintedBillPaymentQr) {
    std::string output;
    EXPECT_EQ(run_bot_command({"promptpay", "--biller", "010552300935002", "--ref1", "55558900"}, output), 0);
    EXPECT_EQ(output, "00020101021130510016A000000677010112011501055230093500202085555890053037645802TH6304A648\n");
}

TEST(PromptPayCli, WritesTheQrAsPng) {
    const std::string dir = make_temp_dir("promptpay-cli");
    const std::string png = dir + "/qr.png";
    std::string output;
    EXPECT_EQ(run_bot_command({"promptpay", "--promptpay-id", "0812345678", "--amount", "100", "--png", png}, output),
              0)
        << output;
    EXPECT_TRUE(crc_valid(output.substr(0, output.size() - 1))) << output;
    EXPECT_GT(std::filesystem::file_size(png), 100u);
    std::filesystem::remove_all(dir);
}

TEST(PromptPayCli, BadInputExitsWithTwoAndAMessage) {
    struct Case {
        std::vector<std::string> args;
        const char* message;
    };
    for (const Case& c : {
             Case{{"promptpay", "--biller", "123", "--ref1", "A1"}, "biller ID"},
             Case{{"promptpay", "--biller", "012345678901234", "--ref1", "abc"}, "ref1"},
             Case{{"promptpay", "--biller", "012345678901234"}, "ref1"},
             Case{{"promptpay", "--promptpay-id", "12345"}, "PromptPay ID"},
             Case{{"promptpay", "--promptpay-id", "0812345678", "--amount", "0"}, "amount"},
             Case{{"promptpay", "--promptpay-id", "0812345678", "--amount", "10000000"}, "amount"},
             Case{{"promptpay", "--promptpay-id", "0812345678", "--amount", "1.234"}, "amount"},
             Case{{"promptpay", "--promptpay-id", "0812345678", "--biller", "012345678901234"}, "either"},
             Case{{"promptpay"}, "either"},
             Case{{"promptpay", "--promptpay-id"}, "needs a value"},
             Case{{"promptpay", "--colour", "red"}, "unknown argument"},
         }) {
        std::string output;
        EXPECT_EQ(run_bot_command(c.args, output), 2) << output;
        EXPECT_NE(output.find(c.message), std::string::npos) << c.message << " not in: " << output;
        EXPECT_EQ(output.find("6304"), std::string::npos) << output;
    }
}

}  // namespace
}  // namespace thesaban::testing
