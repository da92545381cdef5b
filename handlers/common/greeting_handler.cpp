#include "handlers/common/greeting_handler.h"

#include <stdexcept>
#include <utility>

#include "handlers/common/main_menu.h"
#include "line/message_limits.h"

namespace thesaban::handlers {

namespace {

templates::Values common_values(const config::Config& config) {
    return {{"municipality_name", config.municipality_name},
            {"municipality_short_name", config.municipality_short_name},
            {"municipality_phone", config.municipality_phone}};
}

std::string render_checked(const config::Config& config, const templates::TemplateLibrary& templates,
                           const std::string& name, templates::Values values) {
    auto message = templates.render(name, values);
    attach_quick_reply(message, config.main_menu);
    std::string text = json::to_string(message);
    if (auto problem = line::precheck_message(text)) {
        throw std::runtime_error("the " + name + " message breaks LINE's limits: " + *problem);
    }
    return text;
}

std::string render_help(const config::Config& config, const templates::TemplateLibrary& templates,
                        bool unsupported_content) {
    auto values = common_values(config);
    values["title"] = config.text("help_title");
    values["body"] = unsupported_content ? config.text("unsupported_message") : config.text("help_body");
    values["menu_prompt"] = config.text("menu_prompt");
    values["alt_text"] = config.text("help_alt");
    return render_checked(config, templates, "help", std::move(values));
}

std::string render_welcome(const config::Config& config, const templates::TemplateLibrary& templates) {
    auto values = common_values(config);
    values["title"] = config.text("welcome_title");
    values["body"] = config.text("welcome_body");
    values["menu_prompt"] = config.text("menu_prompt");
    values["alt_text"] = config.text("welcome_alt");
    return render_checked(config, templates, "welcome", std::move(values));
}

}  // namespace

GreetingHandler::GreetingHandler(const config::Config& config, const templates::TemplateLibrary& templates)
    : welcome_(render_welcome(config, templates)),
      help_(render_help(config, templates, false)),
      help_unsupported_(render_help(config, templates, true)) {}

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
