#include "tax/promptpay.h"

#include <gtest/gtest.h>

#include <map>

namespace thesaban::tax {
namespace {

// Splits an EMVCo payload into its top-level data objects, so payloads from generators that
// order the tags differently can be compared object by object.
std::map<std::string, std::string> data_objects(const std::string& payload) {
    std::map<std::string, std::string> out;
    std::size_t pos = 0;
    while (pos + 4 <= payload.size()) {
        const std::string id = payload.substr(pos, 2);
        const std::size_t length = std::stoul(payload.substr(pos + 2, 2));
        out[id] = payload.substr(pos + 4, length);
        pos += 4 + length;
    }
    EXPECT_EQ(pos, payload.size()) << payload;
    return out;
}

bool crc_valid(const std::string& payload) {
    if (payload.size() < 8 || payload.compare(payload.size() - 8, 4, "6304") != 0) return false;
    char hex[5];
    std::snprintf(hex, sizeof hex, "%04X", crc16_ccitt_false(std::string_view(payload).substr(0, payload.size() - 4)));
    return payload.substr(payload.size() - 4) == hex;
}

std::string must(const PayloadResult& result) {
    EXPECT_TRUE(result.ok()) << result.error;
    return result.payload;
}

}  // namespace

TEST(Crc16CcittFalse, MatchesTheStandardCheckValue) {
    EXPECT_EQ(crc16_ccitt_false("123456789"), 0x29B1);
    EXPECT_EQ(crc16_ccitt_false(""), 0xFFFF);
}

// Payloads published by other implementations and printed by Thai banks; their CRCs must agree
// with ours (dtinth/promptpay-qr tests, pheerathach/promptpay tests, bank bill-payment QRs).
TEST(Crc16CcittFalse, AgreesWithPublishedPromptPayPayloads) {
    for (const char* payload : {
             "00020101021129370016A000000677010111011300668012345675802TH530376463046197",
             "00020101021129370016A000000677010111021311111111111115802TH530376463047B5A",
             "00020101021229370016A000000677010111011300660000000005802TH530376454044.226304E469",
             "00020101021129370016A0000006770101110113006600000000053037645802TH630456EA",
             "00020101021130510016A000000677010112011501055230093500202085555890053037645802TH6304A648",
         })
        EXPECT_TRUE(crc_valid(payload)) << payload;
}

TEST(EmvField, PadsTheLengthToTwoDigits) {
    EXPECT_EQ(emv_field("58", "TH"), "5802TH");
    EXPECT_EQ(emv_field("00", "A000000677010111"), "0016A000000677010111");
    EXPECT_EQ(emv_field("02", std::string(20, 'A')), "0220" + std::string(20, 'A'));
}

TEST(CreditTransfer, MobileNumberWithoutAmountIsTheWellKnownStaticPayload) {
    // The same data objects as dtinth/promptpay-qr's "00020101021129370016A000000677010111011300668123456785802TH
    // 53037646304..." (which puts 58 before 53); ours keep the ascending order banks print. CRC computed
    // independently (Python, CRC-16/CCITT-FALSE).
    const std::string payload = must(credit_transfer_payload({"0812345678", std::nullopt}));
    EXPECT_EQ(payload, "00020101021129370016A0000006770101110113006681234567853037645802TH6304823E");
    const std::string dtinth_order = "00020101021129370016A000000677010111011300668123456785802TH530376463045D82";
    EXPECT_TRUE(crc_valid(dtinth_order));
    EXPECT_EQ(data_objects(payload.substr(0, payload.size() - 8)),
              data_objects(dtinth_order.substr(0, dtinth_order.size() - 8)));
}

TEST(CreditTransfer, MatchesPheerathachPromptPayExactly) {
    EXPECT_EQ(must(credit_transfer_payload({"0000000000", std::nullopt})),
              "00020101021129370016A0000006770101110113006600000000053037645802TH630456EA");
}

TEST(CreditTransfer, CarriesTheSameObjectsAsDtinthPromptPayQr) {
    struct Case {
        const char* id;
        std::optional<int64_t> amount;
        const char* dtinth;
    };
    for (const Case& c : {
             Case{"080-123-4567", std::nullopt,
                  "00020101021129370016A000000677010111011300668012345675802TH530376463046197"},
             Case{"+66-89-123-4567", std::nullopt,
                  "00020101021129370016A000000677010111011300668912345675802TH5303764630429C1"},
             Case{"1-1111-11111-11-1", std::nullopt,
                  "00020101021129370016A000000677010111021311111111111115802TH530376463047B5A"},
             Case{"0123456789012", std::nullopt,
                  "00020101021129370016A000000677010111021301234567890125802TH530376463040CBD"},
             Case{"000-000-0000", 422,
                  "00020101021229370016A000000677010111011300660000000005802TH530376454044.226304E469"},
         }) {
        const std::string ours = must(credit_transfer_payload({c.id, c.amount}));
        EXPECT_TRUE(crc_valid(ours)) << ours;
        auto theirs = data_objects(c.dtinth), mine = data_objects(ours);
        theirs.erase("63"), mine.erase("63");
        EXPECT_EQ(mine, theirs) << c.id;
    }
}

TEST(CreditTransfer, AmountMakesTheCodeDynamic) {
    const std::string payload = must(credit_transfer_payload({"0812345678", 10050}));
    EXPECT_EQ(payload.substr(0, 12), "000201010212");
    EXPECT_NE(payload.find("5303764"
                           "5406100.50"
                           "5802TH6304"),
              std::string::npos)
        << payload;
    EXPECT_TRUE(crc_valid(payload));
}

TEST(CreditTransfer, EWalletUsesSubTag03) {
    const std::string payload = must(credit_transfer_payload({"123456789012345", std::nullopt}));
    EXPECT_EQ(data_objects(payload)["29"], "0016A0000006770101110315123456789012345");
}

TEST(CreditTransfer, AcceptsThaiDigits) {
    EXPECT_EQ(must(credit_transfer_payload({"๐๘๑๒๓๔๕๖๗๘", std::nullopt})),
              must(credit_transfer_payload({"0812345678", std::nullopt})));
}

TEST(CreditTransfer, RejectsWhatIsNotAPromptPayId) {
    for (const char* id :
         {"", "081234567", "1812345678", "08123456789", "12345678901234", "08x2345678", "+6612345678"}) {
        const auto result = credit_transfer_payload({id, std::nullopt});
        EXPECT_FALSE(result.ok()) << id;
        EXPECT_TRUE(result.payload.empty());
        EXPECT_NE(result.error.find("PromptPay ID"), std::string::npos) << result.error;
    }
}

TEST(BillPayment, MatchesABankPrintedBillPaymentQr) {
    // A bill-payment QR printed by a Thai bank (biller 010552300935002, ref1 55558900, no amount).
    EXPECT_EQ(must(bill_payment_payload({"010552300935002", "55558900", "", std::nullopt})),
              "00020101021130510016A000000677010112011501055230093500202085555890053037645802TH6304A648");
}

TEST(BillPayment, WithBothReferencesAndAnAmount) {
    const std::string payload = must(bill_payment_payload({"012345678901234", "256900123", "LB2569", 123450}));
    const std::string expected_prefix =
        "000201"
        "010212"
        "3062"
        "0016A000000677010112"
        "0115012345678901234"
        "0209256900123"
        "0306LB2569"
        "5303764"
        "54071234.50"
        "5802TH"
        "6304";
    EXPECT_EQ(payload.substr(0, payload.size() - 4), expected_prefix);
    EXPECT_TRUE(crc_valid(payload));
    EXPECT_EQ(payload.size(), expected_prefix.size() + 4);
}

TEST(BillPayment, RejectsBadInput) {
    auto error = [](BillPayment request) { return bill_payment_payload(request).error; };
    EXPECT_NE(error({"12345678901234", "A1", "", std::nullopt}), "");  // 14-digit biller
    EXPECT_NE(error({"12345678901234X", "A1", "", std::nullopt}), "");
    EXPECT_NE(error({"012345678901234", "", "", std::nullopt}).find("ref1"), std::string::npos);
    EXPECT_NE(error({"012345678901234", "abc", "", std::nullopt}).find("ref1"), std::string::npos);
    EXPECT_NE(error({"012345678901234", "A-1", "", std::nullopt}).find("ref1"), std::string::npos);
    EXPECT_NE(error({"012345678901234", std::string(21, '1'), "", std::nullopt}).find("20"), std::string::npos);
    EXPECT_EQ(error({"012345678901234", std::string(20, '1'), std::string(20, 'Z'), std::nullopt}), "");
    EXPECT_NE(error({"012345678901234", "A1", "ก", std::nullopt}).find("ref2"), std::string::npos);
    EXPECT_NE(error({"012345678901234", "A1", "", 0}).find("amount"), std::string::npos);
    EXPECT_NE(error({"012345678901234", "A1", "", -5}).find("amount"), std::string::npos);
    EXPECT_NE(error({"012345678901234", "A1", "", kMaxQrAmountSatang + 1}).find("amount"), std::string::npos);
    const std::string largest = must(bill_payment_payload({"012345678901234", "A1", "", kMaxQrAmountSatang}));
    EXPECT_NE(largest.find("54109999999.99"), std::string::npos) << largest;
}

TEST(PaymentReference, KeepsLettersAndDigitsOfTheNoticeNumber) {
    EXPECT_EQ(payment_reference("ภดส.3-2569-000123"), "32569000123");
    EXPECT_EQ(payment_reference("2569/00123"), "256900123");
    EXPECT_EQ(payment_reference("๒๕๖๙/๐๐๑๒๓"), "256900123");
    EXPECT_EQ(payment_reference("lb-2569-7"), "LB25697");
    EXPECT_EQ(payment_reference("ภดส."), std::nullopt);
    EXPECT_EQ(payment_reference("123456789012345678901"), std::nullopt);
    const auto ref = payment_reference("ภดส.3-2569-000123");
    EXPECT_TRUE(bill_payment_payload({"012345678901234", *ref, "", 10000}).ok());
}

TEST(ParseAmountSatang, ReadsBahtWithUpToTwoDecimals) {
    EXPECT_EQ(parse_amount_satang("100"), 10000);
    EXPECT_EQ(parse_amount_satang("4.22"), 422);
    EXPECT_EQ(parse_amount_satang("4.5"), 450);
    EXPECT_EQ(parse_amount_satang("1,234.50"), 123450);
    EXPECT_EQ(parse_amount_satang(" ๑๒๓.๔๕ "), 12345);
    EXPECT_EQ(parse_amount_satang("0"), 0);
    for (const char* bad : {"", ".5", "5.", "4.225", "-1", "1e3", "12a", ",100", "1.2.3", "9999999999999"})
        EXPECT_EQ(parse_amount_satang(bad), std::nullopt) << bad;
}

TEST(FormatAmount, AlwaysTwoDecimals) {
    EXPECT_EQ(format_amount(422), "4.22");
    EXPECT_EQ(format_amount(5), "0.05");
    EXPECT_EQ(format_amount(10000), "100.00");
}

}  // namespace thesaban::tax
