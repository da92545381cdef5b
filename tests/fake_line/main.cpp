// fake-line-api --port P [--token T] [--reply-token-ttl-ms MS] [--any-reply-token] [--lean] [--keep-requests N]: the project's
// fake LINE Messaging API for integration tests (see README.md).
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "fake_line_api.h"
#include "fake_line_server.h"

namespace {
int usage() {
    std::cerr << "usage: fake-line-api --port P [--token T] [--reply-token-ttl-ms MS] [--any-reply-token]"
                 " [--lean] [--keep-requests N]\n";
    return 2;
}
}  // namespace

int main(int argc, char** argv) {
    fake_line::Options options;
    long port = -1;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--any-reply-token") {  // benchmarks: see Options::any_reply_token
            options.any_reply_token = true;
            continue;
        }
        if (arg == "--lean") {  // benchmarks: see Options::lean
            options.lean = true;
            continue;
        }
        if (i + 1 >= argc) return usage();
        std::string value = argv[++i];
        char* end = nullptr;
        if (arg == "--port") {
            port = std::strtol(value.c_str(), &end, 10);
            if (*end || port < 0 || port > 65535) return usage();
        } else if (arg == "--token") {
            options.token = value;
        } else if (arg == "--keep-requests") {
            options.keep_requests = std::strtol(value.c_str(), &end, 10);
            if (*end || options.keep_requests < -1) return usage();
        } else if (arg == "--reply-token-ttl-ms") {
            long ttl = std::strtol(value.c_str(), &end, 10);
            if (*end || ttl < 0) return usage();
            options.reply_token_ttl = std::chrono::milliseconds(ttl);
        } else {
            return usage();
        }
    }
    if (port < 0) return usage();
    fake_line::FakeLineApi api(options);
    return fake_line::run_server(api, static_cast<unsigned short>(port), [](unsigned short bound) {
        // Tests read the port from this exact first line, so flush it now.
        std::printf("fake-line-api listening on http://127.0.0.1:%u\n", static_cast<unsigned>(bound));
        std::fflush(stdout);
    });
}
