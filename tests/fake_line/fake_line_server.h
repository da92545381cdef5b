#pragma once
// The fake LINE API's HTTP/1.1 server (Beast, keep-alive, a coroutine per connection on its own
// strand). Beast stays out of this header so main.cpp compiles fast.
#include <functional>

#include "fake_line_api.h"

namespace fake_line {

// Listens on 127.0.0.1:`port` (0: a free port), calls `on_listening(port)` once bound, serves
// `api` until SIGTERM or SIGINT. Returns the process exit code.
int run_server(FakeLineApi& api, unsigned short port, const std::function<void(unsigned short)>& on_listening);

}  // namespace fake_line
