#pragma once
// In-memory implementations of the handler ports, for unit tests of conversation logic.
#include <algorithm>
#include <cmath>
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
    explicit FixedClock(int64_t ms) : ms_(ms) {}
    int64_t now_ms() const override { return ms_; }
    void set(int64_t ms) { ms_ = ms; }

private:
    int64_t ms_;
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
        return "https://line.example.go.th/media/" + token;
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

class InMemoryTicketStore final : public tickets::TicketStore {
public:
    tickets::Ticket create(const tickets::TicketDraft& draft, const std::string& idempotency_key,
                           int64_t now_ms) override {
        ++create_calls;
        if (auto it = by_key_.find(idempotency_key); it != by_key_.end()) return tickets_.at(it->second);
        tickets::Ticket t;
        static_cast<tickets::TicketDraft&>(t) = draft;
        t.id = tickets::format_ticket_id("PNK", tickets::buddhist_year_at(now_ms), ++sequence_);
        t.created_ms = t.updated_ms = now_ms;
        t.history.push_back({now_ms, draft.reporter_user_id, draft.reporter_name, tickets::Status::received,
                             draft.department, ""});
        tickets_[t.id] = t;
        by_key_[idempotency_key] = t.id;
        return t;
    }
    std::optional<tickets::Ticket> get(const std::string& id) override {
        auto it = tickets_.find(id);
        if (it == tickets_.end()) return std::nullopt;
        return it->second;
    }
    tickets::TransitionResult transition(const tickets::TransitionRequest& request, int64_t now_ms) override {
        tickets::TransitionResult result;
        auto it = tickets_.find(request.ticket_id);
        if (it == tickets_.end()) return result;
        auto& t = it->second;
        if (t.status != request.expected) {
            result.outcome = tickets::TransitionResult::Outcome::conflict;
        } else if (!tickets::transition_allowed(t.status, request.to)) {
            result.outcome = tickets::TransitionResult::Outcome::not_allowed;
        } else {
            t.status = request.to;
            t.updated_ms = now_ms;
            result.outcome = tickets::TransitionResult::Outcome::ok;
        }
        result.ticket = t;
        return result;
    }
    std::vector<tickets::Ticket> by_reporter(const std::string& user_id, std::size_t limit) override {
        std::vector<tickets::Ticket> out;
        for (auto it = tickets_.rbegin(); it != tickets_.rend() && out.size() < limit; ++it)
            if (it->second.reporter_user_id == user_id) out.push_back(it->second);
        return out;
    }
    std::vector<tickets::Ticket> open_by_department(const std::string& department, std::size_t limit) override {
        std::vector<tickets::Ticket> out;
        for (auto& [id, t] : tickets_)
            if (t.department == department && tickets::is_open(t.status) && out.size() < limit) out.push_back(t);
        return out;
    }
    std::vector<tickets::Ticket> open_nearby(const std::string& kind, double latitude, double longitude,
                                             double radius_m) override {
        std::vector<std::pair<double, tickets::Ticket>> found;
        for (auto& [id, t] : tickets_) {
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
        it->second.followers.push_back(user_id);
        return true;
    }
    bool rate(const std::string& ticket_id, const std::string& user_id, int stars, const std::string& comment,
              int64_t now_ms) override {
        auto it = tickets_.find(ticket_id);
        if (it == tickets_.end() || it->second.reporter_user_id != user_id ||
            it->second.status != tickets::Status::done || stars < 1 || stars > 5)
            return false;
        it->second.rating = stars;
        it->second.rating_comment = comment;
        return true;
    }

    std::size_t size() const { return tickets_.size(); }
    // Test set-up: a ticket as if filed earlier.
    tickets::Ticket seed(tickets::TicketDraft draft, int64_t now_ms, const std::string& key) {
        return create(draft, key, now_ms);
    }

    int create_calls = 0;

private:
    std::map<std::string, tickets::Ticket> tickets_;
    std::map<std::string, std::string> by_key_;
    long long sequence_ = 0;
};

}  // namespace thesaban::testing
