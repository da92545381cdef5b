#pragma once
// In-memory implementations of the handler ports for unit tests: the same contracts as the Redis
// and LINE ones (compare-and-set transitions, durable-push dedup keys), none of the I/O.
#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/text.h"
#include "handlers/common/conversation.h"
#include "handlers/common/ports.h"
#include "line/webhook.h"
#include "tickets/ticket_store.h"

namespace thesaban::testing::officer_fakes {

class InMemoryTicketStore final : public tickets::TicketStore {
public:
    // Runs inside transition() before the compare: lets a test make another officer win the race.
    std::function<void()> before_transition;

    tickets::Ticket create(const tickets::TicketDraft& draft, const std::string& idempotency_key,
                           int64_t now_ms) override {
        if (auto it = by_key_.find(idempotency_key); it != by_key_.end()) return tickets_.at(it->second);
        tickets::Ticket ticket;
        static_cast<tickets::TicketDraft&>(ticket) = draft;
        ticket.id = tickets::format_ticket_id("PNK", tickets::buddhist_year_at(now_ms), ++sequence_);
        ticket.created_ms = ticket.updated_ms = now_ms;
        ticket.history.push_back(
            {now_ms, draft.reporter_user_id, draft.reporter_name, tickets::Status::received, draft.department, ""});
        tickets_[ticket.id] = ticket;
        order_.push_back(ticket.id);
        by_key_[idempotency_key] = ticket.id;
        return ticket;
    }

    std::optional<tickets::Ticket> get(const std::string& id) override {
        auto it = tickets_.find(id);
        if (it == tickets_.end()) return std::nullopt;
        return it->second;
    }

    tickets::TransitionResult transition(const tickets::TransitionRequest& r, int64_t now_ms) override {
        if (before_transition) {
            auto hook = std::move(before_transition);
            before_transition = nullptr;
            hook();
        }
        ++transition_calls;
        using Outcome = tickets::TransitionResult::Outcome;
        auto it = tickets_.find(r.ticket_id);
        if (it == tickets_.end()) return {Outcome::not_found, std::nullopt};
        auto& t = it->second;
        if (t.status != r.expected) return {Outcome::conflict, t};
        if (!tickets::transition_allowed(t.status, r.to)) return {Outcome::not_allowed, t};
        t.status = r.to;
        t.updated_ms = now_ms;
        if (r.to == tickets::Status::accepted) {
            t.assigned_officer = r.actor;
            t.assigned_officer_name = r.actor_name;
        }
        if (r.to == tickets::Status::forwarded) {
            t.department = r.department;
            t.assigned_officer.clear();
            t.assigned_officer_name.clear();
        }
        if (r.to == tickets::Status::closed) t.close_reason = r.close_reason;
        if (r.to == tickets::Status::done) {
            t.resolution_note = r.note;
            t.after_photo_tokens = r.after_photo_tokens;
        }
        t.history.push_back({now_ms, r.actor, r.actor_name, r.to, t.department, r.note});
        return {Outcome::ok, t};
    }

    std::vector<tickets::Ticket> by_reporter(const std::string& user_id, std::size_t limit) override {
        std::vector<tickets::Ticket> out;
        for (auto it = order_.rbegin(); it != order_.rend() && out.size() < limit; ++it)
            if (tickets_.at(*it).reporter_user_id == user_id) out.push_back(tickets_.at(*it));
        return out;
    }

    std::vector<tickets::Ticket> open_by_department(const std::string& department, std::size_t limit) override {
        std::vector<tickets::Ticket> out;
        for (const auto& [id, t] : tickets_)
            if (t.department == department && tickets::is_open(t.status)) out.push_back(t);
        std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.created_ms < b.created_ms; });
        if (out.size() > limit) out.resize(limit);
        return out;
    }

    std::vector<tickets::Ticket> open_nearby(const std::string&, double, double, double) override { return {}; }

    bool follow(const std::string& ticket_id, const std::string& user_id) override {
        auto it = tickets_.find(ticket_id);
        if (it == tickets_.end() || !tickets::is_open(it->second.status)) return false;
        auto& f = it->second.followers;
        if (user_id != it->second.reporter_user_id && std::find(f.begin(), f.end(), user_id) == f.end())
            f.push_back(user_id);
        return true;
    }

    bool rate(const std::string& ticket_id, const std::string& user_id, int stars, const std::string& comment,
              int64_t) override {
        ++rate_calls;
        auto it = tickets_.find(ticket_id);
        if (it == tickets_.end()) return false;
        auto& t = it->second;
        if (t.reporter_user_id != user_id || t.status != tickets::Status::done || stars < 1 || stars > 5 ||
            t.rating != 0)
            return false;
        t.rating = stars;
        t.rating_comment = comment;
        return true;
    }

    // Test helper: a ticket as it would be after its history, bypassing the life-cycle rules.
    tickets::Ticket& put(tickets::Ticket ticket) {
        if (!tickets_.count(ticket.id)) order_.push_back(ticket.id);
        return tickets_[ticket.id] = std::move(ticket);
    }

    int transition_calls = 0;
    int rate_calls = 0;

private:
    std::map<std::string, tickets::Ticket> tickets_;
    std::vector<std::string> order_;
    std::map<std::string, std::string> by_key_;
    long long sequence_ = 0;
};

class RecordingNotifier final : public handlers::Notifier {
public:
    struct Push {
        std::string to;
        std::vector<std::string> messages;
        std::string dedup_key;
    };
    void push(const std::string& to, const std::vector<std::string>& messages, const std::string& dedup_key) override {
        for (const auto& p : pushes)
            if (p.dedup_key == dedup_key) return;  // the durable queue's dedup
        pushes.push_back({to, messages, dedup_key});
    }
    std::vector<Push> to(const std::string& user) const {
        std::vector<Push> out;
        for (const auto& p : pushes)
            if (p.to == user) out.push_back(p);
        return out;
    }
    std::vector<Push> pushes;
};

class MapConversationStore final : public handlers::ConversationStore {
public:
    std::optional<std::string> load(const std::string& key) override {
        auto it = states.find(key);
        if (it == states.end()) return std::nullopt;
        return it->second;
    }
    void save(const std::string& key, const std::string& state_json) override { states[key] = state_json; }
    void clear(const std::string& key) override { states.erase(key); }
    std::map<std::string, std::string> states;
};

class TokenMediaStore final : public handlers::MediaStore {
public:
    std::optional<std::string> save_line_image(const std::string& message_id) override {
        if (message_id.rfind("bad", 0) == 0) return std::nullopt;
        return "tok-" + message_id;
    }
    std::string public_url(const std::string& token) const override {
        return "https://line.phannanakhon.go.th/media/" + token;
    }
};

class FixedClock final : public handlers::Clock {
public:
    explicit FixedClock(int64_t now) : now(now) {}
    int64_t now_ms() const override { return now; }
    int64_t now;
};

class MapProfileLookup final : public handlers::ProfileLookup {
public:
    std::string display_name(const std::string& user_id) override {
        auto it = names.find(user_id);
        return it == names.end() ? std::string() : it->second;
    }
    std::map<std::string, std::string> names;
};

// Events as the webhook parser produces them.
inline line::Event postback_event(const std::string& user_id, const std::string& group_id, const std::string& data) {
    line::Event e;
    e.kind = line::EventKind::postback;
    e.type = "postback";
    e.source.type = group_id.empty() ? line::Source::Type::user : line::Source::Type::group;
    e.source.user_id = user_id;
    e.source.group_id = group_id;
    e.reply_token = "r";
    e.payload = line::Postback{data, {}, {}, {}, {}, {}};
    return e;
}

inline line::Event text_event(const std::string& user_id, const std::string& group_id, const std::string& text) {
    line::Event e;
    e.kind = line::EventKind::message;
    e.type = "message";
    e.source.type = group_id.empty() ? line::Source::Type::user : line::Source::Type::group;
    e.source.user_id = user_id;
    e.source.group_id = group_id;
    e.reply_token = "r";
    line::TextMessage body;
    body.text = text;
    e.payload = line::MessageContent{"m1", body};
    return e;
}

inline line::Event image_event(const std::string& user_id, const std::string& group_id, const std::string& message_id) {
    line::Event e = text_event(user_id, group_id, "");
    line::ImageMessage body;
    body.provider.type = "line";
    e.payload = line::MessageContent{message_id, body};
    return e;
}

// LINE's limits every message we send must respect: valid JSON object with a type, quick reply of
// at most 13 items with labels of at most 20 UTF-16 units, flex button labels of at most 40,
// postback data of at most 300. Returns the problems found (empty when fine).
inline std::vector<std::string> line_message_problems(const std::string& message_json) {
    std::vector<std::string> problems;
    json::Document doc;
    if (!json::parse(message_json, doc) || !doc.IsObject() || !json::get_string(doc, "type")) {
        problems.push_back("not a JSON message object: " + message_json);
        return problems;
    }
    if (const auto* qr = json::get_object(doc, "quickReply")) {
        const auto* items = json::get_array(*qr, "items");
        if (!items || items->Empty() || items->Size() > 13) problems.push_back("quick reply must have 1..13 items");
        if (items)
            for (const auto& item : items->GetArray()) {
                const auto* action = json::get_object(item, "action");
                auto label = action ? json::get_string(*action, "label") : std::nullopt;
                if (!label || label->empty() || text::utf16_length(*label) > 20)
                    problems.push_back("quick reply label: " + std::string(label.value_or("(none)")));
            }
    }
    std::vector<const json::Value*> stack{&doc};
    while (!stack.empty()) {
        const auto* v = stack.back();
        stack.pop_back();
        if (v->IsObject()) {
            if (json::get_string(*v, "type").value_or("") == "button") {
                const auto* action = json::get_object(*v, "action");
                auto label = action ? json::get_string(*action, "label") : std::nullopt;
                if (!label || label->empty() || text::utf16_length(*label) > 40)
                    problems.push_back("button label: " + std::string(label.value_or("(none)")));
            }
            if (json::get_string(*v, "type").value_or("") == "text" && json::get_string(*v, "text") &&
                json::get_string(*v, "text")->empty())
                problems.push_back("empty flex text");
            if (auto data = json::get_string(*v, "data"); data && data->size() > 300) problems.push_back("data > 300");
            for (auto it = v->MemberBegin(); it != v->MemberEnd(); ++it) stack.push_back(&it->value);
        } else if (v->IsArray()) {
            for (const auto& e : v->GetArray()) stack.push_back(&e);
        }
    }
    return problems;
}

}  // namespace thesaban::testing::officer_fakes
