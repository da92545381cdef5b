#pragma once
// `line::HttpTransport` for code that runs on the event loops: inside a fiber, the call goes out on
// the loop's own keep-alive pool and the fiber waits; elsewhere (the command-line tools, a thread
// of its own in tests) the blocking client serves it. HttpMessagingApi, its retries and its limit checks stay as
// they are; its backoff waits go through runtime::sleep_for, so a 429 storm parks fibers, not threads.
#include "line/http_client.h"

namespace thesaban::runtime {

class LoopHttpTransport final : public line::HttpTransport {
public:
    explicit LoopHttpTransport(line::HttpTransport& off_loop) : off_loop_(off_loop) {}
    line::HttpResponse send(const line::HttpRequest& request, std::chrono::milliseconds timeout) override;

private:
    line::HttpTransport& off_loop_;
};

}  // namespace thesaban::runtime
