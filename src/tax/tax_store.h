#pragma once
// Where imported tax notices live, and the per-user guard against guessing other people's
// notices. Implementations throw store::RedisUnavailable when the store cannot be reached.
#include <chrono>
#include <optional>
#include <string>

#include "tax/tax_record.h"

namespace thesaban::tax {

enum class ImportOutcome { inserted, updated, unchanged };

class TaxStore {
public:
    virtual ~TaxStore() = default;
    // The notice with this number (as printed; compared after trimming and Thai-digit normalising).
    virtual std::optional<TaxRecord> find(const std::string& notice_number) = 0;
    // Inserts or replaces one notice atomically; storing an identical record again is `unchanged`.
    virtual ImportOutcome upsert(const TaxRecord& record) = 0;
};

// At most `max_failures` failed lookups per LINE user within `window` (counted from the first
// failure); after that the user is locked out until the window has passed.
class LookupGuard {
public:
    virtual ~LookupGuard() = default;
    virtual bool locked(const std::string& user_id) = 0;
    // Records one failure; returns how many failures the user now has in the current window.
    virtual int record_failure(const std::string& user_id) = 0;
};

}  // namespace thesaban::tax
