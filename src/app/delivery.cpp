#include "app/delivery.h"

#include "core/log.h"

namespace thesaban::app {
namespace {
constexpr std::size_t kMessagesPerRequest = 5;  // LINE's limit for reply and push
}

Delivery::Delivery(line::MessagingApi& api, handlers::Notifier& pushes, std::chrono::seconds reply_token_lifetime,
                   NowMs now_ms)
    : api_(api), pushes_(pushes), reply_token_lifetime_(reply_token_lifetime), now_ms_(std::move(now_ms)) {}

bool Delivery::deliver(const line::Event& event, const std::vector<std::string>& messages, bool rerun) {
    if (messages.empty()) return true;
    std::vector<std::vector<std::string>> batches;
    for (std::size_t i = 0; i < messages.size(); i += kMessagesPerRequest)
        batches.emplace_back(messages.begin() + static_cast<long>(i),
                             messages.begin() + static_cast<long>(std::min(messages.size(), i + kMessagesPerRequest)));

    const std::string& to = event.source.chat_id();
    for (std::size_t i = 0; i < batches.size(); ++i) {
        if (i == 0 && event.reply_token && !event.reply_token->empty()) {
            int64_t age_ms = now_ms_() - event.timestamp_ms;
            if (age_ms < std::chrono::duration_cast<std::chrono::milliseconds>(reply_token_lifetime_).count()) {
                auto result = api_.reply(*event.reply_token, batches[0]);
                if (result.ok()) continue;
                // LINE spends a reply token only on a reply it accepted, and only we hold it: refused
                // while still fresh on a re-run or a retry, it was our own earlier reply (cut off before
                // we heard or recorded it). Pushing now would answer the resident twice.
                if ((rerun || result.attempts > 1) && line::is_invalid_reply_token(result)) {
                    log::info("delivery", "reply already delivered before; not repeated",
                              {{"event", event.webhook_event_id}});
                    continue;
                }
                if (!to.empty() && (result.status == 0 || result.status == 429 || result.status >= 500)) {
                    // LINE may or may not have taken it: the outbox tries the same token again
                    // while it is fresh (a spent token then means it went out), then pushes.
                    pushes_.reply_or_push(
                        to, batches[0], "answer:" + event.webhook_event_id + ":0", *event.reply_token,
                        event.timestamp_ms +
                            std::chrono::duration_cast<std::chrono::milliseconds>(reply_token_lifetime_).count());
                    continue;
                }
                log::warn("delivery", "reply refused, pushing instead",
                          {{"event", event.webhook_event_id}, {"status", std::to_string(result.status)}});
            }
        }
        if (to.empty()) {
            log::warn("delivery", "no chat to push to", {{"event", event.webhook_event_id}});
            return false;
        }
        pushes_.push(to, batches[i], "answer:" + event.webhook_event_id + ":" + std::to_string(i));
    }
    return true;
}

}  // namespace thesaban::app
