#include "app/delivery.h"

#include "core/log.h"
#include "core/random.h"

namespace thesaban::app {
namespace {
constexpr std::size_t kMessagesPerRequest = 5;  // LINE's limit for reply and push
}

Delivery::Delivery(line::MessagingApi& api, std::chrono::seconds reply_token_lifetime, NowMs now_ms)
    : api_(api), reply_token_lifetime_(reply_token_lifetime), now_ms_(std::move(now_ms)) {}

bool Delivery::deliver(const line::Event& event, const std::vector<std::string>& messages, bool rerun) {
    if (messages.empty()) return true;
    std::vector<std::vector<std::string>> batches;
    for (std::size_t i = 0; i < messages.size(); i += kMessagesPerRequest)
        batches.emplace_back(messages.begin() + static_cast<long>(i),
                             messages.begin() + static_cast<long>(std::min(messages.size(), i + kMessagesPerRequest)));

    const std::string& to = event.source.chat_id();
    bool all_delivered = true;
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
                log::warn("delivery", "reply refused, pushing instead",
                          {{"event", event.webhook_event_id}, {"status", std::to_string(result.status)}});
            }
        }
        if (to.empty()) {
            log::warn("delivery", "no chat to push to", {{"event", event.webhook_event_id}});
            return false;
        }
        auto key = uuid_from_name("push:" + event.webhook_event_id + ":" + std::to_string(i));
        auto result = api_.push(to, batches[i], key);
        if (!result.ok()) {
            all_delivered = false;
            log::error("delivery", "push failed",
                       {{"event", event.webhook_event_id}, {"to", log::mask_id(to)}, {"status", std::to_string(result.status)},
                        {"request_id", result.request_id}});
        }
    }
    return all_delivered;
}

}  // namespace thesaban::app
