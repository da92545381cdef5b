#include "handlers/officer/ticket_announcer.h"

#include "core/log.h"

namespace thesaban::handlers {

GroupTicketAnnouncer::GroupTicketAnnouncer(const config::Config& config, const templates::TemplateLibrary& templates,
                                           const MediaStore& media, Notifier& notifier)
    : config_(config), cards_(config, templates, media), notifier_(notifier) {}

void GroupTicketAnnouncer::ticket_created(const tickets::Ticket& ticket, const std::string& dedup_key) {
    const auto* department = config_.department(ticket.department);
    if (!department || department->group_id.empty()) {
        // Start-up validation should prevent this; the ticket is stored either way and shows in งานค้าง.
        log::error("officer", "no group for the ticket's department",
                   {{"ticket", ticket.id}, {"department", ticket.department}});
        return;
    }
    notifier_.push(department->group_id, {json::to_string(cards_.officer_card(ticket))}, dedup_key);
    log::info("officer", "ticket announced", {{"ticket", ticket.id}, {"department", department->key}});
}

}  // namespace thesaban::handlers
