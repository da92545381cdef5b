#include "handlers/common/resident_router.h"

#include <algorithm>

#include "handlers/common/flow_steps.h"
#include "handlers/common/main_menu.h"

namespace thesaban::handlers {
namespace {

// Passes answers on and keeps a copy, so they can be stored with the conversation.
class RecordingResponder final : public Responder {
public:
    explicit RecordingResponder(Responder& inner) : inner_(inner) {}
    void send(std::string message_json) override {
        sent.push_back(message_json);
        inner_.send(std::move(message_json));
    }
    std::vector<std::string> sent;

private:
    Responder& inner_;
};

// The conversation's record of the event it last answered: {"event": id, "messages": [json, ...]}.
constexpr const char* kLastAnswer = "last_answer";

void record_answer(json::Document& state, const std::string& event_id, const std::vector<std::string>& messages) {
    auto& a = state.GetAllocator();
    json::Value last(rapidjson::kObjectType);
    last.AddMember("event", json::Value(event_id.c_str(), static_cast<rapidjson::SizeType>(event_id.size()), a), a);
    json::Value list(rapidjson::kArrayType);
    for (const auto& m : messages)
        list.PushBack(json::Value(m.c_str(), static_cast<rapidjson::SizeType>(m.size()), a), a);
    last.AddMember("messages", list, a);
    if (state.HasMember(kLastAnswer)) state.RemoveMember(kLastAnswer);
    state.AddMember(json::Value(kLastAnswer, a), last, a);
}

// The answer stored for `event_id`, if this conversation's last answer was to that very event.
const json::Value* answer_for(const json::Document& state, const std::string& event_id) {
    if (event_id.empty() || !state.IsObject()) return nullptr;
    auto it = state.FindMember(kLastAnswer);
    if (it == state.MemberEnd() || !it->value.IsObject()) return nullptr;
    if (json::get_string(it->value, "event").value_or("") != event_id) return nullptr;
    return json::get_array(it->value, "messages");
}

}  // namespace

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

Flow* ResidentRouter::flow_for_intent(const std::string& intent) const {
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
                         json::Document& state, Responder& out, const Understanding* understanding) {
    RecordingResponder recording(out);
    FlowContext context{event, key, state, recording};
    context.understanding = understanding;
    if (resume)
        flow.resume(context);
    else
        flow.start(context);
    // The answer is stored with the conversation, in the same write: if the process dies before it
    // is delivered, the event runs again, finds its answer here and sends it as it was, instead of
    // reading the same input at the next step (or, after a ticket, as a message out of any flow).
    json::Document saved;
    if (context.finished || !state.IsObject() || !state.HasMember("flow"))
        saved.SetObject();  // finished: only the answer is kept, until the conversation would expire
    else
        saved.Swap(state);
    record_answer(saved, event.webhook_event_id, recording.sent);
    store_.save(key, json::to_string(saved));
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
        bool readable = json::parse(*saved, state) && state.IsObject();
        if (readable) {
            if (const json::Value* answered = answer_for(state, event.webhook_event_id)) {
                // This event was handled before and its answer stored, but it was not completed
                // (the process died): the same answer again, nothing handled twice.
                for (const auto& m : answered->GetArray())
                    if (m.IsString()) out.send(std::string(m.GetString(), m.GetStringLength()));
                return true;
            }
            current = find(std::string(json::get_string(state, "flow").value_or("")));
        }
        // Unreadable, or a flow this build does not have; a finished conversation's record (no flow)
        // is simply overwritten by the next one.
        if (!current && (!readable || state.HasMember("flow"))) store_.clear(key);
        if (!current) state.SetObject();
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
        const Understanding understanding = classifier_.understand(input.text);
        if (Flow* flow = flow_for_intent(understanding.intent)) {
            json::Document fresh;
            fresh.SetObject();
            run(*flow, false, event, key, fresh, out, &understanding);
            return true;
        }
    }
    return false;
}

}  // namespace thesaban::handlers
