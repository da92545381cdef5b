#pragma once
// The first conversation: a welcome card when someone adds the account as a friend, and a
// polite help card with the main menu for anything no other handler understood.
#include "config/config.h"
#include "handlers/common/conversation.h"
#include "templates/template_library.h"

namespace thesaban::handlers {

class GreetingHandler final : public EventHandler {
public:
    GreetingHandler(const config::Config& config, const templates::TemplateLibrary& templates);
    // Follow → welcome; a message or postback nobody else took → help. Other events are not ours.
    bool handle(const line::Event& event, Responder& out) override;

    std::string welcome_message() const;
    std::string help_message(bool unsupported_content) const;

private:
    templates::Values common_values() const;

    const config::Config& config_;
    const templates::TemplateLibrary& templates_;
};

}  // namespace thesaban::handlers
