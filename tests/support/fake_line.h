#pragma once
// The project's fake LINE Messaging API (tests/fake_line) as a child process, with typed access
// to its test-control endpoints (/__requests, /__tokens, /__faults, ...).
#include <chrono>
#include <string>
#include <vector>

#include "core/json.h"
#include "support/child_process.h"

namespace thesaban::testing {

class FakeLine {
public:
    struct Options {
        std::string token;                // empty: any non-empty bearer token is accepted
        long reply_token_ttl_ms = 60000;  // LINE: "within one minute"
        bool any_reply_token = false;     // benchmarks: accept unregistered reply tokens (still single-use)
        long keep_requests = -1;          // recorded calls kept for requests(); -1 all
    };

    FakeLine() : FakeLine(Options{}) {}
    // Starts the binary on a free port and waits (up to 10 s) for its "listening" line; throws if it
    // does not come.
    explicit FakeLine(const Options& options);
    ~FakeLine();
    FakeLine(const FakeLine&) = delete;
    FakeLine& operator=(const FakeLine&) = delete;

    int port() const { return port_; }
    std::string base_url() const;  // "http://127.0.0.1:PORT", for the bot's LINE API base URL
    ChildProcess& process() { return process_; }

    void register_reply_token(const std::string& token, const std::string& user_id, const std::string& group_id = "");
    // Every recorded API call, oldest first: a JSON array of {time, requestId, method, path,
    // headers, body, status, response, replyTo?, fault}.
    json::Document requests();
    // The recorded calls to exactly `path`, as compact JSON objects (parse them with json::parse).
    std::vector<std::string> requests_to(const std::string& path);
    // GET /__stats: {"<path>": {"<status>": count, ...}, ...} over every API call since the start
    // (or the last clear_requests), including those no longer kept for requests().
    json::Document stats();
    void clear_requests();
    // `fault_json`: {"path", "status"?, "count"?, "delayMs"?, "method"?, "body"?, "retryAfter"? (seconds)}.
    // Without "status" the call is processed and its answer only delayed (LINE got it, the answer was lost).
    void add_fault(const std::string& fault_json);
    void clear_faults();
    void put_content(const std::string& message_id, const std::string& content_type, const std::string& bytes);
    void put_profile(const std::string& user_id, const std::string& display_name, const std::string& picture_url = "",
                     const std::string& status_message = "", const std::string& language = "");
    void advance_clock(std::chrono::milliseconds ms);
    // Waits until at least `count` calls to `path` are recorded; returns whether they came.
    bool wait_for_requests(const std::string& path, std::size_t count,
                           std::chrono::milliseconds timeout = std::chrono::seconds(5));

private:
    void control(const std::string& method, const std::string& target, const std::string& body = {},
                 const std::string& content_type = "application/json");

    ChildProcess process_;
    int port_ = 0;
};

}  // namespace thesaban::testing
