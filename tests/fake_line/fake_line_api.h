#pragma once
// The fake LINE Messaging API's request handling: routing, LINE's rules in LINE's order, and the
// test-control endpoints under /__. No sockets here: the server hands in a whole request and
// writes back the answer after its `delay`. Thread-safe (one mutex over all state).
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace fake_line {

struct Request {
    std::string method;
    std::string target;                          // path and query
    std::map<std::string, std::string> headers;  // lower-case names
    std::string body;
};

struct Response {
    int status = 200;
    std::string content_type = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    std::chrono::milliseconds delay{0};  // an injected fault's delay: answer this much later
};

struct Options {
    std::string token;  // empty: any non-empty bearer token is accepted
    std::chrono::milliseconds reply_token_ttl{60000};
    // Benchmarks only (bench/webhook_load.sh): a reply token nobody registered is accepted as if it
    // had just been registered; it is still single-use. Default off: unknown tokens get 400.
    bool any_reply_token = false;
    // How many recorded API calls GET /__requests keeps (the newest); -1 keeps all. A benchmark's
    // hundreds of thousands of calls would otherwise fill memory; /__stats still counts them all.
    long keep_requests = -1;
    // Benchmarks: skip checking message bodies against LINE's schema and limits (the bot's
    // messages are checked by the integration tests), so that the stand-in for LINE's servers is not
    // what the benchmark measures. Tokens, content types, JSON, reply tokens and retry keys are still
    // checked.
    bool lean = false;
};

class FakeLineApi {
public:
    explicit FakeLineApi(Options options) : options_(std::move(options)) {}
    Response handle(const Request& request);

private:
    struct ReplyToken {
        std::string user_id, group_id, room_id;
        int64_t registered_at = 0;
        bool used = false;
    };
    struct AcceptedRetryKey {
        std::string request_id;
        int64_t at = 0;
        std::string sent_messages;  // push: the first answer's sentMessages JSON
    };
    struct Content {
        std::string content_type, bytes;
    };
    struct Fault {
        std::string path, method, body;
        std::optional<int> status;
        int count = 1;
        int64_t delay_ms = 0;
        int retry_after_s = 0;  // > 0: a Retry-After header on the injected answer (LINE sends one with 429)
    };
    struct Call;  // one API call being handled

    Response api(const Request& request, const std::string& path, const std::string& request_id);
    Response control(const Request& request, const std::string& path);
    Response route(Call& call, const std::string& path);
    Response send_messages(Call& call, const std::string& endpoint);
    void record(const Call& call, const Response& response);
    Fault* matching_fault(const std::string& method, const std::string& path);
    int64_t now_ms() const;

    Options options_;
    std::mutex mutex_;
    std::deque<std::string> requests_;                          // recorded API calls, each a JSON object
    std::map<std::string, std::map<int, long>> calls_by_path_;  // path -> status -> count, for /__stats
    std::map<std::string, ReplyToken> tokens_;
    std::map<std::string, AcceptedRetryKey> retry_keys_;  // lower-cased key
    std::map<std::string, Content> contents_;
    std::map<std::string, std::string> profiles_;  // userId -> profile JSON
    std::vector<Fault> faults_;
    int64_t clock_offset_ms_ = 0;
};

}  // namespace fake_line
