#pragma once
// "ภาษี": answers about land and building tax, signboard tax and the garbage fee, and a resident's
// own notice: the notice number and the last 4 digits of the taxpayer's national ID give the
// amount, the due date, whether it is paid, the late charges to today and a PromptPay QR.
//
// Postbacks it answers with no state of its own:
//   tax=land_building | tax=signboard | tax=garbage_fee   the answer card of that tax
//   tax=lookup                                             "ตรวจยอด/ชำระ": ask for the notice
// Failed lookups are counted per LINE user (LookupGuard) so nobody can guess other people's bills.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "handlers/common/flow.h"
#include "handlers/common/ports.h"
#include "tax/tax_record.h"
#include "tax/tax_store.h"
#include "templates/template_library.h"

namespace thesaban::handlers {

// Builds the payment QR of a notice (PromptPay, as configured) and publishes it at an expiring
// link. nullopt when no QR can be made (e.g. payment by QR not configured).
class PaymentQr {
public:
    virtual ~PaymentQr() = default;
    virtual std::optional<std::string> qr_url(const tax::TaxRecord& record, int64_t amount_satang) = 0;
};

class TaxFlow final : public Flow {
public:
    TaxFlow(const config::Config& config, const templates::TemplateLibrary& templates, tax::TaxStore& store,
            tax::LookupGuard& guard, PaymentQr& qr, const Clock& clock);

    std::string name() const override { return "tax"; }
    std::vector<std::string> intents() const override { return {"tax", "tax_lookup"}; }
    bool accepts_postback(std::string_view data) const override;
    void start(FlowContext& context) override;
    void resume(FlowContext& context) override;
    void reprompt(FlowContext& context) override;

private:
    // "land_building", "signboard", "garbage_fee", "lookup", or empty for the menu.
    std::string topic_of(FlowContext& context) const;
    void open(FlowContext& context, const std::string& topic);
    void show_menu(FlowContext& context);
    void show_answer(FlowContext& context, const std::string& topic);
    void ask_notice(FlowContext& context);
    void ask_last4(FlowContext& context);
    void on_notice(FlowContext& context, const std::string& typed);
    void on_last4(FlowContext& context, const std::string& typed);
    void show_bill(FlowContext& context, const tax::TaxRecord& record);
    void refuse_locked(FlowContext& context);
    void say(FlowContext& context, const std::string& text_key, const templates::Values& values = {});
    std::string question(const std::string& text_key, bool offer_back, const templates::Values& values = {}) const;
    std::string text(const std::string& key, const templates::Values& values = {}) const;

    const config::Config& config_;
    const templates::TemplateLibrary& templates_;
    tax::TaxStore& store_;
    tax::LookupGuard& guard_;
    PaymentQr& qr_;
    const Clock& clock_;
};

}  // namespace thesaban::handlers
