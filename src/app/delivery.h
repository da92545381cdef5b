#pragma once
// Gets a handler's answers to the chat: the reply token once (while it is fresh) for the first five
// messages, push for the rest and whenever the reply is refused. Push retry keys are derived from
// the event id, so a send repeated after a crash is answered 409 by LINE instead of arriving twice.
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "line/messaging_api.h"
#include "line/webhook.h"

namespace thesaban::app {

class Delivery {
public:
    using NowMs = std::function<int64_t()>;
    Delivery(line::MessagingApi& api, std::chrono::seconds reply_token_lifetime, NowMs now_ms);

    // True when every message reached LINE (or LINE already had it). `rerun`: the event is being run
    // again after its process died, so its reply may already have gone out before the crash.
    bool deliver(const line::Event& event, const std::vector<std::string>& messages, bool rerun = false);

private:
    line::MessagingApi& api_;
    std::chrono::seconds reply_token_lifetime_;
    NowMs now_ms_;
};

}  // namespace thesaban::app
