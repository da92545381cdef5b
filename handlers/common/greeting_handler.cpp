#include "handlers/common/greeting_handler.h"

#include "handlers/common/main_menu.h"

namespace thesaban::handlers {

GreetingHandler::GreetingHandler(const config::Config& config, const templates::TemplateLibrary& templates)
    : config_(config), templates_(templates) {}

templates::Values GreetingHandler::common_values() const {
    return {{"municipality_name", config_.municipality_name},
            {"municipality_short_name", config_.municipality_short_name},
            {"municipality_phone", config_.municipality_phone}};
}

std::string GreetingHandler::welcome_message() const {
    auto values = common_values();
    values["title"] = config_.text("welcome_title");
    values["body"] = config_.text("welcome_body");
    values["menu_prompt"] = config_.text("menu_prompt");
    values["alt_text"] = config_.text("welcome_alt");
    auto message = templates_.render("welcome", values);
    attach_quick_reply(message, config_.main_menu);
    return json::to_string(message);
}

std::string GreetingHandler::help_message(bool unsupported_content) const {
    auto values = common_values();
    values["title"] = config_.text("help_title");
    values["body"] = unsupported_content ? config_.text("unsupported_message") : config_.text("help_body");
    values["menu_prompt"] = config_.text("menu_prompt");
    values["alt_text"] = config_.text("help_alt");
    auto message = templates_.render("help", values);
    attach_quick_reply(message, config_.main_menu);
    return json::to_string(message);
}

bool GreetingHandler::handle(const line::Event& event, Responder& out) {
    switch (event.kind) {
        case line::EventKind::follow:
            out.send(welcome_message());
            return true;
        case line::EventKind::message: {
            const auto* content = std::get_if<line::MessageContent>(&event.payload);
            bool is_text = content && std::holds_alternative<line::TextMessage>(content->body);
            // In a group the bot stays quiet unless spoken to directly: officers chat there too.
            if (event.source.type != line::Source::Type::user) {
                const auto* text = content ? std::get_if<line::TextMessage>(&content->body) : nullptr;
                if (!text || !text->mentions_self) return false;
            }
            out.send(help_message(!is_text));
            return true;
        }
        case line::EventKind::postback:
            if (event.source.type != line::Source::Type::user) return false;
            out.send(help_message(false));
            return true;
        default:
            return false;
    }
}

}  // namespace thesaban::handlers
