#pragma once
// LINE Messaging API as the rest of the bot sees it. Calls block the calling thread (they run
// on the event workers, never on the HTTP server's threads). Messages are JSON objects as text,
// exactly as LINE's message objects.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace thesaban::line {

struct ApiResult {
    int status = 0;          // HTTP status; 0 when no answer came (connection failure, timeout)
    std::string body;        // LINE's response body (error JSON on failure)
    std::string request_id;  // X-Line-Request-Id
    std::string error;       // transport error or limit violation, for logs
    int attempts = 0;
    // 409 to a request with a retry key: LINE had already accepted it (an earlier attempt got through).
    bool accepted_earlier = false;
    std::string accepted_request_id;  // with accepted_earlier: X-Line-Accepted-Request-Id (the first request's id)
    bool ok() const { return (status >= 200 && status < 300) || accepted_earlier; }
};

struct Profile {
    std::string user_id;
    std::string display_name;
    std::string picture_url;
    std::string language;
};

struct Content {
    std::string content_type;
    std::string bytes;
};

class MessagingApi {
public:
    virtual ~MessagingApi() = default;
    // A reply uses its token once; the caller falls back to push when it is refused.
    virtual ApiResult reply(const std::string& reply_token, const std::vector<std::string>& messages) = 0;
    // retry_key: a UUID the caller keeps for this logical send (reused on every retry by the client,
    // and by the caller if it resends after a crash). Empty: the client makes one.
    virtual ApiResult push(const std::string& to, const std::vector<std::string>& messages,
                           const std::string& retry_key = {}) = 0;
    virtual ApiResult multicast(const std::vector<std::string>& to, const std::vector<std::string>& messages,
                                const std::string& retry_key = {}) = 0;
    virtual ApiResult broadcast(const std::vector<std::string>& messages, const std::string& retry_key = {}) = 0;
    virtual ApiResult show_loading(const std::string& user_id, int seconds) = 0;
    virtual std::optional<Profile> get_profile(const std::string& user_id) = 0;
    virtual std::optional<Content> get_content(const std::string& message_id, std::size_t max_bytes) = 0;
};

// True when LINE refused a reply because its token was invalid or expired (push instead).
bool is_invalid_reply_token(const ApiResult& result);

}  // namespace thesaban::line
