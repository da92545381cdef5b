#include "store/redis_tax_store.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

#include "store/redis_lookup_guard.h"
#include "store/redis_pool.h"
#include "support/redis_server.h"
#include "tax/tax_record_json.h"

namespace thesaban::store {
namespace {

using namespace std::chrono_literals;
using tax::Date;
using tax::ImportOutcome;
using tax::TaxRecord;

TaxRecord notice(const std::string& number) {
    TaxRecord r;
    r.notice_number = number;
    r.tax_year = 2569;
    r.type = tax::TaxType::land_building;
    r.taxpayer_name = "นางสาวมาลี ใจดี";
    r.national_id_hash = std::string(64, 'a');
    r.national_id_last4 = "1811";
    r.reference = "โฉนด 1234";
    r.amount_satang = 123450;
    r.due_date = Date{2026, 4, 30};
    return r;
}

TEST(RedisTaxStore, InsertUnchangedUpdateAndFindByNormalisedNumber) {
    testing::RedisServer server;
    RedisPool pool(parse_redis_url(server.url()));
    RedisTaxStore store(pool, "t:");

    TaxRecord r = notice("ภดส.3-2569-000123");
    EXPECT_FALSE(store.find("ภดส.3-2569-000123"));
    EXPECT_EQ(store.upsert(r), ImportOutcome::inserted);
    EXPECT_EQ(store.upsert(r), ImportOutcome::unchanged);

    const auto found = store.find("  ภดส.๓-๒๕๖๙-๐๐๐๑๒๓ ");
    ASSERT_TRUE(found);
    EXPECT_EQ(tax::tax_record_to_json(*found), tax::tax_record_to_json(r));

    r.paid_date = Date{2026, 4, 1};
    r.paid_amount_satang = 123450;
    EXPECT_EQ(store.upsert(r), ImportOutcome::updated);
    EXPECT_EQ(store.find("ภดส.3-2569-000123")->paid_date, (Date{2026, 4, 1}));

    // The key layout the lead wires and operators inspect.
    EXPECT_EQ(pool.command({"EXISTS", "t:tax:notice:ภดส.3-2569-000123"}).integer, 1);
    EXPECT_EQ(pool.command({"TTL", "t:tax:notice:ภดส.3-2569-000123"}).integer, -1);
}

TEST(RedisTaxStore, LowerCaseLettersFindTheSameNotice) {
    testing::RedisServer server;
    RedisPool pool(parse_redis_url(server.url()));
    RedisTaxStore store(pool, "t:");
    EXPECT_EQ(store.upsert(notice("pnk-2569/0042")), ImportOutcome::inserted);
    EXPECT_EQ(store.upsert(notice("PNK-2569/0042")), ImportOutcome::updated);  // number as printed changed
    ASSERT_TRUE(store.find("Pnk-2569/0042"));
    EXPECT_EQ(store.find("Pnk-2569/0042")->notice_number, "PNK-2569/0042");
    EXPECT_FALSE(store.find(""));
    EXPECT_FALSE(store.find("PNK-2569/0043"));
}

TEST(RedisTaxStore, ConcurrentUpsertsOfOneNewRecordInsertOnce) {
    testing::RedisServer server;
    RedisPool pool(parse_redis_url(server.url()));
    RedisTaxStore store(pool, "t:");
    const TaxRecord r = notice("N-1");
    std::vector<ImportOutcome> outcomes(8);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < outcomes.size(); ++i) threads.emplace_back([&, i] { outcomes[i] = store.upsert(r); });
    for (auto& t : threads) t.join();
    int inserted = 0;
    for (auto o : outcomes) {
        inserted += o == ImportOutcome::inserted;
        EXPECT_NE(o, ImportOutcome::updated);
    }
    EXPECT_EQ(inserted, 1);
}

TEST(RedisTaxStore, UnreachableRedisThrows) {
    int port = 0;
    {
        testing::RedisServer server;
        port = server.port();
    }
    RedisOptions options;
    options.port = port;
    RedisPool pool(options);
    RedisTaxStore store(pool, "t:");
    EXPECT_THROW(store.find("N-1"), RedisUnavailable);
    EXPECT_THROW(store.upsert(notice("N-1")), RedisUnavailable);
}

TEST(RedisLookupGuard, LocksAfterMaxFailuresUntilTheWindowExpires) {
    testing::RedisServer server;
    RedisPool pool(parse_redis_url(server.url()));
    RedisLookupGuard guard(pool, "t:", 2s, 3);

    EXPECT_FALSE(guard.locked("Uaaa"));
    EXPECT_EQ(guard.record_failure("Uaaa"), 1);
    const long long ttl = pool.command({"TTL", "t:tax:lookup_failures:Uaaa"}).integer;
    EXPECT_GE(ttl, 1);
    EXPECT_LE(ttl, 2);
    EXPECT_EQ(guard.record_failure("Uaaa"), 2);
    EXPECT_FALSE(guard.locked("Uaaa"));
    EXPECT_EQ(guard.record_failure("Uaaa"), 3);
    EXPECT_TRUE(guard.locked("Uaaa"));
    EXPECT_FALSE(guard.locked("Ubbb"));  // per user

    // Later failures do not push the window out: it runs from the first one.
    EXPECT_EQ(guard.record_failure("Uaaa"), 4);
    EXPECT_LE(pool.command({"PTTL", "t:tax:lookup_failures:Uaaa"}).integer, 2000);

    ASSERT_TRUE(testing::wait_until([&] { return !guard.locked("Uaaa"); }, 4s));
    EXPECT_EQ(guard.record_failure("Uaaa"), 1);
}

TEST(RedisLookupGuard, CounterWithoutExpiryGetsOne) {
    testing::RedisServer server;
    RedisPool pool(parse_redis_url(server.url()));
    RedisLookupGuard guard(pool, "t:");
    pool.command({"SET", "t:tax:lookup_failures:Uccc", "7"});
    EXPECT_TRUE(guard.locked("Uccc"));
    EXPECT_EQ(guard.record_failure("Uccc"), 8);
    const long long ttl = pool.command({"TTL", "t:tax:lookup_failures:Uccc"}).integer;
    EXPECT_GT(ttl, 3500);
    EXPECT_LE(ttl, 3600);
}

TEST(RedisLookupGuard, ConcurrentFailuresAreAllCounted) {
    testing::RedisServer server;
    RedisPool pool(parse_redis_url(server.url()));
    RedisLookupGuard guard(pool, "t:", 1h, 5);
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i) threads.emplace_back([&] { guard.record_failure("Uddd"); });
    for (auto& t : threads) t.join();
    EXPECT_EQ(pool.command({"GET", "t:tax:lookup_failures:Uddd"}).str, "8");
    EXPECT_TRUE(guard.locked("Uddd"));
}

TEST(RedisLookupGuard, RejectsNonsenseLimits) {
    testing::RedisServer server;
    RedisPool pool(parse_redis_url(server.url()));
    EXPECT_THROW(RedisLookupGuard(pool, "t:", 0s, 5), std::invalid_argument);
    EXPECT_THROW(RedisLookupGuard(pool, "t:", 1h, 0), std::invalid_argument);
}

}  // namespace
}  // namespace thesaban::store
