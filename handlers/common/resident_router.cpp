#include "handlers/common/resident_router.h"

#include <algorithm>

#include "handlers/common/flow_steps.h"
#include "handlers/common/main_menu.h"

namespace thesaban::handlers {

ResidentRouter::ResidentRouter(ConversationStore& store, const IntentClassifier& classifier, std::vector<Flow*> flows,
                               const config::Config& config)
    : store_(store), classifier_(classifier), flows_(std::move(flows)), config_(config) {}

Flow* ResidentRouter::find(const std::string& name) const {
    for (Flow* flow : flows_)
        if (flow->name() == name) return flow;
    return nullptr;
}

Flow* ResidentRouter::flow_for_postback(std::string_view data) const {
    for (Flow* flow : flows_)
        if (flow->accepts_postback(data)) return flow;
    return nullptr;
}

Flow* ResidentRouter::flow_for_text(std::string_view text) const {
    std::string intent = classifier_.classify(text);
    for (Flow* flow : flows_) {
        auto intents = flow->intents();
        if (std::find(intents.begin(), intents.end(), intent) != intents.end()) return flow;
    }
    return nullptr;
}

void ResidentRouter::send_cancelled(Responder& out) const {
    json::Document message = text_message(config_.text("flow_cancelled"));
    attach_quick_reply(message, config_.main_menu);
    out.send(json::to_string(message));
}

void ResidentRouter::run(Flow& flow, bool resume, const line::Event& event, const std::string& key,
                         json::Document& state, Responder& out) {
    FlowContext context{event, key, state, out};
    if (resume)
        flow.resume(context);
    else
        flow.start(context);
    if (context.finished || !state.IsObject() || !state.HasMember("flow"))
        store_.clear(key);
    else
        store_.save(key, json::to_string(state));
}

bool ResidentRouter::handle(const line::Event& event, Responder& out) {
    if (event.source.type != line::Source::Type::user || event.source.user_id.empty()) return false;
    if (event.kind != line::EventKind::message && event.kind != line::EventKind::postback) return false;
    const std::string& key = event.source.user_id;

    if (is_cancel_input(event, config_)) {
        // Also when nothing is in progress (e.g. it expired): the resident still deserves an answer.
        store_.clear(key);
        send_cancelled(out);
        return true;
    }

    StepInput input = read_step_input(event);
    json::Document state;
    Flow* current = nullptr;
    if (auto saved = store_.load(key)) {
        if (json::parse(*saved, state) && state.IsObject()) {
            current = find(std::string(json::get_string(state, "flow").value_or("")));
        }
        if (!current) store_.clear(key);  // unreadable, or a flow this build does not have
    }

    if (input.kind == StepInput::Kind::postback) {
        // A button of another conversation (e.g. "track=…" offered by the streetlight flow) is an
        // explicit choice: it takes over from the conversation in progress, or starts one.
        Flow* owner = flow_for_postback(input.text);
        if (owner && owner != current) {
            json::Document fresh;
            fresh.SetObject();
            run(*owner, false, event, key, fresh, out);
            return true;
        }
    }
    if (current) {
        run(*current, true, event, key, state, out);
        return true;
    }
    if (input.kind == StepInput::Kind::text) {
        if (Flow* flow = flow_for_text(input.text)) {
            json::Document fresh;
            fresh.SetObject();
            run(*flow, false, event, key, fresh, out);
            return true;
        }
    }
    return false;
}

}  // namespace thesaban::handlers
