#pragma once
// How a ticket looks in LINE: the officers' card (the department group's work item, with the
// action buttons) and the resident's bubble (what "ติดตามเรื่อง" shows). Layouts live in
// templates/officer_ticket_card.json and templates/resident_ticket.json, wording in config texts.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.h"
#include "core/json.h"
#include "handlers/common/ports.h"
#include "templates/template_library.h"
#include "tickets/ticket.h"

namespace thesaban::handlers {

// "สมศรี ใจดี" -> "สมศรี ใ…": colleagues can tell reporters apart without the full name (PDPA).
std::string mask_person_name(std::string_view name);

// A quick reply button that posts back `data` (shown in the chat as `display_text`).
struct PostbackChoice {
    std::string label;  // clamped to 20 UTF-16 units (LINE's limit)
    std::string data;
    std::string display_text;
};
// Adds `quickReply` with postback actions (at most 13, LINE's limit).
void attach_postback_quick_reply(json::Document& message, const std::vector<PostbackChoice>& choices);

// A flex carousel message of the given bubbles (LINE shows at most 12; callers pass ≤ 10).
json::Document carousel_message(std::vector<json::Document>& bubbles, const std::string& alt_text);

class TicketCards {
public:
    TicketCards(const config::Config& config, const templates::TemplateLibrary& templates, const MediaStore& media);

    // The officers' card as a flex message, and as a bare bubble for a carousel.
    json::Document officer_card(const tickets::Ticket& ticket) const;
    json::Document officer_bubble(const tickets::Ticket& ticket) const;
    // The resident's view of one ticket, as a bare bubble for a carousel.
    json::Document resident_bubble(const tickets::Ticket& ticket) const;

    const std::string& status_name(tickets::Status status) const;
    std::string close_reason_name(std::string_view reason_key) const;
    // "ถนน/ทางเท้า", or "ไฟฟ้าสาธารณะ: ดับทั้งต้น" for a streetlight.
    std::string category_label(const tickets::Ticket& ticket) const;
    std::string department_name(const std::string& key) const;

private:
    templates::Values common_values(const tickets::Ticket& ticket) const;

    const config::Config& config_;
    const templates::TemplateLibrary& templates_;
    const MediaStore& media_;
};

}  // namespace thesaban::handlers
