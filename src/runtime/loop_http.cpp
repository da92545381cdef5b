#include "runtime/loop_http.h"

#include "line/async_http_client.h"
#include "runtime/event_loops.h"
#include "runtime/fiber.h"

namespace thesaban::runtime {

line::HttpResponse LoopHttpTransport::send(const line::HttpRequest& request, std::chrono::milliseconds timeout) {
    Loop* loop = current_loop();
    if (!loop || !in_fiber() || !loop->http) return off_loop_.send(request, timeout);
    return suspend([&](Yield& yield) { return loop->http->async_send(request, timeout, yield); });
}

}  // namespace thesaban::runtime
