#include "store/redis_tax_store.h"

#include <stdexcept>
#include <utility>

#include "tax/notice_number.h"
#include "tax/tax_record_json.h"

namespace thesaban::store {
namespace {

// KEYS[1] notice; ARGV[1] the record's JSON. Returns 'inserted', 'updated' or 'unchanged'.
const std::string kUpsertScript = R"lua(
local current = redis.call('GET', KEYS[1])
if current == ARGV[1] then return 'unchanged' end
redis.call('SET', KEYS[1], ARGV[1])
if current then return 'updated' end
return 'inserted'
)lua";

RedisReply checked(RedisReply reply, const char* what) {
    if (reply.is_error()) throw RedisUnavailable(std::string(what) + " refused: " + reply.str);
    return reply;
}

}  // namespace

RedisTaxStore::RedisTaxStore(Redis& redis, std::string key_prefix) : redis_(redis), prefix_(std::move(key_prefix)) {}

std::string RedisTaxStore::notice_key(const std::string& notice_number) const {
    return prefix_ + "tax:notice:" + tax::normalize_notice_number(notice_number);
}

std::optional<tax::TaxRecord> RedisTaxStore::find(const std::string& notice_number) {
    const std::string normalized = tax::normalize_notice_number(notice_number);
    if (normalized.empty()) return std::nullopt;
    RedisReply reply = checked(redis_.command({"GET", notice_key(normalized)}), "tax notice get");
    if (reply.is_nil()) return std::nullopt;
    return tax::tax_record_from_json(reply.str);
}

tax::ImportOutcome RedisTaxStore::upsert(const tax::TaxRecord& record) {
    if (tax::normalize_notice_number(record.notice_number).empty())
        throw std::invalid_argument("tax notice without a notice number");
    RedisReply reply =
        checked(redis_.eval(kUpsertScript, {notice_key(record.notice_number)}, {tax::tax_record_to_json(record)}),
                "tax notice upsert");
    if (reply.str == "inserted") return tax::ImportOutcome::inserted;
    if (reply.str == "updated") return tax::ImportOutcome::updated;
    if (reply.str == "unchanged") return tax::ImportOutcome::unchanged;
    throw RedisUnavailable("tax notice upsert: unexpected reply");
}

}  // namespace thesaban::store
