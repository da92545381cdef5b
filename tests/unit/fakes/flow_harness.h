#pragma once
// The real config, templates, flows and router over in-memory ports, plus event builders and a
// check that every message the bot produces is one LINE would accept.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "core/json.h"
#include "core/text.h"
#include "handlers/common/flow_steps.h"
#include "handlers/common/resident_router.h"
#include "handlers/complaint/complaint_flow.h"
#include "handlers/streetlight/streetlight_flow.h"
#include "in_memory_ports.h"
#include "line_messages.h"
#include "parsed_events.h"
#include "templates/template_library.h"

namespace thesaban::testing {

inline constexpr const char* kResident = "U0123456789abcdef0123456789abcdef";
// 2025-11-25 14:05 in Thailand: พ.ศ. 2568.
inline constexpr int64_t kNowMs = 1764054300000;

class FlowHarness {
public:
    FlowHarness()
        : config(config::load_config(THESABAN_SOURCE_DIR "/config/thesaban.example.jsonc", {}, false)),
          templates(templates::TemplateLibrary::load(THESABAN_SOURCE_DIR "/templates")),
          clock(kNowMs),
          classifier(config.intents),
          deps{config, templates, tickets, media, announcer, profiles, clock},
          complaint(deps),
          streetlight(deps) {
        profiles.names[kResident] = "สมหญิง ใจดี";
    }

    // The router over `flows` (complaint and streetlight unless given).
    handlers::ResidentRouter& router() {
        if (!router_)
            router_ = std::make_unique<handlers::ResidentRouter>(
                conversations, classifier,
                extra_flows.empty() ? std::vector<handlers::Flow*>{&complaint, &streetlight} : extra_flows, config,
                clock);
        return *router_;
    }

    line::Event base(line::EventKind kind) {
        line::Event e = parsed_events::event_from(kind, kResident);
        e.webhook_event_id = "01EVT" + std::to_string(++event_counter);
        e.timestamp_ms = clock.now_ms();
        e.reply_token = "reply-" + std::to_string(event_counter);
        return e;
    }
    line::Event message(line::MessageContent content) {
        line::Event e = base(line::EventKind::message);
        if (content.id.empty()) content.id = "m" + std::to_string(event_counter);
        e.payload = std::move(content);
        return e;
    }
    line::Event text(const std::string& s) { return message({"", line::TextMessage{s}}); }
    line::Event image(const std::string& id) { return message({id, line::ImageMessage{}}); }
    line::Event location(double lat, double lng, const std::string& title = "", const std::string& address = "") {
        return message({"", line::LocationMessage{title, address, lat, lng}});
    }
    line::Event sticker() { return message({"", line::StickerMessage{"11537", "52002734"}}); }
    line::Event video() { return message({"", line::VideoMessage{}}); }
    line::Event postback(const std::string& data) {
        line::Event e = base(line::EventKind::postback);
        e.payload = line::Postback{data};
        return e;
    }

    // Hands the event to the router; every answer is checked against LINE's limits.
    bool send(const line::Event& event) {
        handlers::CollectingResponder out;
        bool handled = router().handle(event, out);
        for (const auto& m : out.messages) expect_valid_line_message(m);
        replies = out.messages;
        return handled;
    }
    bool send_text(const std::string& s) { return send(text(s)); }

    // The resident's saved conversation: its step and flow ("" without one).
    std::string step() const { return state_field("step"); }
    std::string flow() const { return state_field("flow"); }
    // A flow in progress (a finished conversation keeps only its last answer, for a rerun).
    bool has_state() const { return !flow().empty(); }

    // All replies of the last event, concatenated (for "contains" checks).
    std::string all_replies() const {
        std::string out;
        for (const auto& r : replies) out += r + "\n";
        return out;
    }
    // Whether a text message of the last event says exactly `wording` (unescaped).
    bool said(const std::string& wording) const {
        for (const auto& r : replies) {
            json::Document doc;
            if (json::parse(r, doc) && json::get_string(doc, "text").value_or("") == wording) return true;
        }
        return false;
    }
    // Each quick reply button's action label, type or postback data, in the last reply.
    std::vector<std::string> quick_labels() const { return last_quick_actions("label"); }
    std::vector<std::string> quick_types() const { return last_quick_actions("type"); }
    std::vector<std::string> quick_data() const { return last_quick_actions("data"); }

    config::Config config;
    templates::TemplateLibrary templates;
    InMemoryConversationStore conversations;
    InMemoryTicketStore tickets;
    InMemoryMediaStore media;
    RecordingAnnouncer announcer;
    FixedProfiles profiles;
    FixedClock clock;
    SubstringClassifier classifier;
    handlers::FlowDeps deps;
    handlers::ComplaintFlow complaint;
    handlers::StreetlightFlow streetlight;
    std::vector<handlers::Flow*> extra_flows;  // set before the first send to route other flows
    std::vector<std::string> replies;
    int event_counter = 0;

private:
    std::string state_field(const char* field) const {
        auto it = conversations.states.find(kResident);
        if (it == conversations.states.end()) return "";
        json::Document doc;
        json::parse(it->second, doc);
        return std::string(json::get_string(doc, field).value_or(""));
    }
    std::vector<std::string> last_quick_actions(const char* field) const {
        return replies.empty() ? std::vector<std::string>{} : quick_reply_actions(replies.back(), field);
    }

    std::unique_ptr<handlers::ResidentRouter> router_;
};

inline bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace thesaban::testing
