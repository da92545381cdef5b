#pragma once
// In-memory implementations of the handler ports, for unit tests of conversation logic: the same
// contracts as the Redis and LINE ones (compare-and-set transitions, durable-push dedup keys), none
// of the I/O.
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <numbers>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.h"
#include "handlers/common/flow.h"
#include "handlers/common/ports.h"
#include "tickets/ticket_store.h"

namespace thesaban::testing {

class InMemoryConversationStore final : public handlers::ConversationStore {
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

class FixedClock final : public handlers::Clock {
public:
    explicit FixedClock(int64_t ms) : now(ms) {}
    int64_t now_ms() const override { return now; }
    void set(int64_t ms) { now = ms; }

    int64_t now;
};

// Hands out "tok-<message id>"; message ids listed in `broken` fail like a non-image would.
class InMemoryMediaStore final : public handlers::MediaStore {
public:
    std::optional<std::string> save_line_image(const std::string& message_id) override {
        if (std::find(broken.begin(), broken.end(), message_id) != broken.end()) return std::nullopt;
        saved.push_back(message_id);
        return "tok-" + message_id;
    }
    std::string public_url(const std::string& token) const override {
        return "https://line.phannanakhon.go.th/media/" + token;
    }

    std::vector<std::string> saved;
    std::vector<std::string> broken;
};

class FixedProfiles final : public handlers::ProfileLookup {
public:
    std::string display_name(const std::string& user_id) override {
        auto it = names.find(user_id);
        return it == names.end() ? std::string() : it->second;
    }
    std::map<std::string, std::string> names;
};

class RecordingAnnouncer final : public handlers::TicketAnnouncer {
public:
    void ticket_created(const tickets::Ticket& ticket, const std::string& dedup_key) override {
        announced.emplace_back(ticket, dedup_key);
    }
    std::vector<std::pair<tickets::Ticket, std::string>> announced;
};

// Keeps pushes; a repeated dedup key is dropped as the durable queue drops it.
class RecordingNotifier final : public handlers::Notifier {
public:
    struct Push {
        std::string to;
        std::vector<std::string> messages;
        std::string dedup_key;
        std::string reply_token;  // reply_or_push
        int64_t reply_until_ms = 0;
    };
    void push(const std::string& to, const std::vector<std::string>& messages, const std::string& dedup_key) override {
        reply_or_push(to, messages, dedup_key, "", 0);
    }
    void reply_or_push(const std::string& to, const std::vector<std::string>& messages, const std::string& dedup_key,
                       const std::string& reply_token, int64_t reply_until_ms) override {
        for (const auto& p : pushes)
            if (p.dedup_key == dedup_key) return;
        pushes.push_back({to, messages, dedup_key, reply_token, reply_until_ms});
    }
    std::vector<Push> to(const std::string& user) const {
        std::vector<Push> out;
        for (const auto& p : pushes)
            if (p.to == user) out.push_back(p);
        return out;
    }
    std::vector<Push> pushes;
};

// The first intent (config order) with a keyword contained in the text.
class SubstringClassifier final : public handlers::IntentClassifier {
public:
    explicit SubstringClassifier(std::vector<config::Intent> intents) : intents_(std::move(intents)) {}
    std::string classify(std::string_view text) const override {
        for (const auto& intent : intents_)
            for (const auto& keyword : intent.keywords)
                if (text.find(keyword) != std::string_view::npos) return intent.name;
        return "unknown";
    }

private:
    std::vector<config::Intent> intents_;
};

inline double haversine_m(double lat1, double lng1, double lat2, double lng2) {
    constexpr double kEarthRadiusM = 6371000.0;
    constexpr double kRad = std::numbers::pi / 180.0;
    double dlat = (lat2 - lat1) * kRad, dlng = (lng2 - lng1) * kRad;
    double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
               std::cos(lat1 * kRad) * std::cos(lat2 * kRad) * std::sin(dlng / 2) * std::sin(dlng / 2);
    return 2 * kEarthRadiusM * std::asin(std::sqrt(h));
}

// The Redis store's contract (src/store/redis_ticket_store.cpp): idempotent create, compare-and-set
// transitions that record who did what, followers without duplicates, one rating per done ticket.
class InMemoryTicketStore final : public tickets::TicketStore {
public:
    // Runs inside transition() before the compare: lets a test make another officer win the race.
    std::function<void()> before_transition;

    using tickets::TicketStore::create;
    tickets::Ticket create(const tickets::TicketDraft& draft, const std::string& idempotency_key, int64_t now_ms,
                           const tickets::ReporterCap& cap) override {
        ++create_calls;
        if (auto it = by_key_.find(idempotency_key); it != by_key_.end()) return tickets_.at(it->second);
        if (cap.per_day > 0) {
            int today = 0;
            for (const auto& [id, t] : tickets_)
                today += t.reporter_user_id == draft.reporter_user_id && t.created_ms >= cap.since_ms;
            if (today >= cap.per_day) throw tickets::ReporterCapReached();
        }
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

    // Open tickets of `kind` within `radius_m`, nearest first.
    std::vector<tickets::Ticket> open_nearby(const std::string& kind, double latitude, double longitude,
                                             double radius_m) override {
        std::vector<std::pair<double, tickets::Ticket>> found;
        for (const auto& [id, t] : tickets_) {
            if (t.kind != kind || !tickets::is_open(t.status) || !t.location) continue;
            double d = haversine_m(latitude, longitude, t.location->latitude, t.location->longitude);
            if (d <= radius_m) found.emplace_back(d, t);
        }
        std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        std::vector<tickets::Ticket> out;
        for (auto& f : found) out.push_back(f.second);
        return out;
    }

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

    std::size_t size() const { return tickets_.size(); }
    // Test set-up: a ticket as if filed earlier.
    tickets::Ticket seed(const tickets::TicketDraft& draft, int64_t now_ms, const std::string& key) {
        return create(draft, key, now_ms);
    }
    // Test set-up: a ticket as it would be after its history, bypassing the life-cycle rules.
    tickets::Ticket& put(tickets::Ticket ticket) {
        if (!tickets_.count(ticket.id)) order_.push_back(ticket.id);
        return tickets_[ticket.id] = std::move(ticket);
    }

    int create_calls = 0;
    int transition_calls = 0;
    int rate_calls = 0;

private:
    std::map<std::string, tickets::Ticket> tickets_;
    std::vector<std::string> order_;
    std::map<std::string, std::string> by_key_;
    long long sequence_ = 0;
};

}  // namespace thesaban::testing
