#pragma once
// Delivers announcements (src/store/redis_announcement_store.h) to LINE in the background, as a
// fiber on an event loop (app/polling_loop.h): it wakes when one is queued in this process and
// otherwise polls (scheduled ones coming due, retries). An announcement is planned once when it first comes due (a broadcast: one
// chunk; a topic: its subscribers minus the unfollowed, in chunks of 500, each with its own retry
// key), then sent chunk by chunk; each chunk's state is stored before the next goes, so a restart
// resumes exactly the chunks not yet sent, with the same retry keys (a chunk LINE had already
// accepted is answered 409 and counts as sent). Broadcasts keep within LINE's hourly limit: over
// it, the announcement waits until a slot frees.
#include <chrono>
#include <cstdint>
#include <functional>

#include "app/polling_loop.h"
#include "handlers/announcements/announcement_cards.h"
#include "handlers/announcements/news_ports.h"
#include "line/messaging_api.h"
#include "store/redis_announcement_store.h"

namespace thesaban::runtime {
struct Loop;
}

namespace thesaban::app {

class AnnouncementSender final : public handlers::AnnouncementPublisher {
public:
    struct Options {
        std::chrono::milliseconds poll_interval{1000};
        std::chrono::milliseconds lease{std::chrono::minutes(5)};
        std::chrono::milliseconds first_backoff{std::chrono::seconds(5)};
        std::chrono::milliseconds max_backoff{std::chrono::minutes(10)};
        int broadcasts_per_hour = 60;
        std::size_t chunk_size = 500;
        std::size_t batch = 5;
    };
    using NowMs = std::function<int64_t()>;

    AnnouncementSender(store::RedisAnnouncementStore& store, line::MessagingApi& api,
                       const handlers::AnnouncementCards& cards, Options options, NowMs now_ms);
    AnnouncementSender(const AnnouncementSender&) = delete;
    AnnouncementSender& operator=(const AnnouncementSender&) = delete;
    ~AnnouncementSender();  // stop()

    void start();  // a thread of its own (tools, tests)
    void start_on(runtime::Loop& loop);  // a fiber on the bot's event loop
    void stop();
    void wake();

    // handlers::AnnouncementPublisher: stores it (due at send_at or now) and wakes the sender.
    std::string publish(const announcements::Draft& draft, const std::string& created_by,
                        const std::string& idempotency_key) override;

    // One pass over what is due; the number of announcements worked on. Throws RedisUnavailable.
    std::size_t run_once();

private:
    // run_once, after handing back (once) the leases a previous run of the bot left.
    std::size_t pass();
    void deliver(const std::string& id);

    store::RedisAnnouncementStore& store_;
    line::MessagingApi& api_;
    const handlers::AnnouncementCards& cards_;
    const Options options_;
    NowMs now_ms_;

    bool leases_released_ = false;  // touched by the loop's thread only
    PollingLoop loop_;
};

}  // namespace thesaban::app
