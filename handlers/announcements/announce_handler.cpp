#include "handlers/announcements/announce_handler.h"

#include "core/log.h"
#include "core/random.h"
#include "core/text.h"
#include "handlers/common/main_menu.h"
#include "handlers/officer/officer_handler.h"

namespace thesaban::handlers {
namespace {

constexpr std::string_view kPrefix = "announce=";

std::string draft_key(const std::string& id) { return "announce-draft:" + id; }

std::string draft_to_json(const announcements::Draft& draft, const std::string& officer) {
    json::Document doc;
    doc.SetObject();
    auto& a = doc.GetAllocator();
    doc.AddMember("title", json::make_string(draft.title, a), a);
    doc.AddMember("body", json::make_string(draft.body, a), a);
    doc.AddMember("topic", json::make_string(draft.topic, a), a);
    doc.AddMember("officer", json::make_string(officer, a), a);
    return json::to_string(doc);
}

}  // namespace

AnnounceHandler::AnnounceHandler(const config::Config& config, const templates::TemplateLibrary& templates,
                                 ConversationStore& drafts, AnnouncementPublisher& publisher, const Clock& clock)
    : config_(config),
      templates_(templates),
      cards_(config, templates),
      drafts_(drafts),
      publisher_(publisher),
      clock_(clock) {}

std::optional<announcements::Draft> AnnounceHandler::parse_command(std::string_view typed) const {
    const std::string& command = config_.text("announce_command");
    std::string text = text::trim(typed);
    if (command.empty() || text.rfind(command, 0) != 0) return std::nullopt;
    std::string rest = text.substr(command.size());
    // "ประกาศ" must be a word of its own: "ประกาศนียบัตร" is not a command.
    if (!rest.empty() && rest[0] != ' ' && rest[0] != '\n' && rest[0] != '\t' && rest.rfind("\xc2\xa0", 0) != 0 &&
        rest[0] != ':')
        return std::nullopt;
    if (!rest.empty() && rest[0] == ':') rest.erase(0, 1);
    rest = text::trim(rest);
    announcements::Draft draft;
    // "#ภาษี" (a topic's label or key) first: only that topic's subscribers get it.
    if (!rest.empty() && rest[0] == '#') {
        auto end = rest.find_first_of(" \t\n");
        std::string wanted = rest.substr(1, end == std::string::npos ? std::string::npos : end - 1);
        draft.topic = wanted;  // unknown: validation names it
        for (const auto& topic : config_.announcements.topics)
            if (topic.label == wanted || topic.key == wanted) draft.topic = topic.key;
        if (draft.topic.empty()) draft.topic = "#";
        rest = end == std::string::npos ? std::string() : text::trim(rest.substr(end));
    }
    auto newline = rest.find('\n');
    if (newline != std::string::npos) {
        draft.title = text::trim(rest.substr(0, newline));
        draft.body = text::trim(rest.substr(newline + 1));
    } else {
        draft.title = config_.text("announce_default_title");
        draft.body = rest;
    }
    return draft;
}

bool AnnounceHandler::handle(const line::Event& event, Responder& out) {
    const auto& admin_group = config_.announcements.admin_group_id;
    if (admin_group.empty() || event.source.type != line::Source::Type::group || event.source.group_id != admin_group)
        return false;
    if (event.kind == line::EventKind::postback) {
        const auto* postback = std::get_if<line::Postback>(&event.payload);
        if (!postback || postback->data.rfind(kPrefix, 0) != 0) return false;
        on_postback(event, postback->data, out);
        return true;
    }
    if (event.kind != line::EventKind::message) return false;
    const auto* content = std::get_if<line::MessageContent>(&event.payload);
    const auto* message = content ? std::get_if<line::TextMessage>(&content->body) : nullptr;
    if (!message) return false;
    auto draft = parse_command(message->text);
    if (!draft) return false;
    on_command(event, *draft, out);
    return true;
}

void AnnounceHandler::on_command(const line::Event& event, const announcements::Draft& draft, Responder& out) {
    const auto& user = event.source.user_id;
    const auto* officer = config_.announcements.officer(user);
    if (!officer) {
        log::warn("announce", "announcement refused: not an allowlisted officer", {{"user", log::mask_id(user)}});
        say(out, "announce_not_authorized");
        return;
    }
    if (text::trim(draft.body).empty()) {
        say(out, "announce_usage");
        return;
    }
    if (auto invalid = announcements::validate(draft, config_.announcements.topic_keys(), clock_.now_ms())) {
        // Officers read Thai: the field decides the wording, the API's English message is for logs.
        log::info("announce", "announcement from LINE invalid",
                  {{"field", invalid->field}, {"problem", invalid->message}});
        if (invalid->field == "title")
            say(out, "announce_title_too_long", {{"max", std::to_string(announcements::kMaxTitleUnits)}});
        else if (invalid->field == "body")
            say(out, "announce_body_too_long", {{"max", std::to_string(announcements::kMaxBodyUnits)}});
        else if (invalid->field == "topic")
            say(out, "announce_unknown_topic", {{"topics", topic_labels()}});
        else
            say(out, "announce_invalid", {{"problem", invalid->message}});
        return;
    }
    std::string id = random_token(12);
    drafts_.save(draft_key(id), draft_to_json(draft, user));
    out.send(json::to_string(cards_.message(draft, clock_.now_ms())));
    const auto* topic = config_.announcements.topic(draft.topic);
    std::string prompt =
        topic ? templates::fill_placeholders(config_.text("announce_preview_topic"), {{"topic", topic->label}})
              : config_.text("announce_preview");
    templates::Values values{{"prompt", prompt},
                             {"send_label", config_.text("announce_send_label")},
                             {"send_data", "announce=send&draft=" + id},
                             {"cancel_label", config_.text("announce_cancel_label")},
                             {"cancel_data", "announce=cancel&draft=" + id},
                             {"alt_text", prompt}};
    out.send(json::to_string(templates_.render("announcement_confirm", values)));
}

void AnnounceHandler::on_postback(const line::Event& event, std::string_view data, Responder& out) {
    const auto& user = event.source.user_id;
    const auto* officer = config_.announcements.officer(user);
    if (!officer) {
        log::warn("announce", "announcement button refused: not an allowlisted officer",
                  {{"user", log::mask_id(user)}});
        say(out, "announce_not_authorized");
        return;
    }
    auto params = parse_postback_data(data);
    const std::string id = params["draft"];
    auto saved = id.empty() ? std::nullopt : drafts_.load(draft_key(id));
    json::Document doc;
    if (!saved || !json::parse(*saved, doc) || !doc.IsObject()) {
        say(out, "announce_expired");
        return;
    }
    announcements::Draft draft;
    draft.title = std::string(json::get_string(doc, "title").value_or(""));
    draft.body = std::string(json::get_string(doc, "body").value_or(""));
    draft.topic = std::string(json::get_string(doc, "topic").value_or(""));
    if (params["announce"] == "send") {
        // Keyed by the draft: a redelivered or repeated tap queues nothing new; the draft goes only
        // after the announcement is stored, so a crash in between cannot lose it.
        std::string announcement_id = publisher_.publish(draft, user, "line-draft:" + id);
        drafts_.clear(draft_key(id));
        log::info("announce", "announcement queued from LINE",
                  {{"id", announcement_id}, {"officer", log::mask_id(user)}});
        say(out, "announce_sent", {{"officer", officer->name}, {"title", draft.title}, {"id", announcement_id}});
    } else {
        drafts_.clear(draft_key(id));
        say(out, "announce_cancelled", {{"title", draft.title}});
    }
}

std::string AnnounceHandler::topic_labels() const {
    std::string out;
    for (const auto& topic : config_.announcements.topics) out += (out.empty() ? "#" : " #") + topic.label;
    return out;
}

void AnnounceHandler::say(Responder& out, const std::string& text_key, const templates::Values& values) {
    out.send(json::to_string(text_message(templates::fill_placeholders(config_.text(text_key), values))));
}

}  // namespace thesaban::handlers
