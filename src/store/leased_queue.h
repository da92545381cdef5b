#pragma once
// The one durable queue of the bot, shared by every bot process on one Redis, in order per chat:
// the inbox holds webhook events between "LINE got its 200" and "the bot finished with them"
// (chat: the user, group or room), the outbox holds pushes until LINE has them (chat: the
// recipient). Each is a LeasedQueue of its own name.
//
// Why per-chat leases (and not Redis Streams with consumer groups): a chat's events must run one at
// a time and in the order they were accepted, whichever process accepted them. A consumer group
// hands entries to whichever consumer asks, so two processes would run one chat's events at once;
// a lease on the chat makes the order a property of the data. Accepting an event appends it to its
// chat's list and, when nobody holds that chat, grants the lease to the accepting process in the
// same script: the common case (a resident's message, nobody else busy with that chat) runs at
// once, with no claim round trip. Completing an event returns the chat's next event under the same
// lease, or releases the chat. A lease is held by a process, and valid while that process's
// heartbeat key lives; a process that dies (SIGKILL, lost machine) stops beating, and another takes
// its chats over with their events still in order. Nothing is ever run by two live processes: the
// take-over only happens to a holder whose heartbeat is gone, and a process whose own heartbeat
// lapsed (cut off from Redis) finds its completions refused and drops the chat.
//
// Every key shares one hash tag, so each script touches one Redis Cluster slot.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/redis.h"

namespace thesaban::store {

struct InboxRecord {
    std::string event_id;
    std::string chat;  // user, group or room id; "event:<id>" for an event without a chat
    std::string event_json;
};

enum class Admission {
    duplicate,  // seen before (LINE redelivered it, or another process has it)
    run_now,    // stored, and the chat's lease is this process's: run it now
    queued,     // stored behind the chat's earlier events; their holder runs it after them
};

struct LeasedEvent {
    std::string chat;
    std::string event_id;
    std::string event_json;
};

struct Completion {
    enum class Status { next, released, lease_lost };
    Status status = Status::released;
    std::optional<LeasedEvent> next;  // with Status::next: the chat's next event, still under our lease
};

// A script call as data, so the webhook path can send it on its loop's connection (and group
// several webhooks' events into one call) while tests and tools use `store::Redis`.
struct ScriptCall {
    const std::string* script = nullptr;
    std::vector<std::string> keys;
    std::vector<std::string> args;
};

class LeasedQueue {
public:
    // `owner`: this process's id, unique per start. `lease_ttl`: how long a silent process keeps its chats.
    // `name`: the queue's keys are "{<key_prefix><name>}:..." ("inbox", "outbox").
    LeasedQueue(Redis& redis, const std::string& key_prefix, std::chrono::seconds dedup_ttl, std::string owner,
                std::chrono::milliseconds lease_ttl, const std::string& name = "inbox");

    const std::string& owner() const { return owner_; }
    std::chrono::milliseconds lease_ttl() const { return lease_ttl_; }

    ScriptCall accept_call(const std::vector<InboxRecord>& records, int64_t now_ms) const;
    // One admission per record, and in `pending` the events stored and not yet completed (all
    // processes) once these were added. Throws RedisUnavailable for an error reply,
    // std::runtime_error for a reply of the wrong shape (then nothing is assumed about the events:
    // LINE gets a 503 and redelivers).
    static std::vector<Admission> read_accept(const RedisReply& reply, std::size_t count,
                                              std::size_t* pending = nullptr);
    std::vector<Admission> accept(const std::vector<InboxRecord>& records, int64_t now_ms,
                                  std::size_t* pending = nullptr);

    // The event is done: removed, and the chat's next event returned (or the chat released).
    Completion complete(const std::string& chat, const std::string& event_id, int64_t now_ms);
    // Keeps this process's leases valid for another lease_ttl. Call every lease_ttl / 3 or so.
    void heartbeat();
    // Clean shutdown: our leases become free at once (the chats are taken over by whoever sweeps next).
    void resign();
    // Chats whose holder is gone, now ours, each with its first event; at most `limit`. Also this
    // process's own chats idle for a lease_ttl: the caller must skip those it is running (an accept
    // whose reply was lost, Redis restarting, leased one to us that nothing runs).
    std::vector<LeasedEvent> take_over(int64_t now_ms, std::size_t limit);
    // Events stored and not yet completed (all processes).
    std::size_t pending();
    // Moves events that the previous release's inbox (prefix + "webhook:inbox", a hash, and its
    // order zset) still holds into this one, as chats nobody holds, so an upgrade loses nothing.
    // Returns how many moved; call until 0.
    std::size_t adopt_legacy(std::size_t limit);
    // Stores records as if accepted by nobody: their chats wait, unheld, for the next take-over
    // (any process). For moving work from an older layout. Returns how many were new.
    std::size_t adopt(const std::vector<InboxRecord>& records);

private:
    Redis& redis_;
    std::string key_prefix_;
    std::string base_;  // "{<prefix><name>}:" – the hash tag covers every key below
    std::string events_key_;
    std::string leases_key_;
    std::string activity_key_;
    std::chrono::seconds dedup_ttl_;
    std::string owner_;
    std::chrono::milliseconds lease_ttl_;
};

// The chat an event belongs to, for ordering: its group, room or user; else its own id.
std::string inbox_chat(const std::string& chat_id, const std::string& event_id);

}  // namespace thesaban::store
