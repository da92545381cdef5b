#include "handlers/tracking/tracking_flow.h"

#include <algorithm>
#include <charconv>

#include "core/log.h"
#include "core/text.h"
#include "handlers/common/main_menu.h"
#include "handlers/officer/officer_handler.h"

namespace thesaban::handlers {
namespace {

constexpr std::size_t kMaxTickets = 10;
constexpr std::size_t kMaxCommentUnits = 1000;

const line::Postback* postback_of(const line::Event& event) {
    return event.kind == line::EventKind::postback ? std::get_if<line::Postback>(&event.payload) : nullptr;
}

bool is_ours(std::string_view data) { return data.rfind("rate=", 0) == 0 || data.rfind("track=", 0) == 0; }

int parse_stars(const std::string& value) {
    int stars = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), stars);
    if (ec != std::errc() || end != value.data() + value.size()) return 0;
    return stars;
}

void set_member(json::Document& state, const char* key, const std::string& value) {
    auto& a = state.GetAllocator();
    state.RemoveMember(key);
    state.AddMember(json::Value(key, a), json::make_string(value, a), a);
}

}  // namespace

TrackingFlow::TrackingFlow(const config::Config& config, const templates::TemplateLibrary& templates,
                           tickets::TicketStore& tickets, const MediaStore& media, const Clock& clock)
    : config_(config), cards_(config, templates, media), tickets_(tickets), clock_(clock) {}

bool TrackingFlow::accepts_postback(std::string_view data) const { return is_ours(data); }

void TrackingFlow::start(FlowContext& context) {
    if (!context.state.IsObject()) context.state.SetObject();
    set_member(context.state, "flow", name());
    if (on_postback(context)) return;
    if (const Understanding* u = context.understanding) {
        // "PNK-2569-000003", "ติดตาม pnk-๒๕๖๙-๐๐๐๐๐๔": just that ticket.
        if (u->entities.ticket_number) {
            on_track(context, {{"track", *u->entities.ticket_number}});
            return;
        }
        if (u->entities.rating && on_typed_rating(context, *u->entities.rating)) return;
    }
    show_tickets(context);
}

bool TrackingFlow::keeps_draft(const json::Document& state) const {
    return json::get_string(state, "step").value_or("") == "comment";
}

void TrackingFlow::reprompt(FlowContext& context) {
    if (!context.state.IsObject() || json::get_string(context.state, "step").value_or("") != "comment") {
        show_tickets(context);
        return;
    }
    ask_comment(context, parse_stars(std::string(json::get_string(context.state, "stars").value_or(""))));
}

bool TrackingFlow::on_typed_rating(FlowContext& context, int stars) {
    const auto& user = context.event.source.user_id;
    for (const auto& ticket : tickets_.by_reporter(user, kMaxTickets)) {
        if (ticket.status == tickets::Status::done && ticket.rating == 0) {
            on_rate(context, {{"rate", ticket.id}, {"stars", std::to_string(stars)}});
            return true;
        }
    }
    return false;
}

void TrackingFlow::resume(FlowContext& context) {
    if (!context.state.IsObject()) context.state.SetObject();
    // A rating or follow button pressed mid-conversation starts over with that button.
    if (on_postback(context)) return;
    if (json::get_string(context.state, "step").value_or("") == "comment") {
        on_comment(context);
        return;
    }
    show_tickets(context);
}

bool TrackingFlow::on_postback(FlowContext& context) {
    const auto* postback = postback_of(context.event);
    if (!postback || !is_ours(postback->data)) return false;
    auto params = parse_postback_data(postback->data);
    if (postback->data.rfind("rate=", 0) == 0)
        on_rate(context, params);
    else
        on_track(context, params);
    return true;
}

void TrackingFlow::show_tickets(FlowContext& context) {
    context.finished = true;
    auto mine = tickets_.by_reporter(context.event.source.user_id, kMaxTickets);
    if (mine.empty()) {
        say(context, "tracking_none", {}, true);
        return;
    }
    std::vector<json::Document> bubbles;
    for (const auto& ticket : mine) bubbles.push_back(cards_.resident_bubble(ticket));
    auto message =
        carousel_message(bubbles, templates::fill_placeholders(config_.text("tracking_alt"), {{"count", std::to_string(mine.size())}}));
    attach_quick_reply(message, config_.main_menu);
    context.out.send(json::to_string(message));
}

void TrackingFlow::on_track(FlowContext& context, const Params& params) {
    context.finished = true;
    const auto& user = context.event.source.user_id;
    auto id_it = params.find("track");
    std::string id = id_it == params.end() ? std::string() : id_it->second;
    auto follow_it = params.find("follow");
    if (follow_it != params.end() && follow_it->second == "1") {
        if (id.empty() || user.empty() || !tickets_.follow(id, user)) {
            say(context, "tracking_follow_failed", {}, true);
            return;
        }
        auto ticket = tickets_.get(id);
        log::info("tracking", "ticket followed", {{"user", log::mask_id(user)}, {"ticket", id}});
        say(context, "tracking_follow_ok",
            {{"id", id}, {"status", ticket ? cards_.status_name(ticket->status) : std::string()}}, true);
        return;
    }
    auto ticket = id.empty() ? std::nullopt : tickets_.get(id);
    bool related = ticket && !user.empty() &&
                   (ticket->reporter_user_id == user ||
                    std::find(ticket->followers.begin(), ticket->followers.end(), user) != ticket->followers.end());
    if (!related) {
        say(context, "tracking_not_yours", {}, true);
        return;
    }
    std::vector<json::Document> bubbles;
    bubbles.push_back(cards_.resident_bubble(*ticket));
    auto message = carousel_message(bubbles, ticket->id + " " + cards_.status_name(ticket->status));
    attach_quick_reply(message, config_.main_menu);
    context.out.send(json::to_string(message));
}

void TrackingFlow::on_rate(FlowContext& context, const Params& params) {
    const auto& user = context.event.source.user_id;
    auto id_it = params.find("rate");
    auto stars_it = params.find("stars");
    std::string id = id_it == params.end() ? std::string() : id_it->second;
    int stars = stars_it == params.end() ? 0 : parse_stars(stars_it->second);
    auto ticket = id.empty() ? std::nullopt : tickets_.get(id);
    // Checked before asking for a comment, so nobody types one only to be refused.
    if (!ticket || user.empty() || ticket->reporter_user_id != user || ticket->status != tickets::Status::done ||
        ticket->rating != 0 || stars < 1 || stars > 5) {
        log::warn("tracking", "rating refused", {{"user", log::mask_id(user)}, {"ticket", id}});
        context.finished = true;
        say(context, "tracking_rate_refused", {}, true);
        return;
    }
    set_member(context.state, "step", "comment");
    set_member(context.state, "ticket", ticket->id);
    set_member(context.state, "stars", std::to_string(stars));
    context.finished = false;
    ask_comment(context, stars);
}

void TrackingFlow::ask_comment(FlowContext& context, int stars) {
    auto message =
        text_message(templates::fill_placeholders(config_.text("tracking_rate_ask_comment"), {{"stars", std::to_string(stars)}}));
    const auto& skip = config_.text("skip_word");
    attach_quick_reply(message, {{skip, skip}});
    context.out.send(json::to_string(message));
}

void TrackingFlow::on_comment(FlowContext& context) {
    context.finished = true;
    const auto* content = std::get_if<line::MessageContent>(&context.event.payload);
    const auto* body = content ? std::get_if<line::TextMessage>(&content->body) : nullptr;
    std::string comment = body ? text::trim(body->text) : std::string();
    if (comment == config_.text("skip_word")) comment.clear();
    comment = text::truncate_utf16(comment, kMaxCommentUnits);
    std::string id(json::get_string(context.state, "ticket").value_or(""));
    int stars = parse_stars(std::string(json::get_string(context.state, "stars").value_or("")));
    if (!tickets_.rate(id, context.event.source.user_id, stars, comment, clock_.now_ms())) {
        say(context, "tracking_rate_refused", {}, true);
        return;
    }
    log::info("tracking", "ticket rated", {{"ticket", id}, {"stars", std::to_string(stars)}});
    say(context, "tracking_rate_thanks", {}, true);
}

void TrackingFlow::say(FlowContext& context, const std::string& text_key, const templates::Values& values,
                       bool with_menu) {
    auto message = text_message(templates::fill_placeholders(config_.text(text_key), values));
    if (with_menu) attach_quick_reply(message, config_.main_menu);
    context.out.send(json::to_string(message));
}

}  // namespace thesaban::handlers
