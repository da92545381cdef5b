#include "app/announcement_sender.h"

#include <algorithm>
#include <exception>

#include "core/log.h"

namespace thesaban::app {
namespace {
constexpr std::string_view kComponent = "announcements";

bool permanently_refused(const line::ApiResult& result) {
    return result.status >= 400 && result.status < 500 && result.status != 429;
}

}  // namespace

AnnouncementSender::AnnouncementSender(store::RedisAnnouncementStore& store, line::MessagingApi& api,
                                       const handlers::AnnouncementCards& cards, Options options, NowMs now_ms)
    : store_(store),
      api_(api),
      cards_(cards),
      options_(options),
      now_ms_(std::move(now_ms)),
      loop_("announcements", options.batch, options.poll_interval, [this] { return pass(); }) {}

AnnouncementSender::~AnnouncementSender() { stop(); }

void AnnouncementSender::start() { loop_.start(); }
void AnnouncementSender::start_on(runtime::Loop& loop) { loop_.start_on(loop); }
void AnnouncementSender::stop() { loop_.stop(); }
void AnnouncementSender::wake() { loop_.wake(); }

std::string AnnouncementSender::publish(const announcements::Draft& draft, const std::string& created_by,
                                        const std::string& idempotency_key) {
    std::string id = store_.create(draft, created_by, now_ms_(), idempotency_key);
    log::info(kComponent, "announcement queued",
              {{"id", id},
               {"topic", draft.topic.empty() ? "(broadcast)" : draft.topic},
               {"send_at", draft.send_at_ms ? announcements::format_iso8601(draft.send_at_ms) : "now"}});
    wake();
    return id;
}

std::size_t AnnouncementSender::pass() {
    if (!leases_released_) {
        // Whatever a previous run of the bot left half-sent is resumed now, not after its lease.
        store_.release_all_leases();
        leases_released_ = true;
    }
    return run_once();
}

std::size_t AnnouncementSender::run_once() {
    auto ids = store_.claim_due(now_ms_(), options_.lease, options_.batch);
    for (const auto& id : ids) {
        if (loop_.stopping()) {
            store_.reschedule(id, now_ms_());  // let the next start pick it up at once
            continue;
        }
        deliver(id);
    }
    return ids.size();
}

void AnnouncementSender::deliver(const std::string& id) {
    using announcements::ChunkState;
    auto announcement = store_.get(id);
    if (!announcement) {
        log::error(kComponent, "due announcement has no record, dropped", {{"id", id}});
        store_.finish(id, announcements::Status::failed, now_ms_());
        return;
    }
    if (!announcement->planned) {
        std::vector<announcements::Chunk> chunks;
        if (announcement->draft.topic.empty()) {
            chunks.push_back(announcements::plan_broadcast());
        } else {
            chunks = announcements::plan_multicast(store_.recipients(announcement->draft.topic), options_.chunk_size);
        }
        store_.plan(id, chunks);  // false: planned by an earlier run; that plan stands
        announcement = store_.get(id);
        if (!announcement) return;
        log::info(kComponent, "announcement planned",
                  {{"id", id},
                   {"chunks", std::to_string(announcement->chunks.size())},
                   {"topic", announcement->draft.topic.empty() ? "(broadcast)" : announcement->draft.topic}});
    }

    const std::vector<std::string> messages{
        json::to_string(cards_.message(announcement->draft, handlers::announcement_date_ms(*announcement)))};
    bool any_failed = false;
    for (std::size_t i = 0; i < announcement->chunks.size(); ++i) {
        auto& delivery = announcement->chunks[i];
        if (delivery.state == ChunkState::failed) any_failed = true;
        if (delivery.state != ChunkState::pending) continue;
        auto chunk = store_.chunk(id, i);
        if (!chunk) {
            log::error(kComponent, "chunk missing from the plan", {{"id", id}, {"chunk", std::to_string(i)}});
            delivery.state = ChunkState::failed;
            delivery.error = "chunk missing";
            store_.record_delivery(id, i, delivery);
            any_failed = true;
            continue;
        }
        const bool broadcast = chunk->to.empty();
        if (broadcast) {
            int64_t free_at = store_.take_broadcast_slot(chunk->retry_key, now_ms_(), options_.broadcasts_per_hour);
            if (free_at > 0) {
                log::warn(kComponent, "broadcast limit reached, waiting for a free slot",
                          {{"id", id}, {"until", announcements::format_iso8601(free_at)}});
                store_.reschedule(id, free_at);
                return;
            }
        }
        line::ApiResult result;
        try {
            result = broadcast ? api_.broadcast(messages, chunk->retry_key)
                               : api_.multicast(chunk->to, messages, chunk->retry_key);
        } catch (const std::exception& e) {
            result.status = 0;
            result.error = e.what();
        }
        delivery.attempts += 1;
        delivery.status = result.status;
        if (result.ok()) {
            delivery.state = ChunkState::sent;
            delivery.request_id = result.accepted_earlier && !result.accepted_request_id.empty()
                                      ? result.accepted_request_id
                                      : result.request_id;
            delivery.error.clear();
            delivery.at_ms = now_ms_();
            store_.record_delivery(id, i, delivery);
            store_.renew_lease(id, options_.lease);
            log::info(kComponent, "chunk sent",
                      {{"id", id},
                       {"chunk", std::to_string(i)},
                       {"recipients", std::to_string(chunk->to.size())},
                       {"request_id", delivery.request_id},
                       {"retry_key", chunk->retry_key},
                       {"accepted_earlier", result.accepted_earlier ? "true" : "false"}});
            continue;
        }
        if (permanently_refused(result)) {
            delivery.state = ChunkState::failed;
            delivery.error = result.body.empty() ? result.error : result.body;
            delivery.at_ms = now_ms_();
            store_.record_delivery(id, i, delivery);
            any_failed = true;
            log::error(kComponent, "chunk refused by LINE",
                       {{"id", id},
                        {"chunk", std::to_string(i)},
                        {"status", std::to_string(result.status)},
                        {"request_id", result.request_id},
                        {"body", result.body}});
            continue;
        }
        delivery.error = result.error.empty() ? result.body : result.error;
        store_.record_delivery(id, i, delivery);
        auto wait = retry_backoff(delivery.attempts, options_.first_backoff, options_.max_backoff);
        log::warn(kComponent, "chunk not delivered, will retry",
                  {{"id", id},
                   {"chunk", std::to_string(i)},
                   {"status", std::to_string(result.status)},
                   {"error", delivery.error},
                   {"retry_in_ms", std::to_string(wait.count())}});
        store_.reschedule(id, now_ms_() + wait.count());
        return;
    }
    auto status = any_failed ? announcements::Status::failed : announcements::Status::sent;
    store_.finish(id, status, now_ms_());
    log::info(kComponent, "announcement finished",
              {{"id", id}, {"status", std::string(announcements::status_key(status))}});
}

}  // namespace thesaban::app
