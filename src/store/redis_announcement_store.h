#pragma once
// Announcements in Redis: the record, its delivery plan (per chunk: recipients and retry key, fixed
// once) and each chunk's delivery state; the history; who follows the account and who subscribes
// to which topic; the due queue the sender works from; LINE's broadcast rate window.
//
// Keys, under the prefix:
//   ann:seq                    counter for ids
//   ann:{id}                   hash: json (the draft and who/when), status, chunks (count, once planned), finished_at
//   ann:{id}:chunk:{i}         chunk JSON {retry_key, to[]}; written once by plan(), expires a month after finish()
//   ann:{id}:delivery          hash i → delivery JSON (state, request id, attempts, ...)
//   ann:history                zset id by creation time
//   ann:due                    zset id by when it is due (send_at, or a retry)
//   ann:lease:{id}             set while one sender works on it (PX lease)
//   ann:idem:{key}             the id created for an idempotency key (a day)
//   ann:broadcasts             zset of broadcast retry keys by send time (the hourly window)
//   news:followers, news:unfollowed, news:topic:{key}   sets of LINE user ids
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "announcements/announcement.h"
#include "handlers/announcements/news_ports.h"
#include "store/redis.h"

namespace thesaban::store {

class RedisAnnouncementStore final : public handlers::NewsAudience, public handlers::NewsArchive {
public:
    RedisAnnouncementStore(Redis& redis, std::string key_prefix, std::vector<std::string> topics);

    // Stores the announcement and makes it due at send_at (or now); the same non-empty
    // idempotency key returns the id created before. Throws RedisUnavailable.
    std::string create(const announcements::Draft& draft, const std::string& created_by, int64_t now_ms,
                       const std::string& idempotency_key = {});
    std::optional<announcements::Announcement> get(const std::string& id);
    // Newest first, with each chunk's delivery state.
    std::vector<announcements::Announcement> history(std::size_t limit);

    // Ids due at `now_ms` that no other sender holds, leased for `lease`.
    std::vector<std::string> claim_due(int64_t now_ms, std::chrono::milliseconds lease, std::size_t limit);
    void renew_lease(const std::string& id, std::chrono::milliseconds lease);
    // Due again at `due_ms` (a retry, or the broadcast window); the lease is dropped.
    void reschedule(const std::string& id, int64_t due_ms);
    // One sender per Redis (as the inbox sweeper assumes): at start the leases of a process that
    // died are taken over at once instead of after their expiry.
    void release_all_leases();

    // Fixes the plan: false when it was planned before (the stored plan stands).
    bool plan(const std::string& id, const std::vector<announcements::Chunk>& chunks);
    std::optional<announcements::Chunk> chunk(const std::string& id, std::size_t index);
    void record_delivery(const std::string& id, std::size_t index, const announcements::ChunkDelivery& delivery);
    // Every chunk is sent or failed: status sent (or failed if any failed) and off the due queue.
    void finish(const std::string& id, announcements::Status status, int64_t now_ms);

    // The topic's subscribers minus anyone who unfollowed.
    std::vector<std::string> recipients(const std::string& topic);
    // Takes one of `per_hour` broadcast slots in the sliding hour; 0 when taken, else when one frees.
    // Taking it again for the same retry key does not use another slot.
    int64_t take_broadcast_slot(const std::string& retry_key, int64_t now_ms, int per_hour);

    // handlers::NewsAudience
    void follow(const std::string& user_id) override;
    void unfollow(const std::string& user_id) override;
    void subscribe(const std::string& user_id, const std::string& topic) override;
    void unsubscribe(const std::string& user_id, const std::string& topic) override;
    std::vector<std::string> subscriptions(const std::string& user_id) override;
    // handlers::NewsArchive
    std::vector<announcements::Announcement> latest_published(std::size_t limit) override;

private:
    std::string key(const std::string& suffix) const { return prefix_ + suffix; }
    std::string topic_key(const std::string& topic) const { return prefix_ + "news:topic:" + topic; }
    RedisReply checked(const RedisReply& reply, const char* what);

    Redis& redis_;
    std::string prefix_;
    std::vector<std::string> topics_;
};

}  // namespace thesaban::store
