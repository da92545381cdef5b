#pragma once
// Routes a resident's 1:1 messages and postbacks to the conversation (Flow) they belong to: the
// one in progress, else the flow a postback button belongs to, else the flow the text's intent
// starts (as the IntentClassifier understands it; the flow gets the sub-labels and entities).
//
// No flow traps a resident:
//   - "ยกเลิก" ends everything at any step; the menu words, a typed ticket number and
//     "ขอคุยกับเจ้าหน้าที่" work at any step too.
//   - A text the step cannot use is first offered back to the router (FlowContext::decline): when
//     it reads as another flow's intent, that flow answers and the draft is parked with
//     "ทำต่อ" / "ทิ้งร่าง"; the second unusable answer at the same step gets the menu and a contact
//     instead of the same apology again.
//   - A button of another flow (a rating tap) parks the draft the same way; a stale button of the
//     engine says it is out of date; a draft left longer than conversation_idle says "หมดเวลา" and
//     can be resumed or started again.
//   - A photo or location sent with nothing in progress is kept and a report offered with it.
// Anything it does not take is left to the next handler (GreetingHandler answers with help).
#include <vector>

#include "config/config.h"
#include "handlers/common/conversation.h"
#include "handlers/common/flow.h"
#include "handlers/common/ports.h"

namespace thesaban::handlers {

class ResidentRouter final : public EventHandler {
public:
    // `store` must keep a conversation longer than config.conversation_idle (the router tells an
    // expired draft from a missing one by its own clock); `clock` says when.
    ResidentRouter(ConversationStore& store, const IntentClassifier& classifier, std::vector<Flow*> flows,
                   const config::Config& config, const Clock& clock);

    bool handle(const line::Event& event, Responder& out) override;

private:
    struct Session;

    Flow* find(const std::string& name) const;
    Flow* flow_for_postback(std::string_view data) const;
    Flow* flow_for_intent(const std::string& intent) const;
    // A text that works at any step: a menu word, a ticket number, "ขอคุยกับเจ้าหน้าที่".
    bool is_command(const std::string& text, const Understanding& understanding) const;

    // Runs `flow` on `state` with the session's responder; returns whether it declined the input.
    bool run(Session& session, Flow& flow, bool resume, json::Document& state, const Understanding* understanding,
             bool may_decline, bool other_intent = false);
    // Leaves the conversation in progress for `target` (started fresh): parks a draft worth keeping.
    void park_draft(Session& session, bool expired);
    void switch_to(Session& session, Flow& target, const Understanding* understanding);
    void resume_parked(Session& session, bool restart);
    void answer_miss(Session& session);
    void offer_parked(Session& session, const std::string& text_key);
    void send_cancelled(Responder& out) const;
    void send_text_with_menu(Session& session, const std::string& text_key);
    void save(Session& session);

    ConversationStore& store_;
    const IntentClassifier& classifier_;
    std::vector<Flow*> flows_;
    const config::Config& config_;
    const Clock& clock_;
};

// Drops quick reply items that repeat an action the message already shows (a flex button with the
// same label, or an earlier quick reply item), so each action is offered once per message.
std::string without_repeated_actions(const std::string& message_json);

}  // namespace thesaban::handlers
