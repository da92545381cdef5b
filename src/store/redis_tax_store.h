#pragma once
// Imported tax notices in Redis, one string key a notice holding the record as JSON
// (tax_record_json.h). The key uses the normalised notice number (tax/notice_number.h), so the
// number as a resident types it finds the notice as exported. No national ID is ever stored: the
// record carries only its salted hash and last four digits.
//
// Keys, under the prefix:
//   tax:notice:{normalised notice number}   string, the record's JSON; no expiry
#include <optional>
#include <string>

#include "store/redis.h"
#include "tax/tax_store.h"

namespace thesaban::store {

class RedisTaxStore final : public tax::TaxStore {
public:
    RedisTaxStore(Redis& redis, std::string key_prefix);

    std::optional<tax::TaxRecord> find(const std::string& notice_number) override;
    // One Lua script compares the stored JSON with the new one and writes only when they differ.
    tax::ImportOutcome upsert(const tax::TaxRecord& record) override;

    std::string notice_key(const std::string& notice_number) const;

private:
    Redis& redis_;
    std::string prefix_;
};

}  // namespace thesaban::store
