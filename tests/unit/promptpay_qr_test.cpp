#include "tax/promptpay_qr.h"

#include <gtest/gtest.h>

#include "support/qr_decode.h"

namespace thesaban::tax {
namespace {

class KeptImages final : public handlers::ExpiringImages {
public:
    std::optional<std::string> publish_png(std::string_view png, std::chrono::seconds ttl) override {
        last_png = std::string(png);
        last_ttl = ttl;
        return "https://bot.example/qr/token";
    }
    std::string last_png;
    std::chrono::seconds last_ttl{0};
};

TaxRecord record(const std::string& notice) {
    TaxRecord r;
    r.notice_number = notice;
    r.tax_year = 2569;
    return r;
}

TEST(PromptPayQr, BillPaymentCarriesNoticeYearAndAmountAndIsDrawnAsReadableQr) {
    PromptPaySettings settings;
    settings.mode = PromptPaySettings::Mode::bill_payment;
    settings.biller_id = "099400016550001";
    settings.qr_link_ttl = std::chrono::hours(2);
    KeptImages images;
    PromptPayQr qr(settings, images);

    auto payload = qr.payload(record("ภดส.3-2569/000123"), 1170000);
    ASSERT_TRUE(payload);
    EXPECT_NE(payload->find("0115099400016550001"), std::string::npos) << *payload;
    EXPECT_NE(payload->find("021132569000123"), std::string::npos) << *payload;
    EXPECT_NE(payload->find("03042569"), std::string::npos) << *payload;
    EXPECT_NE(payload->find("540811700.00"), std::string::npos) << *payload;

    EXPECT_EQ(qr.qr_url(record("ภดส.3-2569/000123"), 1170000), "https://bot.example/qr/token");
    EXPECT_EQ(images.last_ttl, std::chrono::seconds(7200));
    EXPECT_EQ(testing::zbar_decode(images.last_png), *payload);
}

TEST(PromptPayQr, CreditTransferPaysTheMunicipalitysPromptPayId) {
    PromptPaySettings settings;
    settings.mode = PromptPaySettings::Mode::credit_transfer;
    settings.promptpay_id = "0994000165500";
    KeptImages images;
    PromptPayQr qr(settings, images);
    auto payload = qr.payload(record("2569/00123"), 125000);
    ASSERT_TRUE(payload);
    EXPECT_NE(payload->find("0016A000000677010111"), std::string::npos) << *payload;
    EXPECT_NE(payload->find("02130994000165500"), std::string::npos) << *payload;
    EXPECT_NE(payload->find("54071250.00"), std::string::npos) << *payload;
}

TEST(PromptPayQr, NoQrWhenOffOrTheNoticeCannotBeAReference) {
    KeptImages images;
    PromptPaySettings off;
    EXPECT_FALSE(PromptPayQr(off, images).qr_url(record("2569/00123"), 100));
    PromptPaySettings bill;
    bill.mode = PromptPaySettings::Mode::bill_payment;
    bill.biller_id = "099400016550001";
    EXPECT_FALSE(PromptPayQr(bill, images).qr_url(record("ภดส."), 100)) << "no letters or digits left for ref1";
    EXPECT_TRUE(images.last_png.empty());
}

}  // namespace
}  // namespace thesaban::tax
