#pragma once
// "ติดตามเรื่อง": a resident's own tickets (newest first, with status and date), following someone
// else's open report of the same problem, and rating a finished ticket 1–5 with an optional comment.
//
// Postbacks it answers with no state of its own:
//   track=<id>&follow=1   follow an open ticket (told of its changes like the reporter)
//   track=<id>            show one ticket the resident reported or follows
//   rate=<id>&stars=1..5  the reporter rates a done ticket (offered in the "done" push)
// The rating is stored once, after the optional comment (TicketStore::rate accepts one rating).
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "handlers/common/flow.h"
#include "handlers/common/ports.h"
#include "handlers/officer/ticket_cards.h"
#include "templates/template_library.h"
#include "tickets/ticket_store.h"

namespace thesaban::handlers {

class TrackingFlow final : public Flow {
public:
    TrackingFlow(const config::Config& config, const templates::TemplateLibrary& templates,
                 tickets::TicketStore& tickets, const MediaStore& media, const Clock& clock);

    std::string name() const override { return "tracking"; }
    std::vector<std::string> intents() const override { return {"status"}; }
    bool accepts_postback(std::string_view data) const override;
    void start(FlowContext& context) override;
    void resume(FlowContext& context) override;
    void reprompt(FlowContext& context) override;
    // A rating waiting for its comment is kept when the resident turns to something else.
    bool keeps_draft(const json::Document& state) const override;

private:
    using Params = std::map<std::string, std::string>;

    bool on_postback(FlowContext& context);
    void show_tickets(FlowContext& context);
    void on_track(FlowContext& context, const Params& params);
    void on_rate(FlowContext& context, const Params& params);
    void on_comment(FlowContext& context);
    void ask_comment(FlowContext& context, int stars);
    // "๕" typed after the rating push: the resident's latest done ticket not yet rated.
    bool on_typed_rating(FlowContext& context, int stars);
    void say(FlowContext& context, const std::string& text_key, const templates::Values& values, bool with_menu);

    const config::Config& config_;
    TicketCards cards_;
    tickets::TicketStore& tickets_;
    const Clock& clock_;
};

}  // namespace thesaban::handlers
