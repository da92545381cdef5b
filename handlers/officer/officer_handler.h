#pragma once
// The officers' side of a ticket, in the department's LINE group (or 1:1 with the bot): the
// card's buttons, the note and after-photo when work is done, forwarding and closing, and the
// "งานค้าง" list. Every change is a compare-and-set on the TicketStore, so two officers pressing
// at once can never both win; the reporter and followers are told of every change by durable push.
//
// Postbacks (from the card and the quick replies this handler sends):
//   ticket=<id>&do=accept | progress | done | forward | close
//   ticket=<id>&do=forward&to=<department key>
//   ticket=<id>&do=close&reason=out_of_scope | duplicate | cancelled_by_reporter
// The resident's push after done offers rate=<id>&stars=1..5 (answered by TrackingFlow).
//
// Place it before the resident router: it takes an officer's messages only while that officer has
// a "done" note pending (conversation key: chat id + ":" + user id), and "งานค้าง" in a department group.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/json.h"
#include "handlers/common/conversation.h"
#include "handlers/common/ports.h"
#include "handlers/officer/ticket_cards.h"
#include "templates/template_library.h"
#include "tickets/ticket_store.h"

namespace thesaban::handlers {

class OfficerHandler final : public EventHandler {
public:
    OfficerHandler(const config::Config& config, const templates::TemplateLibrary& templates,
                   tickets::TicketStore& tickets, ConversationStore& conversations, Notifier& notifier,
                   MediaStore& media, const Clock& clock, ProfileLookup& profiles);

    bool handle(const line::Event& event, Responder& out) override;

private:
    using Params = std::map<std::string, std::string>;

    void on_ticket_postback(const line::Event& event, const Params& params, Responder& out);
    void on_done_conversation(const line::Event& event, json::Document& state, const std::string& key, Responder& out);
    void finish_done(const line::Event& event, const json::Document& state, const std::string& note,
                     const std::vector<std::string>& photos, Responder& out);
    void show_backlog(const line::Event& event, const config::Department& department, Responder& out);

    // Finds the ticket and checks the sender may act on it; answers the refusal itself otherwise.
    const config::Officer* authorize(const line::Event& event, const std::optional<tickets::Ticket>& ticket,
                                     const std::string& ticket_id, Responder& out);
    void apply(tickets::TransitionRequest request, Responder& out);
    void refuse_change(const tickets::Ticket& now, tickets::Status wanted, Responder& out);
    void notify_residents(const tickets::Ticket& ticket);

    std::string officer_name(const config::Officer& officer);
    bool is_officer_anywhere(const std::string& user_id) const;
    void say(Responder& out, const std::string& text_key, const templates::Values& values);
    std::string skip_word() const;

    const config::Config& config_;
    TicketCards cards_;
    tickets::TicketStore& tickets_;
    ConversationStore& conversations_;
    Notifier& notifier_;
    MediaStore& media_;
    const Clock& clock_;
    ProfileLookup& profiles_;
};

// "ticket=PNK-2569-000001&do=accept" -> {ticket: ..., do: accept}; later duplicates are ignored.
std::map<std::string, std::string> parse_postback_data(std::string_view data);

// The key of an officer's own conversation inside a chat: chat id + ":" + user id.
std::string officer_conversation_key(const line::Source& source);

}  // namespace thesaban::handlers
