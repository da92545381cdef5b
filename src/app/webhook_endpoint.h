#pragma once
// POST /webhook, on the loop whose connection carried it: signature first (raw bytes, constant
// time), then parsing, then the events stored in the leased inbox (group commit with whatever else
// this loop accepted in the same turn); the 200 goes out once Redis has them, and the events whose
// chats this process now holds start at once on this loop. Redis down, or more work pending than
// the configured bound → 503, so LINE redelivers later instead of us wasting reply tokens.
#include <boost/asio/awaitable.hpp>

#include <memory>
#include <string>
#include <vector>

#include "http/http_message.h"
#include "line/signature.h"
#include "store/leased_queue.h"

namespace thesaban::runtime {
class EventLoops;
}

namespace thesaban::app {

class AcceptBatcher;
class ChatRunner;

int64_t now_ms();

class WebhookEndpoint {
public:
    WebhookEndpoint(std::string channel_secret, runtime::EventLoops& loops, store::LeasedQueue& inbox,
                    ChatRunner& runner, std::size_t max_events_in_flight, std::size_t max_pending_events);
    ~WebhookEndpoint();
    boost::asio::awaitable<http::Response> handle(const http::Request& request);

    // Events being worked on by this process, all loops.
    std::size_t events_in_flight() const;

private:
    line::SignatureVerifier signature_;
    runtime::EventLoops& loops_;
    ChatRunner& runner_;
    std::size_t max_events_in_flight_;
    std::size_t max_pending_events_;
    std::vector<std::unique_ptr<AcceptBatcher>> batchers_;  // one per loop
};

}  // namespace thesaban::app
