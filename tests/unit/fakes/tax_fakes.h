#pragma once
// In-memory tax ports for the tax flow's unit tests, in their own namespace so that no other test
// file's fake can share a name with them (the ODR).
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/text.h"
#include "handlers/tax/tax_flow.h"
#include "tax/tax_store.h"

namespace thesaban::testing::tax_fakes {

class MemoryTaxStore final : public tax::TaxStore {
public:
    std::optional<tax::TaxRecord> find(const std::string& notice_number) override {
        auto it = records.find(text::normalize_thai_digits(text::trim(notice_number)));
        if (it == records.end()) return std::nullopt;
        return it->second;
    }
    tax::ImportOutcome upsert(const tax::TaxRecord& record) override {
        bool existed = records.count(record.notice_number) > 0;
        records[record.notice_number] = record;
        return existed ? tax::ImportOutcome::updated : tax::ImportOutcome::inserted;
    }
    std::map<std::string, tax::TaxRecord> records;
};

// Counts failures per user without a clock: `locked` once `max_failures` are reached.
class CountingGuard final : public tax::LookupGuard {
public:
    explicit CountingGuard(int max) : max_failures(max) {}
    bool locked(const std::string& user_id) override { return failures[user_id] >= max_failures; }
    int record_failure(const std::string& user_id) override { return ++failures[user_id]; }
    int max_failures;
    std::map<std::string, int> failures;
};

struct QrRequest {
    std::string notice;
    int64_t amount_satang;
};

class RecordingQr final : public handlers::PaymentQr {
public:
    std::optional<std::string> qr_url(const tax::TaxRecord& record, int64_t amount_satang) override {
        requests.push_back({record.notice_number, amount_satang});
        if (!enabled) return std::nullopt;
        return "https://bot.test.example/qr/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" + std::to_string(requests.size());
    }
    bool enabled = true;
    std::vector<QrRequest> requests;
};

}  // namespace thesaban::testing::tax_fakes
