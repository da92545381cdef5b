#pragma once
// The first conversation: a welcome card when someone adds the account as a friend, and a
// polite help card with the main menu for anything no other handler understood. Neither depends on
// the event, so both are rendered and checked against LINE's limits once, at construction.
#include "config/config.h"
#include "handlers/common/conversation.h"
#include "templates/template_library.h"

namespace thesaban::handlers {

class GreetingHandler final : public EventHandler {
public:
    // Throws std::runtime_error when a rendered message breaks LINE's limits (fail at start-up, not per send).
    GreetingHandler(const config::Config& config, const templates::TemplateLibrary& templates);
    // Follow → welcome; a message or postback nobody else took → help. Other events are not ours.
    bool handle(const line::Event& event, Responder& out) override;

    const std::string& welcome_message() const { return welcome_; }
    const std::string& help_message(bool unsupported_content) const {
        return unsupported_content ? help_unsupported_ : help_;
    }

private:
    std::string welcome_;
    std::string help_;
    std::string help_unsupported_;
};

}  // namespace thesaban::handlers
