#pragma once
// What residents expect besides the reports: a greeting or a thanks answered with the menu, the
// menu itself, the municipality's phone and office hours, and for what another agency handles
// (a PEA outage, an emergency, a fire) who to call. One message each, from config texts; never a
// conversation of its own, so it also answers in the middle of a draft (the router keeps it).
#include "config/config.h"
#include "handlers/common/flow.h"

namespace thesaban::handlers {

class AssistFlow final : public Flow {
public:
    explicit AssistFlow(const config::Config& config) : config_(config) {}

    std::string name() const override { return "assist"; }
    std::vector<std::string> intents() const override {
        return {"greeting", "thanks", "help", "contact", "out_of_scope"};
    }
    void start(FlowContext& context) override;
    void resume(FlowContext& context) override { start(context); }

private:
    std::string wording(const FlowContext& context) const;

    const config::Config& config_;
};

}  // namespace thesaban::handlers
