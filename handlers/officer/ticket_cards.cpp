#include "handlers/officer/ticket_cards.h"

#include <cstdio>
#include <utility>

#include "core/log.h"
#include "core/text.h"
#include "core/thai_date.h"
#include "handlers/common/main_menu.h"

namespace thesaban::handlers {
namespace {

// A placeholder value that removes the component holding it: an optional row (no phone, no
// location, no description) or the hero image (no photo). Control characters never occur in
// wording, so it cannot collide with real text.
const std::string kDrop =
    "\x1f"
    "drop";

bool contains_drop(const json::Value& v) {
    if (v.IsString()) return std::string_view(v.GetString(), v.GetStringLength()).find(kDrop) != std::string_view::npos;
    if (v.IsObject()) {
        for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it)
            if (contains_drop(it->value)) return true;
    } else if (v.IsArray()) {
        for (const auto& e : v.GetArray())
            if (contains_drop(e)) return true;
    }
    return false;
}

// Top-down: the first array on the way removes the whole element (a row, a button), and "hero"
// goes as a whole. Templates keep optional rows as direct children of a box's contents.
void drop_marked(json::Value& v) {
    if (v.IsObject()) {
        auto hero = v.FindMember("hero");
        if (hero != v.MemberEnd() && contains_drop(hero->value)) v.RemoveMember(hero);
        for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) drop_marked(it->value);
    } else if (v.IsArray()) {
        for (auto it = v.Begin(); it != v.End();) {
            if (contains_drop(*it)) {
                it = v.Erase(it);
            } else {
                drop_marked(*it);
                ++it;
            }
        }
    }
}

std::string or_drop(const std::string& value) { return text::trim(value).empty() ? kDrop : value; }

std::string coordinate(double value) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6f", value);
    return buf;
}

// The bare bubble of a rendered flex message.
json::Document bubble_of(json::Document message) {
    json::Document bubble;
    auto contents = message.FindMember("contents");
    if (contents != message.MemberEnd()) bubble.CopyFrom(contents->value, bubble.GetAllocator());
    return bubble;
}

}  // namespace

std::string mask_person_name(std::string_view name) {
    std::string trimmed = text::trim(name);
    auto space = trimmed.find(' ');
    if (space == std::string::npos) return trimmed;
    std::string first = trimmed.substr(0, space);
    std::string rest = text::trim(std::string_view(trimmed).substr(space + 1));
    if (rest.empty()) return first;
    // One UTF-8 character of the surname: the lead byte and its continuation bytes.
    std::size_t n = 1;
    while (n < rest.size() && (static_cast<unsigned char>(rest[n]) & 0xC0) == 0x80) ++n;
    return first + " " + rest.substr(0, n) + "…";
}

void attach_postback_quick_reply(json::Document& message, const std::vector<PostbackChoice>& choices) {
    auto& a = message.GetAllocator();
    json::Value items(rapidjson::kArrayType);
    for (const auto& choice : choices) {
        if (items.Size() >= 13) break;
        json::Value action(rapidjson::kObjectType);
        action.AddMember("type", "postback", a);
        action.AddMember("label", json::make_string(text::truncate_utf16(choice.label, 20), a), a);
        action.AddMember("data", json::make_string(choice.data, a), a);
        if (!choice.display_text.empty())
            action.AddMember("displayText", json::make_string(text::truncate_utf16(choice.display_text, 300), a), a);
        items.PushBack(quick_reply_item(std::move(action), a), a);
    }
    set_quick_reply(message, items);
}

json::Document carousel_message(std::vector<json::Document>& bubbles, const std::string& alt_text) {
    json::Document message;
    message.SetObject();
    auto& a = message.GetAllocator();
    json::Value list(rapidjson::kArrayType);
    for (auto& bubble : bubbles) {
        if (list.Size() >= 12) break;
        list.PushBack(json::Value(bubble, a), a);
    }
    json::Value carousel(rapidjson::kObjectType);
    carousel.AddMember("type", "carousel", a);
    carousel.AddMember("contents", list, a);
    message.AddMember("type", "flex", a);
    message.AddMember("altText", json::make_string(text::truncate_utf16(alt_text, 1500), a), a);
    message.AddMember("contents", carousel, a);
    return message;
}

TicketCards::TicketCards(const config::Config& config, const templates::TemplateLibrary& templates,
                         const MediaStore& media)
    : config_(config), templates_(templates), media_(media) {}

const std::string& TicketCards::status_name(tickets::Status status) const {
    return config_.text(std::string("status_") + tickets::status_key(status));
}

std::string TicketCards::close_reason_name(std::string_view reason_key) const {
    const auto& name = config_.text("close_reason_" + std::string(reason_key));
    return name.empty() ? std::string(reason_key) : name;
}

std::string TicketCards::category_label(const tickets::Ticket& ticket) const {
    if (ticket.kind == "streetlight") {
        std::string label = config_.text("category_streetlight");
        for (const auto& fault : config_.streetlight.faults)
            if (fault.key == ticket.fault) return label + ": " + fault.label;
        return label;
    }
    for (const auto& category : config_.complaint_categories)
        if (category.key == ticket.category) return category.label;
    return ticket.category;
}

std::string TicketCards::department_name(const std::string& key) const {
    const auto* department = config_.department(key);
    return department ? department->name : key;
}

templates::Values TicketCards::common_values(const tickets::Ticket& ticket) const {
    std::string place = ticket.place_text;
    if (ticket.location) {
        const auto& where = !ticket.location->title.empty() ? ticket.location->title : ticket.location->address;
        if (!where.empty()) place = place.empty() ? where : place + " (" + where + ")";
    }
    return {{"id", ticket.id},
            {"category", or_drop(category_label(ticket))},
            {"status", status_name(ticket.status)},
            {"department", department_name(ticket.department)},
            {"date", thai_datetime(ticket.created_ms)},
            {"description", or_drop(ticket.description)},
            {"place", or_drop(place)},
            {"label_category", config_.text("card_label_category")},
            {"label_department", config_.text("card_label_department")},
            {"label_date", config_.text("card_label_date")},
            {"label_place", config_.text("card_label_place")}};
}

json::Document TicketCards::officer_card(const tickets::Ticket& ticket) const {
    auto values = common_values(ticket);
    values["title"] = config_.text("officer_card_title");
    values["label_status"] = config_.text("card_label_status");
    values["label_reporter"] = config_.text("card_label_reporter");
    values["label_phone"] = config_.text("card_label_phone");
    values["reporter"] = or_drop(mask_person_name(ticket.reporter_name));
    values["phone"] = ticket.phone.empty() ? kDrop : log::mask_digits(ticket.phone);
    values["photo_url"] = ticket.photo_tokens.empty() ? kDrop : media_.public_url(ticket.photo_tokens.front());
    values["latitude"] = ticket.location ? coordinate(ticket.location->latitude) : kDrop;
    values["longitude"] = ticket.location ? coordinate(ticket.location->longitude) : kDrop;
    values["map_label"] = config_.text("card_map_link");
    values["button_accept"] = config_.text("officer_button_accept");
    values["button_progress"] = config_.text("officer_button_progress");
    values["button_done"] = config_.text("officer_button_done");
    values["button_forward"] = config_.text("officer_button_forward");
    values["button_close"] = config_.text("officer_button_close");
    values["alt_text"] =
        templates::fill_placeholders(config_.text("officer_card_alt"),
                    {{"id", ticket.id}, {"category", category_label(ticket)}, {"status", status_name(ticket.status)}});
    auto message = templates_.render("officer_ticket_card", values);
    drop_marked(message);
    return message;
}

json::Document TicketCards::officer_bubble(const tickets::Ticket& ticket) const {
    return bubble_of(officer_card(ticket));
}

json::Document TicketCards::resident_bubble(const tickets::Ticket& ticket) const {
    auto values = common_values(ticket);
    values["label_updated"] = config_.text("card_label_updated");
    values["updated"] = thai_datetime(ticket.updated_ms ? ticket.updated_ms : ticket.created_ms);
    values["note"] = ticket.resolution_note.empty()
                         ? kDrop
                         : templates::fill_placeholders(config_.text("resident_card_note"), {{"note", ticket.resolution_note}});
    values["close_reason"] = ticket.status == tickets::Status::closed && !ticket.close_reason.empty()
                                 ? templates::fill_placeholders(config_.text("resident_card_close_reason"),
                                               {{"reason", close_reason_name(ticket.close_reason)}})
                                 : kDrop;
    values["rating"] = ticket.rating > 0 ? templates::fill_placeholders(config_.text("resident_card_rating"),
                                                       {{"stars", std::to_string(ticket.rating)}})
                                         : kDrop;
    values["alt_text"] = ticket.id;
    auto message = templates_.render("resident_ticket", values);
    drop_marked(message);
    return bubble_of(std::move(message));
}

}  // namespace thesaban::handlers
