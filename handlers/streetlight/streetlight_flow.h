#pragma once
// A broken streetlight: where (LINE location, or a typed pole number / landmark) → an open report
// within config.streetlight.duplicate_radius_m is offered to follow instead of filing it again →
// fault (skipped when the first message already named it) → optional photo → summary → ยืนยัน
// files a ticket for config.streetlight.department.
#include "handlers/common/flow_steps.h"

namespace thesaban::handlers {

class StreetlightFlow final : public StepFlow {
public:
    explicit StreetlightFlow(const FlowDeps& deps) : StepFlow(deps) {}

    std::string name() const override { return "streetlight"; }
    std::vector<std::string> intents() const override { return {"streetlight"}; }

protected:
    std::string first_step() const override { return "place"; }
    void on_start(StepState& state, const StepInput& first) override;
    void on_edit(StepState& state) override;
    void ask(FlowContext& context, StepState& state) override;
    void answer(FlowContext& context, StepState& state, const StepInput& input) override;
    std::string next_step(const StepState& state, std::string_view step) const override;
    json::Document summary(FlowContext& context, StepState& state) override;
    tickets::TicketDraft draft(FlowContext& context, StepState& state) override;
    std::string category_name(const tickets::Ticket& ticket) const override;
    int photo_limit() const override { return max_photos(); }
    std::string photo_step() const override { return "photo"; }
    std::string location_step() const override { return "place"; }

private:
    const config::Choice* fault(const std::string& key) const;
    int max_photos() const;
    void ask_duplicate(FlowContext& context, StepState& state);
    void answer_place(FlowContext& context, StepState& state, const StepInput& input);
    void answer_duplicate(FlowContext& context, StepState& state, const StepInput& input);
    void answer_fault(FlowContext& context, StepState& state, const StepInput& input);
};

}  // namespace thesaban::handlers
