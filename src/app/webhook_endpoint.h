#pragma once
// POST /webhook: signature first (on the raw bytes, constant time), then parsing, then one Redis
// round trip that de-duplicates and stores the events; the 200 goes out as soon as they are
// stored, and the events are processed afterwards. Redis down → 503, so LINE redelivers.
#include <atomic>
#include <string>

#include "app/blocking_pool.h"
#include "app/event_dispatcher.h"
#include "http/http_message.h"
#include "store/event_inbox.h"

namespace thesaban::app {

class WebhookEndpoint {
public:
    WebhookEndpoint(std::string channel_secret, store::EventInbox& inbox, BlockingPool& blocking,
                    EventDispatcher& dispatcher);
    boost::asio::awaitable<http::Response> handle(const http::Request& request);

    // Sweeps the inbox for events a crash or an outage left unfinished; returns how many it queued.
    std::size_t recover(int64_t accepted_before_ms);

private:
    std::string channel_secret_;
    store::EventInbox& inbox_;
    BlockingPool& blocking_;
    EventDispatcher& dispatcher_;
};

int64_t now_ms();

}  // namespace thesaban::app
