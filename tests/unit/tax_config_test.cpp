// Section "tax" of the configuration: the example file's figures are the law's, and mistakes in
// the section stop the bot with the key named.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>

#include "config/config.h"
#include "core/json.h"

namespace thesaban::config {
namespace {

const char* kExample = THESABAN_SOURCE_DIR "/config/thesaban.example.jsonc";

// Loads the example configuration after `patch` changed it (written to a temporary file).
Config load_patched(const std::function<void(json::Document&)>& patch) {
    std::ifstream in(kExample);
    std::stringstream text;
    text << in.rdbuf();
    json::Document doc;
    EXPECT_TRUE(json::parse_with_comments(text.str(), doc));
    auto& a = doc.GetAllocator();
    doc["templates_dir"].SetString(THESABAN_SOURCE_DIR "/templates", a);
    doc["understanding"]["corpus"].SetString(THESABAN_SOURCE_DIR "/config/intent_corpus.tsv", a);
    doc["understanding"]["rewrites"].SetString(THESABAN_SOURCE_DIR "/config/thai_rewrites.tsv", a);
    patch(doc);
    char path[] = "/tmp/thesaban-tax-config-XXXXXX";
    const int fd = mkstemp(path);
    EXPECT_GE(fd, 0);
    close(fd);
    std::ofstream(path) << json::to_string(doc);
    struct Remove {
        const char* path;
        ~Remove() { std::remove(path); }
    } remove{path};
    return load_config(path, {}, false);
}

// The key ConfigError names when `patch` is applied.
std::string error_key(const std::function<void(json::Document&)>& patch) {
    try {
        load_patched(patch);
    } catch (const ConfigError& e) {
        return e.key();
    }
    return "(no error)";
}

json::Value& tax(json::Document& doc) { return doc["tax"]; }

}  // namespace

TEST(TaxConfig, ExampleHasTheLawsFigures) {
    const Config config = load_config(kExample, {}, false);
    const auto& lb = config.tax.land_building;
    EXPECT_EQ(lb.instalment_threshold_satang, 300'000);
    EXPECT_EQ(lb.instalments, 3);
    EXPECT_EQ(lb.penalty_before_reminder_percent, 10);
    EXPECT_EQ(lb.penalty_within_reminder_percent, 20);
    EXPECT_EQ(lb.penalty_after_reminder_percent, 40);
    EXPECT_EQ(lb.surcharge_percent_per_month, 1);
    EXPECT_TRUE(lb.surcharge_capped_at_tax);
    ASSERT_EQ(lb.years.size(), 1u);
    const auto year = lb.year(2569);
    EXPECT_EQ(year.payment_due, (tax::Date{2026, 4, 30}));
    EXPECT_EQ(year.instalment_due, (std::vector<tax::Date>{{2026, 4, 30}, {2026, 5, 31}, {2026, 6, 30}}));
    EXPECT_EQ(year.notice_month, 2);

    const auto& sign = config.tax.signboard;
    EXPECT_EQ(sign.filing_deadline_month, 3);
    EXPECT_EQ(sign.filing_deadline_day, 31);
    EXPECT_EQ(sign.payment_days_after_assessment, 15);
    EXPECT_EQ(sign.surcharge_percent_per_month, 2);
    EXPECT_EQ(sign.minimum_satang, 20'000);
    EXPECT_EQ(sign.unit_cm2, 500);
    EXPECT_EQ(sign.rate_satang(tax::SignKind::thai_only, true), 1'000);
    EXPECT_EQ(sign.rate_satang(tax::SignKind::thai_only, false), 500);
    EXPECT_EQ(sign.rate_satang(tax::SignKind::thai_mixed, true), 5'200);
    EXPECT_EQ(sign.rate_satang(tax::SignKind::thai_mixed, false), 2'600);
    EXPECT_EQ(sign.rate_satang(tax::SignKind::foreign, true), 5'200);
    EXPECT_EQ(sign.rate_satang(tax::SignKind::foreign, false), 5'000);

    EXPECT_EQ(config.tax.garbage_fee.household_satang_per_month, 2'000);
    EXPECT_EQ(config.tax.garbage_fee.surcharge_percent_per_month, 0);

    EXPECT_EQ(config.tax.promptpay.mode, tax::PromptPaySettings::Mode::bill_payment);
    EXPECT_EQ(config.tax.promptpay.biller_id, "000000000000000");
    EXPECT_EQ(config.tax.promptpay.qr_link_ttl, std::chrono::hours(24));
}

TEST(TaxConfig, AnExtendedYearAndDefaultInstalments) {
    const Config config = load_patched([](json::Document& doc) {
        auto& a = doc.GetAllocator();
        auto& year = tax(doc)["land_building"]["years"][0];
        year["payment_due"].SetString("2026-08-31", a);  // ค.ศ. accepted too
        year.RemoveMember("instalment_due");
    });
    const auto year = config.tax.land_building.year(2569);
    EXPECT_EQ(year.instalment_due, (std::vector<tax::Date>{{2026, 8, 31}, {2026, 9, 30}, {2026, 10, 31}}));
    // A year not listed falls back to the Act's calendar.
    EXPECT_EQ(config.tax.land_building.year(2570).payment_due, (tax::Date{2027, 4, 30}));
}

TEST(TaxConfig, CreditTransferMode) {
    const Config config = load_patched([](json::Document& doc) {
        auto& a = doc.GetAllocator();
        auto& pp = tax(doc)["promptpay"];
        pp["mode"].SetString("credit_transfer", a);
        pp.RemoveMember("biller_id");
        pp.AddMember("promptpay_id", json::make_string("0812345678", a), a);
    });
    EXPECT_EQ(config.tax.promptpay.mode, tax::PromptPaySettings::Mode::credit_transfer);
    EXPECT_EQ(config.tax.promptpay.promptpay_id, "0812345678");
}

TEST(TaxConfig, SectionIsOptional) {
    const Config config = load_patched([](json::Document& doc) { doc.RemoveMember("tax"); });
    EXPECT_EQ(config.tax.promptpay.mode, tax::PromptPaySettings::Mode::none);
    EXPECT_EQ(config.tax.signboard.minimum_satang, 20'000);
}

TEST(TaxConfig, RejectsUnknownKeysAndBadValues) {
    using Doc = json::Document;
    EXPECT_EQ(error_key([](Doc& d) { tax(d).AddMember("rates", 1, d.GetAllocator()); }), "tax.rates");
    EXPECT_EQ(error_key([](Doc& d) {
                  tax(d)["signboard"]["rates_baht"]["thai_only"].AddMember("fixed", 1, d.GetAllocator());
              }),
              "tax.signboard.rates_baht.thai_only.fixed");
    EXPECT_EQ(error_key([](Doc& d) { tax(d)["signboard"]["minimum_baht"].SetInt(-1); }), "tax.signboard.minimum_baht");
    EXPECT_EQ(error_key([](Doc& d) { tax(d)["signboard"]["filing_deadline"].SetString("31-03"); }),
              "tax.signboard.filing_deadline");
    EXPECT_EQ(error_key([](Doc& d) { tax(d)["land_building"]["surcharge_capped_at_tax"].SetInt(1); }),
              "tax.land_building.surcharge_capped_at_tax");
    EXPECT_EQ(error_key([](Doc& d) { tax(d)["land_building"]["penalty_percent"]["within_reminder"].SetInt(50); }),
              "tax.land_building.penalty_percent");
    EXPECT_EQ(error_key([](Doc& d) { tax(d)["land_building"]["years"][0]["payment_due"].SetString("2569-02-30"); }),
              "tax.land_building.years[0].payment_due");
    EXPECT_EQ(
        error_key([](Doc& d) { tax(d)["land_building"]["years"][0]["instalment_due"][1].SetString("2569-04-01"); }),
        "tax.land_building.years[0].instalment_due");
    EXPECT_EQ(error_key([](Doc& d) { tax(d)["land_building"]["years"][0]["instalment_due"].PopBack(); }),
              "tax.land_building.years[0].instalment_due");
    EXPECT_EQ(error_key([](Doc& d) {
                  json::Value copy(tax(d)["land_building"]["years"][0], d.GetAllocator());
                  tax(d)["land_building"]["years"].PushBack(copy, d.GetAllocator());
              }),
              "tax.land_building.years[1].tax_year");
    EXPECT_EQ(error_key([](Doc& d) { tax(d)["promptpay"]["mode"].SetString("cash"); }), "tax.promptpay.mode");
    EXPECT_EQ(error_key([](Doc& d) { tax(d)["promptpay"]["biller_id"].SetString("12345"); }),
              "tax.promptpay.biller_id");
    EXPECT_EQ(error_key([](Doc& d) { tax(d)["promptpay"]["mode"].SetString("credit_transfer"); }),
              "tax.promptpay.promptpay_id");
    EXPECT_EQ(error_key([](Doc& d) { tax(d)["promptpay"]["qr_link_ttl_hours"].SetInt(0); }),
              "tax.promptpay.qr_link_ttl_hours");
    EXPECT_EQ(error_key([](Doc& d) { tax(d)["garbage_fee"]["household_baht_per_month"].SetString("20"); }),
              "tax.garbage_fee.household_baht_per_month");
}

}  // namespace thesaban::config
