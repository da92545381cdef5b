#pragma once
// The payment QR of a notice: a PromptPay payload (bill payment to the municipality's biller ID
// with ref1 = notice number and ref2 = tax year, or a credit transfer to its PromptPay ID), drawn
// as a PNG and published at an expiring link.
#include <chrono>
#include <optional>
#include <string>

#include "handlers/common/ports.h"
#include "handlers/tax/tax_flow.h"
#include "tax/tax_rules.h"

namespace thesaban::tax {

class PromptPayQr final : public handlers::PaymentQr {
public:
    PromptPayQr(PromptPaySettings settings, handlers::ExpiringImages& images);

    std::optional<std::string> qr_url(const TaxRecord& record, int64_t amount_satang) override;
    // The payload the QR carries (exposed for tests and officers' tools).
    std::optional<std::string> payload(const TaxRecord& record, int64_t amount_satang) const;

private:
    PromptPaySettings settings_;
    handlers::ExpiringImages& images_;
};

}  // namespace thesaban::tax
