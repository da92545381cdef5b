#include "tax/promptpay_qr.h"

#include <utility>

#include "core/log.h"
#include "tax/promptpay.h"
#include "tax/qr_png.h"

namespace thesaban::tax {

PromptPayQr::PromptPayQr(PromptPaySettings settings, handlers::ExpiringImages& images)
    : settings_(std::move(settings)), images_(images) {}

std::optional<std::string> PromptPayQr::payload(const TaxRecord& record, int64_t amount_satang) const {
    PayloadResult result;
    switch (settings_.mode) {
        case PromptPaySettings::Mode::none:
            return std::nullopt;
        case PromptPaySettings::Mode::bill_payment: {
            auto ref1 = payment_reference(record.notice_number);
            if (!ref1) {
                log::warn("tax", "notice number unusable as a payment reference", {{"notice", record.notice_number}});
                return std::nullopt;
            }
            result = bill_payment_payload({settings_.biller_id, *ref1, std::to_string(record.tax_year), amount_satang});
            break;
        }
        case PromptPaySettings::Mode::credit_transfer:
            result = credit_transfer_payload({settings_.promptpay_id, amount_satang});
            break;
    }
    if (!result.ok()) {
        log::warn("tax", "no payment QR", {{"notice", record.notice_number}, {"error", result.error}});
        return std::nullopt;
    }
    return result.payload;
}

std::optional<std::string> PromptPayQr::qr_url(const TaxRecord& record, int64_t amount_satang) {
    auto text = payload(record, amount_satang);
    if (!text) return std::nullopt;
    try {
        return images_.publish_png(qr_png(*text),
                                   std::chrono::duration_cast<std::chrono::seconds>(settings_.qr_link_ttl));
    } catch (const QrRenderError& e) {
        log::error("tax", "QR rendering failed", {{"notice", record.notice_number}, {"error", e.what()}});
        return std::nullopt;
    }
}

}  // namespace thesaban::tax
