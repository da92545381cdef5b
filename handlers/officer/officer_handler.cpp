#include "handlers/officer/officer_handler.h"

#include <set>

#include "core/log.h"
#include "core/text.h"
#include "core/thai_date.h"
#include "handlers/common/main_menu.h"

namespace thesaban::handlers {
namespace {

constexpr std::size_t kBacklogLimit = 10;  // a carousel shows at most 12 bubbles
constexpr std::size_t kMaxNoteUnits = 1000;
constexpr std::string_view kDoneFlow = "officer_done";

using tickets::Status;

json::Document image_message(const std::string& url) {
    json::Document message;
    message.SetObject();
    auto& a = message.GetAllocator();
    message.AddMember("type", "image", a);
    message.AddMember("originalContentUrl", json::make_string(url, a), a);
    message.AddMember("previewImageUrl", json::make_string(url, a), a);
    return message;
}

std::string state_string(const json::Value& state, std::string_view key) {
    return std::string(json::get_string(state, key).value_or(""));
}

}  // namespace

std::map<std::string, std::string> parse_postback_data(std::string_view data) {
    std::map<std::string, std::string> params;
    std::size_t pos = 0;
    while (pos <= data.size()) {
        auto amp = data.find('&', pos);
        auto part = data.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
        auto eq = part.find('=');
        if (eq != std::string_view::npos)
            params.emplace(std::string(part.substr(0, eq)), std::string(part.substr(eq + 1)));
        if (amp == std::string_view::npos) break;
        pos = amp + 1;
    }
    return params;
}

std::string officer_conversation_key(const line::Source& source) { return source.chat_id() + ":" + source.user_id; }

OfficerHandler::OfficerHandler(const config::Config& config, const templates::TemplateLibrary& templates,
                               tickets::TicketStore& tickets, ConversationStore& conversations, Notifier& notifier,
                               MediaStore& media, const Clock& clock, ProfileLookup& profiles)
    : config_(config),
      cards_(config, templates, media),
      tickets_(tickets),
      conversations_(conversations),
      notifier_(notifier),
      media_(media),
      clock_(clock),
      profiles_(profiles) {}

bool OfficerHandler::handle(const line::Event& event, Responder& out) {
    if (event.kind == line::EventKind::postback) {
        const auto* postback = std::get_if<line::Postback>(&event.payload);
        if (!postback || postback->data.rfind("ticket=", 0) != 0) return false;
        on_ticket_postback(event, parse_postback_data(postback->data), out);
        return true;
    }
    if (event.kind != line::EventKind::message) return false;
    const auto& user = event.source.user_id;
    if (user.empty()) return false;

    // Only officers can have a note pending, so residents' messages never cost a store read.
    if (is_officer_anywhere(user)) {
        std::string key = officer_conversation_key(event.source);
        if (auto saved = conversations_.load(key)) {
            json::Document state;
            if (json::parse(*saved, state) && state.IsObject() && state_string(state, "flow") == kDoneFlow) {
                on_done_conversation(event, state, key, out);
                return true;
            }
        }
    }

    if (event.source.type != line::Source::Type::group) return false;
    const auto* department = config_.department_by_group(event.source.group_id);
    const auto* content = std::get_if<line::MessageContent>(&event.payload);
    const auto* message = content ? std::get_if<line::TextMessage>(&content->body) : nullptr;
    if (!department || !message || text::trim(message->text) != config_.text("officer_backlog_command")) return false;
    if (!department->officer(user)) {
        log::warn("officer", "backlog refused", {{"user", log::mask_id(user)}, {"department", department->key}});
        say(out, "officer_backlog_not_authorized", {{"department", department->name}});
        return true;
    }
    show_backlog(event, *department, out);
    return true;
}

const config::Officer* OfficerHandler::authorize(const line::Event& event, const std::optional<tickets::Ticket>& ticket,
                                                 const std::string& ticket_id, Responder& out) {
    const auto& user = event.source.user_id;
    if (!ticket) {
        log::warn("officer", "postback for a missing ticket", {{"user", log::mask_id(user)}, {"ticket", ticket_id}});
        say(out, "officer_ticket_not_found", {});
        return nullptr;
    }
    const auto* department = config_.department(ticket->department);
    const auto* officer = department && !user.empty() ? department->officer(user) : nullptr;
    if (!officer) {
        log::warn("officer", "not an officer of the ticket's department",
                  {{"user", log::mask_id(user)}, {"ticket", ticket->id}, {"department", ticket->department}});
        say(out, "officer_not_authorized",
            {{"id", ticket->id}, {"department", cards_.department_name(ticket->department)}});
        return nullptr;
    }
    if (!tickets::is_open(ticket->status)) {
        say(out, "officer_ticket_finished", {{"id", ticket->id}, {"status", cards_.status_name(ticket->status)}});
        return nullptr;
    }
    return officer;
}

void OfficerHandler::on_ticket_postback(const line::Event& event, const Params& params, Responder& out) {
    auto param = [&](const char* name) {
        auto it = params.find(name);
        return it == params.end() ? std::string() : it->second;
    };
    std::string id = param("ticket");
    std::string action = param("do");
    auto ticket = id.empty() ? std::nullopt : tickets_.get(id);
    const auto* officer = authorize(event, ticket, id, out);
    if (!officer) return;

    tickets::TransitionRequest request;
    request.ticket_id = ticket->id;
    request.expected = ticket->status;
    request.actor = officer->user_id;
    request.actor_name = officer_name(*officer);

    if (action == "accept" || action == "progress") {
        request.to = action == "accept" ? Status::accepted : Status::in_progress;
        apply(std::move(request), out);
    } else if (action == "done") {
        if (!tickets::transition_allowed(ticket->status, Status::done)) {
            refuse_change(*ticket, Status::done, out);
            return;
        }
        // The CAS happens after the note: it expects the status seen now, so a change made by
        // someone else in between is reported instead of overwritten.
        json::Document state;
        state.SetObject();
        auto& a = state.GetAllocator();
        state.AddMember("flow", json::make_string(kDoneFlow, a), a);
        state.AddMember("ticket", json::make_string(ticket->id, a), a);
        state.AddMember("expected", json::make_string(tickets::status_key(ticket->status), a), a);
        state.AddMember("step", "note", a);
        state.AddMember("note", "", a);
        conversations_.save(officer_conversation_key(event.source), json::to_string(state));
        auto message = text_message(
            templates::fill_placeholders(config_.text("officer_done_ask_note"), {{"id", ticket->id}, {"officer", request.actor_name}}));
        attach_quick_reply(message, {{skip_word(), skip_word()}});
        out.send(json::to_string(message));
    } else if (action == "forward") {
        std::string to = param("to");
        if (to.empty()) {
            std::vector<PostbackChoice> choices;
            for (const auto& d : config_.departments)
                if (d.key != ticket->department)
                    choices.push_back({d.name, "ticket=" + ticket->id + "&do=forward&to=" + d.key, d.name});
            auto message = text_message(templates::fill_placeholders(config_.text("officer_choose_department"), {{"id", ticket->id}}));
            attach_postback_quick_reply(message, choices);
            out.send(json::to_string(message));
            return;
        }
        const auto* target = config_.department(to);
        if (!target || target->key == ticket->department) {
            say(out, "officer_unknown_department", {});
            return;
        }
        request.to = Status::forwarded;
        request.department = target->key;
        apply(std::move(request), out);
    } else if (action == "close") {
        std::string reason = param("reason");
        if (reason.empty() || !tickets::close_reason_from_key(reason)) {
            std::vector<PostbackChoice> choices;
            for (auto r : {tickets::CloseReason::out_of_scope, tickets::CloseReason::duplicate,
                           tickets::CloseReason::cancelled_by_reporter}) {
                std::string name = cards_.close_reason_name(tickets::close_reason_key(r));
                choices.push_back(
                    {name, "ticket=" + ticket->id + "&do=close&reason=" + tickets::close_reason_key(r), name});
            }
            auto message = text_message(templates::fill_placeholders(
                config_.text(reason.empty() ? "officer_choose_close_reason" : "officer_unknown_close_reason"),
                {{"id", ticket->id}}));
            attach_postback_quick_reply(message, choices);
            out.send(json::to_string(message));
            return;
        }
        request.to = Status::closed;
        request.close_reason = reason;
        apply(std::move(request), out);
    } else {
        log::warn("officer", "unknown ticket action", {{"user", log::mask_id(event.source.user_id)}, {"ticket", id}});
        say(out, "officer_ticket_not_found", {});
    }
}

void OfficerHandler::on_done_conversation(const line::Event& event, json::Document& state, const std::string& key,
                                          Responder& out) {
    const auto* content = std::get_if<line::MessageContent>(&event.payload);
    const auto* text_body = content ? std::get_if<line::TextMessage>(&content->body) : nullptr;
    const auto* image = content ? std::get_if<line::ImageMessage>(&content->body) : nullptr;
    std::string id = state_string(state, "ticket");
    std::string step = state_string(state, "step");
    std::string typed = text_body ? text::trim(text_body->text) : std::string();
    bool skipped = text_body && typed == skip_word();

    auto ask = [&](const char* text_key) {
        auto message = text_message(templates::fill_placeholders(config_.text(text_key), {{"id", id}}));
        attach_quick_reply(message, {{skip_word(), skip_word()}});
        out.send(json::to_string(message));
    };

    if (image) {
        auto token = content ? media_.save_line_image(content->id) : std::nullopt;
        if (!token) {
            ask("officer_photo_failed");
            return;
        }
        conversations_.clear(key);
        finish_done(event, state, state_string(state, "note"), {*token}, out);
        return;
    }
    if (step == "note" && text_body && !typed.empty()) {
        auto& a = state.GetAllocator();
        std::string note = skipped ? std::string() : text::truncate_utf16(typed, kMaxNoteUnits);
        state["note"].SetString(note.data(), static_cast<rapidjson::SizeType>(note.size()), a);
        state["step"].SetString("photo", a);
        conversations_.save(key, json::to_string(state));
        ask("officer_done_ask_photo");
        return;
    }
    if (step == "photo" && skipped) {
        conversations_.clear(key);
        finish_done(event, state, state_string(state, "note"), {}, out);
        return;
    }
    // Anything else (a sticker, chatter): ask again; the idle timeout ends a forgotten note.
    ask(step == "note" ? "officer_done_ask_note" : "officer_done_ask_photo");
}

void OfficerHandler::finish_done(const line::Event& event, const json::Document& state, const std::string& note,
                                 const std::vector<std::string>& photos, Responder& out) {
    std::string id = state_string(state, "ticket");
    auto ticket = tickets_.get(id);
    // Checked again: the ticket may have been forwarded or closed while the note was typed.
    const auto* officer = authorize(event, ticket, id, out);
    if (!officer) return;
    tickets::TransitionRequest request;
    request.ticket_id = id;
    request.expected = tickets::status_from_key(state_string(state, "expected")).value_or(ticket->status);
    request.to = Status::done;
    request.actor = officer->user_id;
    request.actor_name = officer_name(*officer);
    request.note = note;
    request.after_photo_tokens = photos;
    apply(std::move(request), out);
}

void OfficerHandler::apply(tickets::TransitionRequest request, Responder& out) {
    auto result = tickets_.transition(request, clock_.now_ms());
    using Outcome = tickets::TransitionResult::Outcome;
    if (result.outcome == Outcome::not_found || !result.ticket) {
        say(out, "officer_ticket_not_found", {});
        return;
    }
    const auto& ticket = *result.ticket;
    if (result.outcome != Outcome::ok) {
        log::info(
            "officer", result.outcome == Outcome::conflict ? "transition conflict" : "transition not allowed",
            {{"user", log::mask_id(request.actor)}, {"ticket", ticket.id}, {"to", tickets::status_key(request.to)}});
        refuse_change(ticket, request.to, out);
        return;
    }
    log::info(
        "officer", "ticket changed",
        {{"user", log::mask_id(request.actor)}, {"ticket", ticket.id}, {"to", tickets::status_key(ticket.status)}});

    templates::Values values{
        {"id", ticket.id}, {"status", cards_.status_name(ticket.status)}, {"officer", request.actor_name}};
    if (ticket.status == Status::forwarded) {
        values["department"] = cards_.department_name(ticket.department);
        say(out, "officer_forwarded", values);
        const auto* target = config_.department(ticket.department);
        if (target && !target->group_id.empty())
            notifier_.push(target->group_id, {json::to_string(cards_.officer_card(ticket))},
                           "card:" + ticket.id + ":" + std::to_string(ticket.history.size()));
    } else if (ticket.status == Status::closed) {
        values["reason"] = cards_.close_reason_name(request.close_reason);
        say(out, "officer_closed", values);
    } else {
        say(out, "officer_status_changed", values);
    }
    notify_residents(ticket);
}

void OfficerHandler::refuse_change(const tickets::Ticket& now, Status wanted, Responder& out) {
    templates::Values values{
        {"id", now.id}, {"status", cards_.status_name(now.status)}, {"to", cards_.status_name(wanted)}};
    if (!tickets::is_open(now.status)) {
        say(out, "officer_ticket_finished", values);
    } else if (wanted == Status::accepted && (now.status == Status::accepted || now.status == Status::in_progress)) {
        values["officer"] = !now.assigned_officer_name.empty() ? now.assigned_officer_name
                                                               : profiles_.display_name(now.assigned_officer);
        say(out, "officer_already_taken", values);
    } else {
        say(out, "officer_not_allowed", values);
    }
}

void OfficerHandler::notify_residents(const tickets::Ticket& ticket) {
    std::string body =
        templates::fill_placeholders(config_.text("resident_status_update"), {{"id", ticket.id},
                                                             {"category", cards_.category_label(ticket)},
                                                             {"status", cards_.status_name(ticket.status)},
                                                             {"date", thai_datetime(ticket.updated_ms)}});
    if (ticket.status == Status::forwarded)
        body += "\n" + templates::fill_placeholders(config_.text("resident_forwarded_line"),
                                   {{"department", cards_.department_name(ticket.department)}});
    if (ticket.status == Status::closed)
        body += "\n" + templates::fill_placeholders(config_.text("resident_closed_line"),
                                   {{"reason", cards_.close_reason_name(ticket.close_reason)}});
    if (ticket.status == Status::done && !ticket.resolution_note.empty())
        body += "\n" + templates::fill_placeholders(config_.text("resident_note_line"), {{"note", ticket.resolution_note}});

    std::vector<std::string> recipients;
    std::set<std::string> seen;
    if (!ticket.reporter_user_id.empty()) recipients.push_back(ticket.reporter_user_id);
    recipients.insert(recipients.end(), ticket.followers.begin(), ticket.followers.end());
    for (const auto& user : recipients) {
        if (user.empty() || !seen.insert(user).second) continue;
        std::vector<std::string> messages;
        if (ticket.status == Status::done && !ticket.after_photo_tokens.empty())
            messages.push_back(json::to_string(image_message(media_.public_url(ticket.after_photo_tokens.front()))));
        bool ask_rating = ticket.status == Status::done && user == ticket.reporter_user_id;
        auto message = text_message(ask_rating ? body + "\n\n" + config_.text("resident_rate_prompt") : body);
        if (ask_rating) {
            std::vector<PostbackChoice> stars;
            for (int n = 1; n <= 5; ++n) {
                std::string label = templates::fill_placeholders(config_.text("rate_star_label"), {{"stars", std::to_string(n)}});
                stars.push_back({label, "rate=" + ticket.id + "&stars=" + std::to_string(n), label});
            }
            attach_postback_quick_reply(message, stars);
        }
        messages.push_back(json::to_string(message));
        notifier_.push(user, messages,
                       "status:" + ticket.id + ":" + std::to_string(ticket.history.size()) + ":" + user);
    }
}

void OfficerHandler::show_backlog(const line::Event& event, const config::Department& department, Responder& out) {
    auto open = tickets_.open_by_department(department.key, kBacklogLimit);
    if (open.empty()) {
        say(out, "officer_backlog_empty", {{"department", department.name}});
        return;
    }
    std::vector<json::Document> bubbles;
    for (const auto& ticket : open) bubbles.push_back(cards_.officer_bubble(ticket));
    auto message = carousel_message(
        bubbles, templates::fill_placeholders(config_.text("officer_backlog_alt"),
                             {{"department", department.name}, {"count", std::to_string(open.size())}}));
    out.send(json::to_string(message));
}

std::string OfficerHandler::officer_name(const config::Officer& officer) {
    if (!officer.name.empty()) return officer.name;
    auto name = profiles_.display_name(officer.user_id);
    return name.empty() ? log::mask_id(officer.user_id) : name;
}

bool OfficerHandler::is_officer_anywhere(const std::string& user_id) const {
    for (const auto& department : config_.departments)
        if (department.officer(user_id)) return true;
    return false;
}

void OfficerHandler::say(Responder& out, const std::string& text_key, const templates::Values& values) {
    out.send(json::to_string(text_message(templates::fill_placeholders(config_.text(text_key), values))));
}

std::string OfficerHandler::skip_word() const { return config_.text("skip_word"); }

}  // namespace thesaban::handlers
