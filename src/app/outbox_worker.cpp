#include "app/outbox_worker.h"

#include <algorithm>
#include <exception>
#include <string>

#include "core/log.h"
#include "core/random.h"

namespace thesaban::app {
namespace {
constexpr std::string_view kComponent = "outbox";

bool permanently_refused(const line::ApiResult& result) {
    return result.status >= 400 && result.status < 500 && result.status != 429;
}
}  // namespace

OutboxWorker::OutboxWorker(store::RedisOutbox& outbox, line::MessagingApi& api, Options options)
    : outbox_(outbox),
      api_(api),
      options_(options),
      loop_("outbox", options.batch, options.poll_interval, [this] { return run_once(); }) {}

OutboxWorker::~OutboxWorker() { stop(); }

void OutboxWorker::start() {
    outbox_.set_on_enqueued([this] { wake(); });
    loop_.start();
}

void OutboxWorker::start_on(runtime::Loop& loop) {
    outbox_.set_on_enqueued([this] { wake(); });
    loop_.start_on(loop);
}

void OutboxWorker::stop() {
    // Unset first: once it returns no push can call into this worker any more.
    outbox_.set_on_enqueued({});
    loop_.stop();
}

void OutboxWorker::wake() { loop_.wake(); }

std::chrono::milliseconds OutboxWorker::backoff(int failed_attempts, const Options& options) {
    return retry_backoff(failed_attempts, options.first_backoff, options.max_backoff);
}

std::size_t OutboxWorker::run_once() {
    std::vector<store::OutboxEntry> entries = outbox_.claim_due(options_.batch, options_.lease);
    for (auto& entry : entries) send(entry);
    return entries.size();
}

void OutboxWorker::send(store::OutboxEntry& entry) {
    const std::string retry_key = uuid_from_name("outbox:" + entry.dedup_key);
    line::ApiResult result;
    try {
        result = api_.push(entry.to, entry.messages, retry_key);
    } catch (const std::exception& e) {
        result.status = 0;
        result.error = e.what();
    }

    if (result.ok()) {
        outbox_.remove(entry.dedup_key);
        return;
    }
    if (permanently_refused(result)) {
        // Retrying cannot help (blocked, bad message, unknown user); LINE's body says why.
        log::error(kComponent, "push refused, dropped",
                   {{"status", std::to_string(result.status)},
                    {"to", log::mask_id(entry.to)},
                    {"retry_key", retry_key},
                    {"request_id", result.request_id},
                    {"body", result.body}});
        outbox_.remove(entry.dedup_key);
        return;
    }
    entry.attempts += 1;
    const auto wait = backoff(entry.attempts, options_);
    entry.next_at_ms = outbox_.now_ms() + wait.count();
    log::warn(kComponent, "push failed, will retry",
              {{"status", std::to_string(result.status)},
               {"error", result.error},
               {"to", log::mask_id(entry.to)},
               {"retry_key", retry_key},
               {"attempts", std::to_string(entry.attempts)},
               {"retry_in_ms", std::to_string(wait.count())}});
    outbox_.reschedule(entry);
}

}  // namespace thesaban::app
