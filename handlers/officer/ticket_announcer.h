#pragma once
// A new ticket arrives in its department's LINE group as the officers' card.
#include "config/config.h"
#include "handlers/common/ports.h"
#include "handlers/officer/ticket_cards.h"
#include "templates/template_library.h"

namespace thesaban::handlers {

class GroupTicketAnnouncer final : public TicketAnnouncer {
public:
    GroupTicketAnnouncer(const config::Config& config, const templates::TemplateLibrary& templates,
                         const MediaStore& media, Notifier& notifier);
    // Durable push of the card to the ticket's department group; `dedup_key` makes a repeat a no-op.
    void ticket_created(const tickets::Ticket& ticket, const std::string& dedup_key) override;

private:
    const config::Config& config_;
    TicketCards cards_;
    Notifier& notifier_;
};

}  // namespace thesaban::handlers
