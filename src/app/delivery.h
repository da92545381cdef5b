#pragma once
// Gets a handler's answers to the chat: the reply token once (while it is fresh) for the first five
// messages, push for the rest and whenever the reply is refused or LINE cannot be reached. Pushes go
// through the outbox (store/outbox.h): stored first, sent at once, retried through a LINE outage,
// with dedup keys derived from the event id, so a send repeated after a crash is stored once and
// answered 409 by LINE instead of arriving twice.
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "handlers/common/ports.h"
#include "line/messaging_api.h"
#include "line/webhook.h"

namespace thesaban::app {

class Delivery {
public:
    using NowMs = std::function<int64_t()>;
    Delivery(line::MessagingApi& api, handlers::Notifier& pushes, std::chrono::seconds reply_token_lifetime,
             NowMs now_ms);

    // True when every message reached LINE or is stored in the outbox to be pushed; false when an
    // answer has nowhere to go. Throws RedisUnavailable when a push cannot be stored (the event is
    // then run again). `rerun`: the event is being run again (its process died, or Redis failed),
    // so its reply may already have gone out.
    bool deliver(const line::Event& event, const std::vector<std::string>& messages, bool rerun = false);

private:
    line::MessagingApi& api_;
    handlers::Notifier& pushes_;
    std::chrono::seconds reply_token_lifetime_;
    NowMs now_ms_;
};

}  // namespace thesaban::app
