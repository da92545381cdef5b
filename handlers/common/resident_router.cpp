#include "handlers/common/resident_router.h"

#include <algorithm>
#include <set>

#include "core/text.h"
#include "handlers/common/entities.h"
#include "handlers/common/flow_steps.h"
#include "handlers/common/main_menu.h"

namespace thesaban::handlers {
namespace {

constexpr std::size_t kMaxQuickReplyItems = 13;  // LINE's limit
constexpr std::size_t kMaxParked = 3;            // drafts kept aside; the oldest goes first
constexpr std::size_t kMaxCommandLength = 40;    // a ticket number or handover request, not a story
constexpr int kMissesBeforeMenu = 2;

// Holds the answers (each action offered once) until the event is handled, so the offer of a
// parked draft can join the last one, and they can be stored with the conversation.
class RecordingResponder final : public Responder {
public:
    explicit RecordingResponder(Responder& inner) : inner_(inner) {}
    void send(std::string message_json) override { sent.push_back(without_repeated_actions(message_json)); }
    void flush() {
        for (const auto& m : sent) inner_.send(m);
    }
    std::vector<std::string> sent;

private:
    Responder& inner_;
};

// The conversation's record of the event it last answered: {"event": id, "messages": [json, ...]}.
constexpr const char* kLastAnswer = "last_answer";
// The router's own part of the saved conversation, kept apart from the flow's state:
// {"touched": ms, "parked": [{"state": {...}, "expired": bool}], "misses": {"flow","step","count"},
//  "early": [...inputs sent before any flow...]}
constexpr const char* kRouter = "router";

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

json::Value& member(json::Document& doc, const char* key, rapidjson::Type type) {
    auto it = doc.FindMember(key);
    if (it == doc.MemberEnd() || it->value.GetType() != type) {
        if (it != doc.MemberEnd()) doc.RemoveMember(key);
        doc.AddMember(json::Value(key, doc.GetAllocator()), json::Value(type), doc.GetAllocator());
        it = doc.FindMember(key);
    }
    return it->value;
}

std::string step_of(const json::Document& state) {
    return state.IsObject() ? std::string(json::get_string(state, "step").value_or("")) : std::string();
}

void collect_labels(const json::Value& v, std::set<std::string>& labels, bool skip_quick_reply) {
    if (v.IsObject()) {
        for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
            std::string_view name(it->name.GetString(), it->name.GetStringLength());
            if (skip_quick_reply && name == "quickReply") continue;
            if (name == "action" && it->value.IsObject())
                if (auto label = json::get_string(it->value, "label")) labels.insert(std::string(*label));
            collect_labels(it->value, labels, false);
        }
    } else if (v.IsArray()) {
        for (const auto& item : v.GetArray()) collect_labels(item, labels, false);
    }
}

json::Value postback_item(const std::string& label, std::string_view data, json::Document::AllocatorType& a) {
    json::Value action(rapidjson::kObjectType);
    action.AddMember("type", "postback", a);
    action.AddMember("label", json::make_string(text::truncate_utf16(label, 20), a), a);
    action.AddMember("data", json::make_string(data, a), a);
    action.AddMember("displayText", json::make_string(label, a), a);
    return quick_reply_item(std::move(action), a);
}

json::Value message_item(const std::string& label, const std::string& typed, json::Document::AllocatorType& a) {
    json::Value action(rapidjson::kObjectType);
    action.AddMember("type", "message", a);
    action.AddMember("label", json::make_string(text::truncate_utf16(label, 20), a), a);
    action.AddMember("text", json::make_string(typed, a), a);
    return quick_reply_item(std::move(action), a);
}

}  // namespace

std::string without_repeated_actions(const std::string& message_json) {
    json::Document message;
    if (!json::parse(message_json, message) || !message.IsObject()) return message_json;
    auto qr = message.FindMember("quickReply");
    if (qr == message.MemberEnd() || !qr->value.IsObject()) return message_json;
    auto items = qr->value.FindMember("items");
    if (items == qr->value.MemberEnd() || !items->value.IsArray()) return message_json;
    std::set<std::string> shown;
    collect_labels(message, shown, true);
    bool changed = false;
    auto& list = items->value;
    for (rapidjson::SizeType i = 0; i < list.Size();) {
        const json::Value* action = json::get_object(list[i], "action");
        auto label = action ? json::get_string(*action, "label") : std::nullopt;
        if (label && !shown.insert(std::string(*label)).second) {
            list.Erase(list.Begin() + i);
            changed = true;
        } else {
            ++i;
        }
    }
    if (!changed) return message_json;
    if (list.Empty()) message.RemoveMember("quickReply");
    return json::to_string(message);
}

struct ResidentRouter::Session {
    Session(const line::Event& e, std::string k, Responder& inner) : event(e), key(std::move(k)), out(inner) {
        state.SetObject();
        meta.SetObject();
    }
    const line::Event& event;
    std::string key;
    RecordingResponder out;
    json::Document state;  // the flow in progress ({} when none)
    json::Document meta;   // the router's part
    Flow* current = nullptr;
    bool finished = false;       // the last flow run finished its conversation
    bool expired = false;        // a draft timed out with this message
    bool offer_made = false;     // the parked drafts were offered (or dealt with) in this answer
};

ResidentRouter::ResidentRouter(ConversationStore& store, const IntentClassifier& classifier, std::vector<Flow*> flows,
                               const config::Config& config, const Clock& clock)
    : store_(store), classifier_(classifier), flows_(std::move(flows)), config_(config), clock_(clock) {}

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

bool ResidentRouter::is_command(const std::string& typed, const Understanding& understanding) const {
    for (const auto& item : config_.main_menu)
        if (typed == item.text || typed == item.label) return true;
    if (typed == config_.text("flow_menu_word") || typed == "menu" || typed == "Menu") return true;
    if (text::utf16_length(typed) > kMaxCommandLength) return false;
    if (understanding.entities.ticket_number) return true;
    return understanding.intent == "handover";
}

void ResidentRouter::send_cancelled(Responder& out) const {
    json::Document message = text_message(config_.text("flow_cancelled"));
    attach_quick_reply(message, config_.main_menu);
    out.send(json::to_string(message));
}

void ResidentRouter::send_text_with_menu(Session& s, const std::string& text_key) {
    json::Document message = text_message(templates::fill_placeholders(
        config_.text(text_key), {{"phone", config_.municipality_phone}, {"municipality_phone", config_.municipality_phone}}));
    attach_quick_reply(message, config_.main_menu);
    s.out.send(json::to_string(message));
}

bool ResidentRouter::run(Session& s, Flow& flow, bool resume, json::Document& state, const Understanding* understanding,
                         bool may_decline, bool other_intent) {
    CollectingResponder buffer;
    // A declined try must leave the state as it was: it runs on a copy.
    json::Document work;
    work.CopyFrom(state, work.GetAllocator());
    FlowContext context{s.event, s.key, work, buffer};
    context.understanding = understanding;
    context.may_decline = may_decline;
    context.other_intent = other_intent;
    const json::Value* early = json::get_array(s.meta, "early");
    if (!resume) context.early = early;
    if (resume)
        flow.resume(context);
    else
        flow.start(context);
    if (context.declined) return true;
    for (auto& m : buffer.messages) s.out.send(std::move(m));
    state.Swap(work);
    s.finished = context.finished || !state.IsObject() || !state.HasMember("flow");
    s.current = s.finished ? nullptr : &flow;
    if (s.finished) state.SetObject();
    // What was sent before a flow could take it goes with the flow that starts next, or not at all.
    if (!resume) s.meta.RemoveMember("early");
    if (s.meta.HasMember("misses")) s.meta.RemoveMember("misses");
    return false;
}

// Keeps the current flow's draft aside (the oldest goes past kMaxParked), to be offered back.
void ResidentRouter::park_draft(Session& s, bool expired) {
    auto& parked = member(s.meta, "parked", rapidjson::kArrayType);
    auto& a = s.meta.GetAllocator();
    json::Value entry(rapidjson::kObjectType);
    json::Value copy;
    copy.CopyFrom(s.state, a);
    entry.AddMember("state", copy, a);
    entry.AddMember("expired", expired, a);
    parked.PushBack(entry, a);
    while (parked.Size() > kMaxParked) parked.Erase(parked.Begin());
}

void ResidentRouter::switch_to(Session& s, Flow& target, const Understanding* understanding) {
    if (s.current && s.current->keeps_draft(s.state)) {
        park_draft(s, false);
    }
    s.current = nullptr;
    s.state.SetObject();
    json::Document fresh;
    fresh.SetObject();
    run(s, target, false, fresh, understanding, false);
    s.state.Swap(fresh);
}

void ResidentRouter::resume_parked(Session& s, bool restart) {
    s.offer_made = true;
    if (s.current && !restart) {
        // "ทำต่อ" after the menu was offered: the question of the step in progress again.
        CollectingResponder buffer;
        FlowContext context{s.event, s.key, s.state, buffer};
        context.early = json::get_array(s.meta, "early");
        s.current->reprompt(context);
        for (auto& m : buffer.messages) s.out.send(std::move(m));
        s.meta.RemoveMember("early");
        s.meta.RemoveMember("misses");
        return;
    }
    auto it = s.meta.FindMember("parked");
    if (it == s.meta.MemberEnd() || !it->value.IsArray() || it->value.Empty()) {
        send_text_with_menu(s, "flow_nothing_to_resume");
        return;
    }
    auto& parked = it->value;
    json::Document draft;
    draft.CopyFrom(parked[parked.Size() - 1]["state"], draft.GetAllocator());
    parked.PopBack();
    Flow* flow = draft.IsObject() ? find(std::string(json::get_string(draft, "flow").value_or(""))) : nullptr;
    if (!flow) {
        send_text_with_menu(s, "flow_nothing_to_resume");
        return;
    }
    // The conversation in progress, if any, goes aside in its place.
    if (s.current && s.current->keeps_draft(s.state)) park_draft(s, false);  // one was just taken out
    if (restart) {
        json::Document fresh;
        fresh.SetObject();
        run(s, *flow, false, fresh, nullptr, false);
        s.state.Swap(fresh);
        return;
    }
    CollectingResponder buffer;
    FlowContext context{s.event, s.key, draft, buffer};
    context.early = json::get_array(s.meta, "early");
    flow->reprompt(context);
    for (auto& m : buffer.messages) s.out.send(std::move(m));
    s.meta.RemoveMember("early");
    s.meta.RemoveMember("misses");
    s.finished = context.finished;
    s.current = context.finished ? nullptr : flow;
    s.state.Swap(draft);
    if (s.finished) s.state.SetObject();
}

void ResidentRouter::answer_miss(Session& s) {
    // Not a third identical apology: what else can be done, and who to call.
    json::Document message = text_message(templates::fill_placeholders(
        config_.text("flow_still_not_understood"), {{"phone", config_.municipality_phone}}));
    auto& a = message.GetAllocator();
    json::Value items(rapidjson::kArrayType);
    items.PushBack(postback_item(config_.text("flow_resume_label"), kResumeData, a), a);
    const std::string& handover = config_.text("handover_command");
    items.PushBack(message_item(handover, handover, a), a);
    for (const auto& item : config_.main_menu) {
        if (items.Size() + 1 >= kMaxQuickReplyItems) break;
        items.PushBack(message_item(item.label, item.text, a), a);
    }
    const std::string& cancel = config_.text("flow_cancel_label");
    items.PushBack(message_item(cancel, cancel, a), a);
    set_quick_reply(message, items);
    s.out.send(json::to_string(message));
}

void ResidentRouter::offer_parked(Session& s, const std::string& text_key) {
    const json::Value* parked = json::get_array(s.meta, "parked");
    if (!parked || parked->Empty()) return;
    const json::Value& top = (*parked)[parked->Size() - 1];
    const json::Value* draft = json::get_object(top, "state");
    std::string flow = draft ? std::string(json::get_string(*draft, "flow").value_or("")) : std::string();
    std::string draft_name = config_.texts.count("draft_name_" + flow) ? config_.text("draft_name_" + flow) : flow;
    const std::string wording = templates::fill_placeholders(
        config_.text(text_key), {{"draft", draft_name}, {"minutes", std::to_string(config_.conversation_idle.count())}});
    s.offer_made = true;

    // The offer's own buttons; then the last answer's choices (a tax topic, a news topic) or the menu.
    json::Document holder;
    holder.SetObject();
    auto& a = holder.GetAllocator();
    json::Value items(rapidjson::kArrayType);
    items.PushBack(postback_item(config_.text("flow_resume_label"), kResumeData, a), a);
    if (json::get_bool(top, "expired").value_or(false))
        items.PushBack(postback_item(config_.text("flow_restart_label"), kRestartData, a), a);
    items.PushBack(postback_item(config_.text("flow_discard_label"), kDiscardData, a), a);

    json::Document last;
    const bool has_choices = !s.out.sent.empty() && json::parse(s.out.sent.back(), last) && last.IsObject() &&
                             json::get_object(last, "quickReply") &&
                             json::get_array(*json::get_object(last, "quickReply"), "items");
    bool choices_are_menu = false;
    if (has_choices) {
        const json::Value& existing = *json::get_array(*json::get_object(last, "quickReply"), "items");
        choices_are_menu = existing.Size() == config_.main_menu.size();
        for (rapidjson::SizeType i = 0; choices_are_menu && i < existing.Size(); ++i) {
            const json::Value* action = json::get_object(existing[i], "action");
            choices_are_menu = action && json::get_string(*action, "label").value_or("") ==
                                             text::truncate_utf16(config_.main_menu[i].label, 20);
        }
    }
    constexpr std::size_t kMaxReplyMessages = 5;  // LINE's limit for one reply
    if (has_choices && !choices_are_menu && s.out.sent.size() < kMaxReplyMessages) {
        // Keep the answer's own choices on screen: the offer's buttons join them and its words go just before.
        const json::Value& existing = *json::get_array(*json::get_object(last, "quickReply"), "items");
        for (const auto& item : existing.GetArray()) {
            if (items.Size() >= kMaxQuickReplyItems) break;
            json::Value copy;
            copy.CopyFrom(item, a);
            items.PushBack(copy, a);
        }
        json::Value moved;
        moved.CopyFrom(items, last.GetAllocator());
        set_quick_reply(last, moved);
        s.out.sent.back() = json::to_string(text_message(wording));
        s.out.sent.push_back(json::to_string(last));
        return;
    }
    for (const auto& item : config_.main_menu) {
        if (items.Size() >= kMaxQuickReplyItems) break;
        items.PushBack(message_item(item.label, item.text, a), a);
    }
    json::Document message = text_message(wording);
    json::Value moved;
    moved.CopyFrom(items, message.GetAllocator());
    set_quick_reply(message, moved);
    if (s.out.sent.size() >= kMaxReplyMessages) s.out.sent.pop_back();
    s.out.send(json::to_string(message));
}

void ResidentRouter::save(Session& s) {
    json::Document saved;
    if (s.current && s.state.IsObject() && s.state.HasMember("flow"))
        saved.Swap(s.state);
    else
        saved.SetObject();  // finished: only the answer (and the router's part) is kept
    auto& a = saved.GetAllocator();
    member(s.meta, "touched", rapidjson::kNumberType);
    s.meta["touched"].SetInt64(clock_.now_ms());
    if (const json::Value* parked = json::get_array(s.meta, "parked"); parked && parked->Empty())
        s.meta.RemoveMember("parked");
    json::Value meta;
    meta.CopyFrom(s.meta, a);
    if (saved.HasMember(kRouter)) saved.RemoveMember(kRouter);
    saved.AddMember(json::Value(kRouter, a), meta, a);
    record_answer(saved, s.event.webhook_event_id, s.out.sent);
    store_.save(s.key, json::to_string(saved));
}

bool ResidentRouter::handle(const line::Event& event, Responder& out) {
    if (event.source.type != line::Source::Type::user || event.source.user_id.empty()) return false;
    if (event.kind != line::EventKind::message && event.kind != line::EventKind::postback) return false;
    const std::string& key = event.source.user_id;

    if (is_cancel_input(event, config_)) {
        // Also when nothing is in progress (e.g. it expired): the resident still deserves an answer.
        // Drafts kept aside go too: ยกเลิก means all of it.
        store_.clear(key);
        send_cancelled(out);
        return true;
    }

    Session s(event, key, out);
    StepInput input = read_step_input(event);
    if (auto saved = store_.load(key)) {
        json::Document loaded;
        bool readable = json::parse(*saved, loaded) && loaded.IsObject();
        if (readable) {
            if (const json::Value* answered = answer_for(loaded, event.webhook_event_id)) {
                // This event was handled before and its answer stored, but it was not completed
                // (the process died): the same answer again, nothing handled twice.
                for (const auto& m : answered->GetArray())
                    if (m.IsString()) out.send(std::string(m.GetString(), m.GetStringLength()));
                return true;
            }
            if (auto it = loaded.FindMember(kRouter); it != loaded.MemberEnd()) {
                if (it->value.IsObject()) s.meta.CopyFrom(it->value, s.meta.GetAllocator());
                loaded.RemoveMember(kRouter);
            }
            if (loaded.HasMember(kLastAnswer)) loaded.RemoveMember(kLastAnswer);
            s.current = find(std::string(json::get_string(loaded, "flow").value_or("")));
            if (s.current) s.state.Swap(loaded);
        }
        // Unreadable, or a flow this build does not have: dropped.
        if (!readable || (!s.current && loaded.IsObject() && loaded.HasMember("flow"))) store_.clear(key);
    }
    if (!s.meta.IsObject()) s.meta.SetObject();

    // A draft left longer than conversation_idle: set aside, said so, and resumable.
    const int64_t now = clock_.now_ms();
    const int64_t touched = json::get_int(s.meta, "touched").value_or(now);
    const int64_t idle_ms = std::chrono::duration_cast<std::chrono::milliseconds>(config_.conversation_idle).count();
    if (s.current && now - touched > idle_ms) {
        if (s.current->keeps_draft(s.state)) {
            park_draft(s, true);
            s.expired = true;
        }
        s.current = nullptr;
        s.state.SetObject();
        s.meta.RemoveMember("misses");
    }

    bool handled = false;
    const bool is_text = input.kind == StepInput::Kind::text;
    Understanding understanding;
    if (is_text) {
        understanding = classifier_.understand(input.text);
        // Entities the classifier may not give (a test double): a ticket number is a ticket number.
        if (!understanding.entities.ticket_number)
            understanding.entities.ticket_number = extract_entities(input.text, config_.ticket_prefix).ticket_number;
        if (understanding.entities.ticket_number && text::utf16_length(input.text) <= kMaxCommandLength)
            understanding.intent = "status";
        // "๕" or "4 ดาว" with nothing in progress: a rating typed after the rating push.
        if (!s.current && understanding.intent == "unknown") {
            if (!understanding.entities.rating) understanding.entities.rating = find_rating(input.text);
            if (understanding.entities.rating) understanding.intent = "status";
        }
    }
    const bool resume_word = is_text && (input.text == config_.text("flow_resume_label"));

    if (input.kind == StepInput::Kind::postback) {
        if (input.text == kResumeData || input.text == kRestartData) {
            resume_parked(s, input.text == kRestartData);
            handled = true;
        } else if (input.text == kDiscardData) {
            auto it = s.meta.FindMember("parked");
            if (it != s.meta.MemberEnd() && it->value.IsArray() && !it->value.Empty()) it->value.PopBack();
            send_text_with_menu(s, "flow_draft_discarded");
            s.offer_made = true;
            handled = true;
        } else if (Flow* owner = flow_for_postback(input.text); owner && owner != s.current) {
            // A button of another conversation (a rating, "ติดตามเรื่องนี้") is an explicit choice:
            // it takes over, and the draft in progress is kept aside.
            switch_to(s, *owner, nullptr);
            handled = true;
        } else if (!s.current && input.text.rfind("flow=", 0) == 0) {
            send_text_with_menu(s, "flow_stale_button_none");
            handled = true;
        }
    } else if (resume_word && (s.current || json::get_array(s.meta, "parked"))) {
        resume_parked(s, false);
        handled = true;
    }

    if (!handled && s.current) {
        Flow* target = is_text ? flow_for_intent(understanding.intent) : nullptr;
        if (is_text && is_command(input.text, understanding)) {
            if (target == s.current && s.current->keeps_draft(s.state) && !understanding.entities.ticket_number) {
                // "ร้องเรียน" while filing a complaint: this one is in progress.
                s.out.send(json::to_string(text_message(config_.text("flow_already_in_progress"))));
                resume_parked(s, false);
            } else if (target) {
                switch_to(s, *target, &understanding);
            } else {
                // "เมนู": the draft goes aside and the menu is offered with it.
                if (s.current->keeps_draft(s.state)) {
                    park_draft(s, false);
                }
                s.current = nullptr;
                s.state.SetObject();
                if (!json::get_array(s.meta, "parked")) send_text_with_menu(s, "flow_menu_shown");
            }
            handled = true;
        } else {
            const bool other = target && target != s.current && understanding.intent != "unknown";
            Flow* current = s.current;
            const std::string step_before = step_of(s.state);
            const bool declined = run(s, *current, true, s.state, nullptr, is_text, other);
            if (declined) {
                if (target && understanding.intent != "unknown" &&
                    (target != current || !current->keeps_draft(s.state))) {
                    switch_to(s, *target, &understanding);
                } else {
                    auto& misses = member(s.meta, "misses", rapidjson::kObjectType);
                    auto& a = s.meta.GetAllocator();
                    const bool same = json::get_string(misses, "flow").value_or("") == current->name() &&
                                      json::get_string(misses, "step").value_or("") == step_before;
                    int count = same ? static_cast<int>(json::get_int(misses, "count").value_or(0)) + 1 : 1;
                    if (count >= kMissesBeforeMenu) {
                        answer_miss(s);
                    } else {
                        run(s, *current, true, s.state, nullptr, false);
                    }
                    auto& fresh_misses = member(s.meta, "misses", rapidjson::kObjectType);
                    fresh_misses.SetObject();
                    fresh_misses.AddMember("flow", json::make_string(current->name(), a), a);
                    fresh_misses.AddMember("step", json::make_string(step_before, a), a);
                    fresh_misses.AddMember("count", count, a);
                }
            }
            handled = true;
        }
    }

    if (!handled && !s.current) {
        if (input.kind == StepInput::Kind::image || input.kind == StepInput::Kind::location) {
            // The natural first move: a photo (or a pin) of the problem. Kept for the report it starts.
            auto& early = member(s.meta, "early", rapidjson::kArrayType);
            auto& a = s.meta.GetAllocator();
            json::Value item(rapidjson::kObjectType);
            if (input.kind == StepInput::Kind::image) {
                item.AddMember("kind", "image", a);
                item.AddMember("id", json::make_string(input.message_id, a), a);
            } else {
                item.AddMember("kind", "location", a);
                item.AddMember("lat", input.point.latitude, a);
                item.AddMember("lng", input.point.longitude, a);
                item.AddMember("title", json::make_string(input.point.title, a), a);
                item.AddMember("address", json::make_string(input.point.address, a), a);
            }
            if (early.Size() < 5) early.PushBack(item, a);
            send_text_with_menu(s, input.kind == StepInput::Kind::image ? "flow_orphan_photo" : "flow_orphan_location");
            handled = true;
        } else if (is_text) {
            if (Flow* flow = flow_for_intent(understanding.intent)) {
                json::Document fresh;
                fresh.SetObject();
                run(s, *flow, false, fresh, &understanding, false);
                s.state.Swap(fresh);
                handled = true;
            }
        }
    }

    if (!handled && !s.expired) return false;
    // Whatever was answered, a draft kept aside is offered again once its interruption is over.
    if (!s.offer_made && !s.current) offer_parked(s, s.expired ? "flow_draft_expired" : "flow_offer_resume");
    save(s);
    s.out.flush();
    return true;
}

}  // namespace thesaban::handlers
