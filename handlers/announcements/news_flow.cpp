#include "handlers/announcements/news_flow.h"

#include <algorithm>

#include "core/text.h"
#include "handlers/common/flow_steps.h"
#include "handlers/common/main_menu.h"
#include "handlers/officer/officer_handler.h"
#include "handlers/officer/ticket_cards.h"

namespace thesaban::handlers {
namespace {
constexpr std::string_view kPrefix = "news=";

// `wording` with the topics to choose as quick replies, or the main menu when there is none to choose.
void send_topic_choices(const config::Config& config, const std::string& wording,
                        const std::vector<PostbackChoice>& choices, Responder& out) {
    auto message = text_message(wording);
    if (choices.empty())
        attach_quick_reply(message, config.main_menu);
    else
        attach_postback_quick_reply(message, choices);
    out.send(json::to_string(message));
}

}  // namespace

NewsFlow::NewsFlow(const config::Config& config, const templates::TemplateLibrary& templates, NewsAudience& audience,
                   NewsArchive& archive)
    : config_(config), cards_(config, templates), audience_(audience), archive_(archive) {}

bool NewsFlow::accepts_postback(std::string_view data) const { return data.rfind(kPrefix, 0) == 0; }

void NewsFlow::start(FlowContext& context) {
    context.finished = true;
    const std::string& user = context.event.source.user_id;
    StepInput input = read_step_input(context.event);
    if (input.kind == StepInput::Kind::postback) {
        auto params = parse_postback_data(input.text);
        const std::string& action = params["news"];
        if (action == "sub" || action == "unsub") {
            change(user, params["topic"], action == "sub", context.out);
        } else if (action == "menu_unsub") {
            offer_unsubscribe(user, context.out);
        } else {
            offer_subscribe(user, context.out);
        }
        return;
    }
    std::string typed = text::trim(input.text);
    if (typed == config_.text("news_command_unsubscribe")) {
        offer_unsubscribe(user, context.out);
    } else if (typed == config_.text("news_command_subscribe")) {
        offer_subscribe(user, context.out);
    } else if (context.understanding && context.understanding->intent == "subscribe") {
        // "ไม่อยากได้ข่าวแล้ว", "stop sending news": the words of stopping choose the unsubscribe list.
        bool stop = false;
        for (const char* word : {"เลิก", "ยกเลิก", "ไม่", "บ่", "หยุด", "งด", "stop", "unsubscribe", "don't"})
            stop = stop || typed.find(word) != std::string::npos;
        if (stop)
            offer_unsubscribe(user, context.out);
        else
            offer_subscribe(user, context.out);
    } else {
        show_latest(user, context.out);
    }
}

std::string NewsFlow::labels(const std::vector<std::string>& topic_keys) const {
    std::string out;
    for (const auto& key : topic_keys) {
        if (const auto* topic = config_.announcements.topic(key)) out += (out.empty() ? "" : ", ") + topic->label;
    }
    return out.empty() ? config_.text("news_nothing") : out;
}

void NewsFlow::show_latest(const std::string& user, Responder& out) {
    auto items = archive_.latest_published(config_.announcements.latest_count);
    if (items.empty()) {
        auto message = text_message(config_.text("news_none"));
        attach_quick_reply(message, config_.main_menu);
        out.send(json::to_string(message));
        return;
    }
    out.send(json::to_string(cards_.carousel(items)));
    auto prompt = text_message(config_.text("news_more_prompt"));
    std::vector<PostbackChoice> choices{
        {config_.text("news_subscribe_label"), "news=menu_sub", config_.text("news_subscribe_label")},
        {config_.text("news_unsubscribe_label"), "news=menu_unsub", config_.text("news_unsubscribe_label")}};
    attach_postback_quick_reply(prompt, choices);
    out.send(json::to_string(prompt));
}

void NewsFlow::offer_subscribe(const std::string& user, Responder& out) {
    auto subscribed = audience_.subscriptions(user);
    std::vector<PostbackChoice> choices;
    for (const auto& topic : config_.announcements.topics)
        if (std::find(subscribed.begin(), subscribed.end(), topic.key) == subscribed.end())
            choices.push_back({topic.label, "news=sub&topic=" + topic.key, topic.label});
    const char* key = choices.empty() ? "news_all_subscribed" : "news_choose_subscribe";
    send_topic_choices(config_, templates::fill_placeholders(config_.text(key), {{"subscribed", labels(subscribed)}}),
                       choices, out);
}

void NewsFlow::offer_unsubscribe(const std::string& user, Responder& out) {
    auto subscribed = audience_.subscriptions(user);
    std::vector<PostbackChoice> choices;
    for (const auto& key : subscribed)
        if (const auto* topic = config_.announcements.topic(key))
            choices.push_back({topic->label, "news=unsub&topic=" + topic->key, topic->label});
    const char* key = choices.empty() ? "news_none_subscribed" : "news_choose_unsubscribe";
    send_topic_choices(config_, templates::fill_placeholders(config_.text(key), {{"subscribed", labels(subscribed)}}),
                       choices, out);
}

void NewsFlow::change(const std::string& user, const std::string& topic_key, bool subscribe, Responder& out) {
    const auto* topic = config_.announcements.topic(topic_key);
    if (!topic) {
        auto message = text_message(config_.text("news_unknown_topic"));
        attach_quick_reply(message, config_.main_menu);
        out.send(json::to_string(message));
        return;
    }
    if (subscribe)
        audience_.subscribe(user, topic->key);
    else
        audience_.unsubscribe(user, topic->key);
    auto message = text_message(templates::fill_placeholders(
        config_.text(subscribe ? "news_subscribed" : "news_unsubscribed"), {{"topic", topic->label}}));
    attach_quick_reply(message, config_.main_menu);
    out.send(json::to_string(message));
}

}  // namespace thesaban::handlers
