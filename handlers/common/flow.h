#pragma once
// A resident conversation that spans several messages (a complaint, a streetlight report, a
// rating). The ResidentRouter loads the chat's state, picks the flow and saves what it leaves.
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "handlers/common/conversation.h"
#include "handlers/common/understanding.h"

namespace thesaban::handlers {

struct FlowContext {
    const line::Event& event;
    std::string conversation_key;
    // This flow's state, {"flow": name, ...}; the flow edits it in place. Empty object on start.
    json::Document& state;
    Responder& out;
    bool finished = false;  // set by the flow when the conversation is over (state is dropped)
    // What the text that started the flow was read as; null when a postback or a saved state led here.
    const Understanding* understanding = nullptr;
    // Set by the router on a first try: a flow that cannot use a text at its step calls decline()
    // instead of apologising, so the router can see whether the resident means something else
    // (a tax question while a phone number is asked). A declined run's answers are not sent.
    bool may_decline = false;
    bool declined = false;
    bool decline() {
        if (!may_decline) return false;
        declined = true;
        return true;
    }
    // What the resident sent before any flow could take it (a photo, a location), as
    // [{"kind":"image","id":...} | {"kind":"location","lat","lng","title","address"}]; a flow that
    // has a step for it keeps it there. Null when there is none.
    const json::Value* early = nullptr;
    // Set by the router while a flow is in progress when the text reads clearly as another
    // flow's intent; a step that takes free text (a typed place) declines it then.
    bool other_intent = false;
};

class Flow {
public:
    virtual ~Flow() = default;
    virtual std::string name() const = 0;
    // Intents (see IntentClassifier) that start this flow.
    virtual std::vector<std::string> intents() const = 0;
    // Postback data this flow answers even with no state of its own (e.g. "rate=...").
    virtual bool accepts_postback(std::string_view data) const { return false; }
    virtual void start(FlowContext& context) = 0;
    virtual void resume(FlowContext& context) = 0;
    // Asks the question of the step in progress again ("ทำต่อ" after an interruption or a timeout).
    virtual void reprompt(FlowContext& context) { resume(context); }
    // Whether the state in progress holds answers worth keeping when the resident turns to
    // something else: the router then parks it and offers to go on with it.
    virtual bool keeps_draft(const json::Document& state) const { return false; }
};

class IntentClassifier {
public:
    virtual ~IntentClassifier() = default;
    // One of config::known_intents().
    virtual std::string classify(std::string_view text) const = 0;
    // The intent with its sub-labels and entities; a classifier that only names intents gives just that.
    virtual Understanding understand(std::string_view text) const {
        Understanding u;
        u.intent = classify(text);
        return u;
    }
};

}  // namespace thesaban::handlers
