#pragma once
// Routes a resident's 1:1 messages and postbacks to the conversation (Flow) they belong to: the
// one in progress, else the flow a postback button belongs to, else the flow the text's intent
// starts (as the IntentClassifier understands it; the flow gets the sub-labels and entities). "ยกเลิก" at any point ends the conversation. Anything it does not take is left to the
// next handler (GreetingHandler answers with help).
#include <vector>

#include "config/config.h"
#include "handlers/common/conversation.h"
#include "handlers/common/flow.h"
#include "handlers/common/ports.h"

namespace thesaban::handlers {

class ResidentRouter final : public EventHandler {
public:
    ResidentRouter(ConversationStore& store, const IntentClassifier& classifier, std::vector<Flow*> flows,
                   const config::Config& config);

    bool handle(const line::Event& event, Responder& out) override;

private:
    Flow* find(const std::string& name) const;
    Flow* flow_for_postback(std::string_view data) const;
    Flow* flow_for_intent(const std::string& intent) const;
    // Runs `flow` (start or resume) and keeps or drops the state it leaves.
    void run(Flow& flow, bool resume, const line::Event& event, const std::string& key, json::Document& state,
             Responder& out, const Understanding* understanding = nullptr);
    void send_cancelled(Responder& out) const;

    ConversationStore& store_;
    const IntentClassifier& classifier_;
    std::vector<Flow*> flows_;
    const config::Config& config_;
};

}  // namespace thesaban::handlers
