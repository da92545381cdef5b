#include "store/redis_ticket_store.h"

#include "core/log.h"

#include <cctype>
#include <cstdio>
#include <stdexcept>
#include <utility>

#include "store/ticket_json.h"

namespace thesaban::store {
namespace {

using tickets::Status;
using tickets::Ticket;
using tickets::TransitionRequest;
using tickets::TransitionResult;
using Outcome = TransitionResult::Outcome;

// An idempotency key is a webhook event id; LINE redelivers within hours, so a month is plenty.
constexpr const char* kIdempotencyTtlSeconds = "2592000";
// Retries of a compare-and-set that lost only to a follow/rate (status unchanged, revision moved).
constexpr int kMaxCasAttempts = 16;

// KEYS[1] idempotency key, [2] year sequence, [3] open-by-department zset, [4] by-reporter zset,
// [5] received status set, [6] geo set of the kind.
// ARGV[1] ticket key prefix, [2] id up to the sequence ("PNK-2569-"), [3] the ticket JSON after its
// empty id, [4] created_ms, [5] '1' to add to the geo set, [6] longitude, [7] latitude, [8] idempotency ttl,
// [9] the reporter's daily cap (0: none), [10] the day's start (ms): by-reporter scores are created_ms.
// The ticket's own key is derived here from the id it allocates (single-instance Redis, no cluster).
// Returns {created 1/0, id, json}, or {2} when the cap refuses a new ticket.
const std::string kCreateScript = R"lua(
local existing = redis.call('GET', KEYS[1])
if existing then
  local json = redis.call('HGET', ARGV[1] .. existing, 'json')
  if json then return {0, existing, json} end
end
local cap = tonumber(ARGV[9])
if cap > 0 and redis.call('ZCOUNT', KEYS[4], ARGV[10], '+inf') >= cap then return {2} end
local seq = redis.call('INCR', KEYS[2])
local id = ARGV[2] .. string.format('%06d', seq)
if ARGV[5] == '1' then redis.call('GEOADD', KEYS[6], ARGV[6], ARGV[7], id) end
local json = '{"id":"' .. id .. '"' .. ARGV[3]
redis.call('HSET', ARGV[1] .. id, 'json', json, 'status', 'received', 'rev', '1')
redis.call('ZADD', KEYS[3], ARGV[4], id)
redis.call('ZADD', KEYS[4], ARGV[4], id)
redis.call('SADD', KEYS[5], id)
redis.call('SET', KEYS[1], id, 'EX', tonumber(ARGV[8]))
return {1, id, json}
)lua";

// KEYS[1] ticket, [2] open zset of the old department, [3] open zset of the new department,
// [4] old status set, [5] new status set, [6] geo set of the kind.
// ARGV[1] expected status, [2] revision the change was computed from, [3] new status, [4] new json,
// [5] id, [6] created_ms, [7] '1' when the new status is open.
// The status check makes the officers' compare-and-set; the revision check catches a follow or rating
// written in between, which the caller folds in and retries.
const std::string kTransitionScript = R"lua(
local cur = redis.call('HMGET', KEYS[1], 'status', 'rev', 'json')
if not cur[1] then return {'not_found'} end
if cur[1] ~= ARGV[1] then return {'conflict', cur[3]} end
if cur[2] ~= ARGV[2] then return {'stale'} end
redis.call('HSET', KEYS[1], 'json', ARGV[4], 'status', ARGV[3], 'rev', tostring(tonumber(cur[2]) + 1))
redis.call('ZREM', KEYS[2], ARGV[5])
if ARGV[7] == '1' then
  redis.call('ZADD', KEYS[3], ARGV[6], ARGV[5])
else
  redis.call('ZREM', KEYS[6], ARGV[5])
end
redis.call('SREM', KEYS[4], ARGV[5])
redis.call('SADD', KEYS[5], ARGV[5])
return {'ok'}
)lua";

// KEYS[1] ticket; ARGV[1] revision, [2] json. Status and indexes are untouched (follow, rate).
const std::string kReplaceScript = R"lua(
local rev = redis.call('HGET', KEYS[1], 'rev')
if rev ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'json', ARGV[2], 'rev', tostring(tonumber(rev) + 1))
return 1
)lua";

// KEYS: ticket hashes. One round trip for a list view.
const std::string kFetchScript = R"lua(
local out = {}
for i = 1, #KEYS do out[i] = redis.call('HGET', KEYS[i], 'json') end
return out
)lua";

RedisReply checked(RedisReply reply, const char* what) {
    // `what` names the operation ("ticket create" is one script, "ticket get" one HGET), never its keys.
    if (reply.is_error()) throw_refused(what, reply);
    return reply;
}

std::string coordinate(double value) {
    char text[40];
    std::snprintf(text, sizeof text, "%.9f", value);
    return text;
}

// Redis' geo index covers latitudes within ±85.05112878°; anything else is a bad LINE location.
bool indexable(const std::optional<tickets::GeoPoint>& p) {
    return p && p->latitude >= -85.05112878 && p->latitude <= 85.05112878 && p->longitude >= -180 &&
           p->longitude <= 180;
}

bool request_valid_for(const Ticket& t, const TransitionRequest& r) {
    if (!tickets::transition_allowed(t.status, r.to)) return false;
    if (r.to == Status::forwarded && (r.department.empty() || r.department == t.department)) return false;
    if (r.to == Status::closed && !tickets::close_reason_from_key(r.close_reason)) return false;
    return true;
}

Ticket applied(Ticket t, const TransitionRequest& r, int64_t now_ms) {
    t.status = r.to;
    t.updated_ms = now_ms;
    switch (r.to) {
        case Status::accepted:
            t.assigned_officer = r.actor;
            t.assigned_officer_name = r.actor_name;
            break;
        case Status::in_progress:
            if (t.assigned_officer.empty()) {  // started without accepting first
                t.assigned_officer = r.actor;
                t.assigned_officer_name = r.actor_name;
            }
            break;
        case Status::forwarded:
            // The new department receives it unassigned; one of its officers accepts it.
            t.department = r.department;
            t.assigned_officer.clear();
            t.assigned_officer_name.clear();
            break;
        case Status::done:
            t.after_photo_tokens = r.after_photo_tokens;
            t.resolution_note = r.note;
            break;
        case Status::closed:
            t.close_reason = r.close_reason;
            break;
        case Status::received:
            break;
    }
    t.history.push_back({now_ms, r.actor, r.actor_name, r.to, t.department, r.note});
    return t;
}

}  // namespace

RedisTicketStore::RedisTicketStore(Redis& redis, std::string key_prefix, std::string id_prefix)
    : redis_(redis), prefix_(std::move(key_prefix)), id_prefix_(std::move(id_prefix)) {
    // The create script splices the id into JSON text unescaped, so it must need no escaping.
    if (id_prefix_.empty()) throw std::invalid_argument("ticket id prefix is empty");
    for (unsigned char c : id_prefix_)
        if (!std::isalnum(c)) throw std::invalid_argument("ticket id prefix must be letters and digits");
}

Ticket RedisTicketStore::create(const tickets::TicketDraft& draft, const std::string& idempotency_key, int64_t now_ms,
                                const tickets::ReporterCap& cap) {
    Ticket t;
    static_cast<tickets::TicketDraft&>(t) = draft;
    t.status = Status::received;
    t.created_ms = now_ms;
    t.updated_ms = now_ms;
    t.history.push_back({now_ms, draft.reporter_user_id, draft.reporter_name, Status::received, draft.department, ""});
    const std::string json = ticket_to_json(t);  // id empty: the script fills it in
    if (json.compare(0, kTicketJsonEmptyIdHead.size(), kTicketJsonEmptyIdHead) != 0)
        throw std::logic_error("ticket JSON does not start with its id");

    std::string id_head = tickets::format_ticket_id(id_prefix_, tickets::buddhist_year_at(now_ms), 0);
    id_head.resize(id_head.size() - 6);  // "PNK-2569-": the script appends the six-digit sequence
    const bool geo = indexable(draft.location);

    RedisReply reply =
        checked(redis_.eval(kCreateScript,
                            {prefix_ + "ticket:idem:" + idempotency_key,
                             prefix_ + "ticket:seq:" + std::to_string(tickets::buddhist_year_at(now_ms)),
                             open_key(draft.department), reporter_key(draft.reporter_user_id),
                             status_key(Status::received), geo_key(draft.kind)},
                            {prefix_ + "ticket:", id_head, json.substr(kTicketJsonEmptyIdHead.size()),
                             std::to_string(now_ms), geo ? "1" : "0", geo ? coordinate(draft.location->longitude) : "0",
                             geo ? coordinate(draft.location->latitude) : "0", kIdempotencyTtlSeconds,
                             std::to_string(cap.per_day), std::to_string(cap.since_ms)}),
                "ticket create");
    if (reply.type == RedisReply::Type::array && reply.elements.size() == 1 &&
        reply.elements[0].type == RedisReply::Type::integer && reply.elements[0].integer == 2)
        throw tickets::ReporterCapReached();
    if (reply.elements.size() != 3) throw RedisUnavailable("ticket create: unexpected reply");
    if (confirm_replicas_ > 0) {
        RedisReply acked = checked(
            redis_.command({"WAIT", std::to_string(confirm_replicas_), std::to_string(confirm_timeout_.count())}),
            "ticket replication");
        if (acked.type != RedisReply::Type::integer || acked.integer < confirm_replicas_) {
            // Fewer replicas connected than asked for (one lost, or just promoted after a failover):
            // waiting cannot help, and refusing every ticket would stop the service. Confirm on
            // what there is and say so; with replicas connected but lagging, try again later.
            RedisReply role = checked(redis_.command({"ROLE"}), "ticket replication");
            long long connected = role.type == RedisReply::Type::array && role.elements.size() >= 3
                                      ? static_cast<long long>(role.elements[2].elements.size())
                                      : 0;
            if (connected >= confirm_replicas_ && (acked.type != RedisReply::Type::integer || acked.integer < connected))
                throw RedisUnavailable("ticket create: not yet on " + std::to_string(confirm_replicas_) +
                                       " replica(s)");
            log::warn("tickets", "fewer Redis replicas connected than redis.confirm_replicas; ticket confirmed on those",
                      {{"connected", std::to_string(connected)}, {"wanted", std::to_string(confirm_replicas_)}});
        }
    }
    auto created = ticket_from_json(reply.elements[2].str);
    if (!created) throw RedisUnavailable("ticket create: stored ticket does not parse");
    return std::move(*created);
}

std::optional<Ticket> RedisTicketStore::get(const std::string& id) {
    RedisReply reply = checked(redis_.command({"HGET", ticket_key(id), "json"}), "ticket get");
    if (reply.is_nil()) return std::nullopt;
    return ticket_from_json(reply.str);
}

std::optional<RedisTicketStore::Stored> RedisTicketStore::load(const std::string& id) {
    RedisReply reply = checked(redis_.command({"HMGET", ticket_key(id), "json", "rev"}), "ticket load");
    if (reply.elements.size() != 2 || reply.elements[0].is_nil()) return std::nullopt;
    auto ticket = ticket_from_json(reply.elements[0].str);
    if (!ticket) return std::nullopt;
    return Stored{std::move(*ticket), reply.elements[1].str};
}

TransitionResult RedisTicketStore::transition(const TransitionRequest& request, int64_t now_ms) {
    for (int attempt = 0; attempt < kMaxCasAttempts; ++attempt) {
        auto stored = load(request.ticket_id);
        if (!stored) return {Outcome::not_found, std::nullopt};
        const Ticket& current = stored->ticket;
        if (current.status != request.expected) return {Outcome::conflict, current};
        if (!request_valid_for(current, request)) return {Outcome::not_allowed, current};

        Ticket next = applied(current, request, now_ms);
        RedisReply reply =
            checked(redis_.eval(kTransitionScript,
                                {ticket_key(current.id), open_key(current.department), open_key(next.department),
                                 status_key(current.status), status_key(next.status), geo_key(current.kind)},
                                {tickets::status_key(request.expected), stored->rev, tickets::status_key(next.status),
                                 ticket_to_json(next), current.id, std::to_string(current.created_ms),
                                 tickets::is_open(next.status) ? "1" : "0"}),
                    "ticket transition");
        const std::string outcome = reply.elements.empty() ? "" : reply.elements[0].str;
        if (outcome == "ok") return {Outcome::ok, std::move(next)};
        if (outcome == "not_found") return {Outcome::not_found, std::nullopt};
        if (outcome == "conflict") {
            std::optional<Ticket> winner;
            if (reply.elements.size() > 1) winner = ticket_from_json(reply.elements[1].str);
            return {Outcome::conflict, std::move(winner)};
        }
        // "stale": a follower or rating was added meanwhile; recompute from the fresh ticket.
    }
    return {Outcome::conflict, get(request.ticket_id)};
}

bool RedisTicketStore::replace_if_unchanged(const Ticket& ticket, const std::string& rev) {
    RedisReply reply =
        checked(redis_.eval(kReplaceScript, {ticket_key(ticket.id)}, {rev, ticket_to_json(ticket)}), "ticket update");
    return reply.integer == 1;
}

bool RedisTicketStore::follow(const std::string& ticket_id, const std::string& user_id) {
    if (user_id.empty()) return false;
    for (int attempt = 0; attempt < kMaxCasAttempts; ++attempt) {
        auto stored = load(ticket_id);
        if (!stored || !tickets::is_open(stored->ticket.status)) return false;
        Ticket& t = stored->ticket;
        if (t.reporter_user_id == user_id) return true;  // told anyway
        for (const auto& f : t.followers)
            if (f == user_id) return true;
        t.followers.push_back(user_id);
        if (replace_if_unchanged(t, stored->rev)) return true;
    }
    return false;
}

bool RedisTicketStore::rate(const std::string& ticket_id, const std::string& user_id, int stars,
                            const std::string& comment, int64_t now_ms) {
    if (stars < 1 || stars > 5) return false;
    for (int attempt = 0; attempt < kMaxCasAttempts; ++attempt) {
        auto stored = load(ticket_id);
        if (!stored) return false;
        Ticket& t = stored->ticket;
        if (t.status != Status::done || t.reporter_user_id != user_id || t.rating != 0) return false;
        t.rating = stars;
        t.rating_comment = comment;
        t.updated_ms = now_ms;
        if (replace_if_unchanged(t, stored->rev)) return true;
    }
    return false;
}

std::vector<std::string> RedisTicketStore::ids_of(const RedisReply& reply) const {
    std::vector<std::string> ids;
    ids.reserve(reply.elements.size());
    for (const auto& e : reply.elements) ids.push_back(e.str);
    return ids;
}

std::vector<Ticket> RedisTicketStore::fetch(const std::vector<std::string>& ids) {
    std::vector<Ticket> out;
    if (ids.empty()) return out;
    std::vector<std::string> keys;
    keys.reserve(ids.size());
    for (const auto& id : ids) keys.push_back(ticket_key(id));
    RedisReply reply = checked(redis_.eval(kFetchScript, keys, {}), "ticket fetch");
    for (const auto& e : reply.elements) {
        if (e.is_nil()) continue;
        if (auto t = ticket_from_json(e.str)) out.push_back(std::move(*t));
    }
    return out;
}

std::vector<Ticket> RedisTicketStore::by_reporter(const std::string& user_id, std::size_t limit) {
    if (limit == 0) return {};
    RedisReply reply = checked(redis_.command({"ZRANGE", reporter_key(user_id), "0", std::to_string(limit - 1), "REV"}),
                               "tickets by reporter");
    return fetch(ids_of(reply));
}

std::vector<Ticket> RedisTicketStore::open_by_department(const std::string& department, std::size_t limit) {
    if (limit == 0) return {};
    RedisReply reply =
        checked(redis_.command({"ZRANGE", open_key(department), "0", std::to_string(limit - 1)}), "open tickets");
    return fetch(ids_of(reply));
}

std::vector<Ticket> RedisTicketStore::open_nearby(const std::string& kind, double latitude, double longitude,
                                                  double radius_m) {
    if (!(radius_m > 0) || !indexable(tickets::GeoPoint{latitude, longitude, {}, {}})) return {};
    RedisReply reply = checked(redis_.command({"GEOSEARCH", geo_key(kind), "FROMLONLAT", coordinate(longitude),
                                               coordinate(latitude), "BYRADIUS", coordinate(radius_m), "m", "ASC"}),
                               "tickets nearby");
    std::vector<Ticket> out;
    for (auto& t : fetch(ids_of(reply)))
        if (tickets::is_open(t.status) && t.kind == kind) out.push_back(std::move(t));
    return out;
}

// KEYS: the status sets (ARGV[1] of them), then the open zsets. Returns their sizes in that order.
const std::string kCountsScript = R"lua(
local out = {}
local sets = tonumber(ARGV[1])
for i = 1, #KEYS do
  if i <= sets then out[i] = redis.call('SCARD', KEYS[i]) else out[i] = redis.call('ZCARD', KEYS[i]) end
end
return out
)lua";

RedisTicketStore::Counts RedisTicketStore::counts(const std::vector<std::string>& departments) {
    constexpr Status kAll[] = {Status::received, Status::accepted, Status::in_progress,
                               Status::done,     Status::forwarded, Status::closed};
    std::vector<std::string> keys;
    for (Status s : kAll) keys.push_back(status_key(s));
    for (const auto& d : departments) keys.push_back(open_key(d));
    RedisReply reply = checked(redis_.eval(kCountsScript, keys, {std::to_string(std::size(kAll))}), "ticket counts");
    if (reply.type != RedisReply::Type::array || reply.elements.size() != keys.size())
        throw RedisUnavailable("ticket counts: unexpected reply");
    Counts out;
    std::size_t i = 0;
    for (Status s : kAll) out.by_status.emplace_back(s, reply.elements[i++].integer);
    for (const auto& d : departments) out.open_by_department.emplace_back(d, reply.elements[i++].integer);
    return out;
}

}  // namespace thesaban::store
