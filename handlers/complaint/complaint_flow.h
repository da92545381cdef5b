#pragma once
// A complaint, step by step: category → description → photos → location → phone → summary →
// ยืนยัน files a ticket for the category's department. Every answer can be taken back (ย้อนกลับ),
// edited from the summary (แก้ไข) or abandoned (ยกเลิก, handled by the ResidentRouter).
#include "handlers/common/flow_steps.h"

namespace thesaban::handlers {

class ComplaintFlow final : public StepFlow {
public:
    explicit ComplaintFlow(const FlowDeps& deps) : StepFlow(deps) {}

    std::string name() const override { return "complaint"; }
    std::vector<std::string> intents() const override { return {"complaint"}; }

protected:
    std::string first_step() const override { return "category"; }
    void ask(FlowContext& context, StepState& state) override;
    void answer(FlowContext& context, StepState& state, const StepInput& input) override;
    std::string next_step(const StepState& state, std::string_view step) const override;
    json::Document summary(FlowContext& context, StepState& state) override;
    tickets::TicketDraft draft(FlowContext& context, StepState& state) override;
    std::string category_name(const tickets::Ticket& ticket) const override;
    int photo_limit() const override { return deps().config.max_photos; }
    std::string photo_step() const override { return "photos"; }
    std::string location_step() const override { return "location"; }

private:
    const config::Choice* category(const std::string& key) const;
    void answer_category(FlowContext& context, StepState& state, const StepInput& input);
    void answer_description(FlowContext& context, StepState& state, const StepInput& input);
    void answer_location(FlowContext& context, StepState& state, const StepInput& input);
};

}  // namespace thesaban::handlers
