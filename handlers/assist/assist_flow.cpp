#include "handlers/assist/assist_flow.h"

#include "handlers/common/main_menu.h"
#include "templates/template_library.h"

namespace thesaban::handlers {

std::string AssistFlow::wording(const FlowContext& context) const {
    const Understanding* u = context.understanding;
    const std::string intent = u ? u->intent : std::string("help");
    templates::Values values = {{"municipality_name", config_.municipality_name},
                                {"municipality_short_name", config_.municipality_short_name},
                                {"phone", config_.municipality_phone}};
    if (intent == "out_of_scope") {
        for (const auto& pointer : config_.understanding.out_of_scope) {
            if (u && pointer.key == u->pointer) {
                values["name"] = pointer.name;
                values["pointer_phone"] = pointer.phone;
                return templates::fill_placeholders(config_.text("assist_out_of_scope"), values);
            }
        }
        return templates::fill_placeholders(config_.text("assist_out_of_scope_general"), values);
    }
    const std::string key = "assist_" + intent;
    return templates::fill_placeholders(config_.text(config_.texts.count(key) ? key : "assist_help"), values);
}

void AssistFlow::start(FlowContext& context) {
    context.finished = true;
    json::Document message = text_message(wording(context));
    attach_quick_reply(message, config_.main_menu);
    context.out.send(json::to_string(message));
}

}  // namespace thesaban::handlers
