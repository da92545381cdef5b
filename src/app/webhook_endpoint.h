#pragma once
// POST /webhook, on the loop whose connection carried it: signature first (raw bytes, constant
// time), then parsing, then the events stored in the leased inbox (group commit with whatever else
// this loop accepted in the same turn); the 200 goes out once Redis has them, and the events whose
// chats this process now holds start at once on this loop. Redis down, or more work pending than
// the configured bound → 503, so LINE redelivers later instead of us wasting reply tokens. Redis up
// but refusing writes (OOM, MISCONF), which lasts until an operator acts: each resident is told by
// reply that their message was not recorded and to try again later, and LINE gets its 200 (the
// event is dropped, never run later behind the resident's back); a body with an event nobody can
// be told about still gets 503.
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
namespace thesaban::line {
class MessagingApi;
}

namespace thesaban::app {

class AcceptBatcher;
class ChatRunner;

int64_t now_ms();

class WebhookEndpoint {
public:
    WebhookEndpoint(std::string channel_secret, runtime::EventLoops& loops, store::LeasedQueue& inbox,
                    ChatRunner& runner, std::size_t max_events_in_flight, std::size_t max_pending_events,
                    line::MessagingApi& api, std::string storage_unavailable_message);
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
    line::MessagingApi& api_;
    std::string storage_unavailable_message_;  // a LINE message object (JSON), rendered at start-up
};

}  // namespace thesaban::app
