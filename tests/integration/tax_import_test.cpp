// `thesaban-bot tax-import` run as the real binary against a real redis-server: the officer's
// yearly load of tax notices, then the payments file, and what ends up in Redis.
#include "tax/tax_import.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/config.h"
#include "store/redis_pool.h"
#include "store/redis_tax_store.h"
#include "support/bot_process.h"
#include "support/redis_server.h"

namespace thesaban::testing {
namespace {

const std::string kConfig = THESABAN_SOURCE_DIR "/config/thesaban.example.jsonc";
const std::string kNotices = THESABAN_TEST_DATA_DIR "/tax/notices_2569.csv";
const std::string kPayments = THESABAN_TEST_DATA_DIR "/tax/payments_2569.csv";
constexpr const char* kSalt = "integration-test-salt-3f9a1c";

// Every national ID and name in the sample files, as the files write them and as 13 plain digits.
const std::vector<std::string> kPersonalData = {
    "3-4704-00112-23-1", "3470400112231", "3470400223342", "1470400334459", "1470400334458",
    "3470400445566",     "๓๔๗๐๔๐๐๔๔๕๕๖๖", "3470400778891", "3470400556678", "3470400889901",
    "1470400667783",     "นายสมชาย",      "นางบุญมี",        "นายวิชัย",        "พรรณาการค้า",
    "ร้านทองใบ",          "นายทองดี",       "นางคำปุ่น",       "นางสาวมณี",      "นายสุวิทย์",
    "นายประสิทธิ์"};

class TaxImportCli : public ::testing::Test {
protected:
    int run(std::vector<std::string> args, std::string& output, const std::string& salt = kSalt) {
        args.insert(args.begin(), "tax-import");
        return run_bot_command(args, output, {{"TAX_ID_SALT", salt}, {"REDIS_URL", redis_.url()}});
    }

    void expect_no_personal_data(const std::string& output) {
        for (const auto& value : kPersonalData) EXPECT_EQ(output.find(value), std::string::npos) << value;
    }

    std::string key_prefix() { return config::load_config(kConfig, {}, false).redis.key_prefix; }

    RedisServer redis_;
    store::RedisPool pool_{store::parse_redis_url(redis_.url())};
};

TEST_F(TaxImportCli, ImportsGoodRowsReportsBadOnesAndIsIdempotent) {
    std::string output;
    EXPECT_EQ(run({kNotices, "--config", kConfig}, output), 1) << output;
    EXPECT_NE(output.find("inserted 6, updated 0, unchanged 0, rejected 4\n"), std::string::npos) << output;
    EXPECT_NE(output.find("line 4: national_id is not a valid 13-digit national ID"), std::string::npos) << output;
    EXPECT_NE(output.find("line 7: amount is not an amount in baht"), std::string::npos) << output;
    EXPECT_NE(output.find("line 9: tax_type is not one of"), std::string::npos) << output;
    EXPECT_NE(output.find("line 11: due_date is not a date"), std::string::npos) << output;
    EXPECT_EQ(output.find("line 5:"), std::string::npos) << output;  // the quoted two-line reference is fine
    expect_no_personal_data(output);

    output.clear();
    EXPECT_EQ(run({kNotices, "--config", kConfig}, output), 1) << output;
    EXPECT_NE(output.find("inserted 0, updated 0, unchanged 6, rejected 4\n"), std::string::npos) << output;

    output.clear();
    EXPECT_EQ(run({kPayments, "--config", kConfig}, output), 0) << output;
    EXPECT_NE(output.find("inserted 0, updated 2, unchanged 1, rejected 0\n"), std::string::npos) << output;
    expect_no_personal_data(output);

    store::RedisTaxStore store(pool_, key_prefix());
    const auto paid = store.find("ภดส6-2569/0002");
    ASSERT_TRUE(paid);
    EXPECT_EQ(paid->taxpayer_name, "นางบุญมี แสนสุข");
    EXPECT_EQ(paid->reference, "โฉนดเลขที่ 8871, 8872 ต.พรรณา");
    EXPECT_EQ(paid->amount_satang, 348075);
    EXPECT_EQ(paid->paid_date, (tax::Date{2026, 5, 8}));
    EXPECT_EQ(paid->paid_amount_satang, 382883);
    EXPECT_EQ(paid->national_id_last4, "3342");
    EXPECT_EQ(paid->national_id_hash, tax::hash_national_id(kSalt, "3470400223342"));

    const auto sign = store.find("ภป3-2569/0001");
    ASSERT_TRUE(sign);
    EXPECT_EQ(sign->reference, "ป้ายหน้าร้าน \"พรรณาการค้า\"\nถ.นิตโย ต.พรรณา");
    EXPECT_EQ(sign->due_date, (tax::Date{2026, 3, 31}));
    const auto reminded = store.find("ภดส6-2569/0004");
    ASSERT_TRUE(reminded);
    EXPECT_EQ(reminded->reminder_due_date, (tax::Date{2026, 7, 10}));
    EXPECT_FALSE(store.find("ภดส6-2569/0003"));  // rejected line

    // Straight from Redis: no national ID anywhere, in keys or values.
    const store::RedisReply keys = pool_.command({"KEYS", "*"});
    ASSERT_EQ(keys.elements.size(), 6u);
    for (const auto& key : keys.elements) {
        const std::string value = pool_.command({"GET", key.str}).str;
        EXPECT_NE(value.find("\"national_id_hash\":\""), std::string::npos) << key.str;
        for (const char* id :
             {"3470400112231", "3470400223342", "1470400334458", "3470400445566", "3470400556678", "1470400667783"}) {
            EXPECT_EQ(key.str.find(id), std::string::npos);
            EXPECT_EQ(value.find(id), std::string::npos) << key.str;
        }
    }
}

TEST_F(TaxImportCli, DryRunWritesNothing) {
    std::string output;
    EXPECT_EQ(run({kNotices, "--dry-run", "--config", kConfig}, output), 1) << output;
    EXPECT_NE(output.find("dry run"), std::string::npos) << output;
    EXPECT_NE(output.find("inserted 6, updated 0, unchanged 0, rejected 4\n"), std::string::npos) << output;
    EXPECT_EQ(pool_.command({"DBSIZE"}).integer, 0);
}

TEST_F(TaxImportCli, RefusesWithoutALongEnoughSalt) {
    std::string output;
    EXPECT_EQ(run({kNotices, "--config", kConfig}, output, ""), 2) << output;
    EXPECT_NE(output.find("TAX_ID_SALT"), std::string::npos) << output;
    EXPECT_EQ(run({kNotices, "--config", kConfig}, output, "short-salt"), 2) << output;
    EXPECT_NE(output.find("at least 16 characters"), std::string::npos) << output;
    EXPECT_EQ(pool_.command({"DBSIZE"}).integer, 0);
}

TEST_F(TaxImportCli, UsageAndFileErrors) {
    std::string output;
    EXPECT_EQ(run({}, output), 2) << output;
    EXPECT_NE(output.find("usage: thesaban-bot tax-import"), std::string::npos) << output;
    EXPECT_EQ(run({kNotices, "--frobnicate"}, output), 2) << output;
    EXPECT_EQ(run({THESABAN_TEST_DATA_DIR "/tax/no_such_file.csv", "--config", kConfig}, output), 2) << output;
    EXPECT_NE(output.find("cannot read"), std::string::npos) << output;
    EXPECT_EQ(run({kNotices, "--config", "/nonexistent/thesaban.jsonc"}, output), 2) << output;
    EXPECT_NE(output.find("configuration error"), std::string::npos) << output;
}

TEST_F(TaxImportCli, UnknownColumnRefusesTheWholeFile) {
    const std::string dir = make_temp_dir("tax-import");
    const std::string path = dir + "/bad_header.csv";
    {
        FILE* f = std::fopen(path.c_str(), "w");
        ASSERT_TRUE(f);
        std::fputs(
            "notice_number,tax_year,tax_type,taxpayer_name,national_id,reference,amount,due_date,phone\n"
            "X-1,2569,signboard,นายสมชาย,3470400112231,r,1,2569-03-31,0812345678\n",
            f);
        std::fclose(f);
    }
    std::string output;
    EXPECT_EQ(run({path, "--config", kConfig}, output), 1) << output;
    EXPECT_NE(output.find("line 1: unknown column \"phone\""), std::string::npos) << output;
    EXPECT_EQ(pool_.command({"DBSIZE"}).integer, 0);
}

TEST_F(TaxImportCli, UnreachableRedisIsAnEnvironmentError) {
    std::string output;
    const int port = free_loopback_port();
    EXPECT_EQ(
        run_bot_command({"tax-import", kNotices, "--config", kConfig}, output,
                        {{"TAX_ID_SALT", kSalt}, {"REDIS_URL", "redis://127.0.0.1:" + std::to_string(port) + "/0"}}),
        2)
        << output;
    EXPECT_NE(output.find("Redis unavailable"), std::string::npos) << output;
    expect_no_personal_data(output);
}

}  // namespace
}  // namespace thesaban::testing
