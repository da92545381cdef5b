#pragma once
// MessagingApi over HTTP: LINE's Messaging API with limit checks before sending, retry keys,
// and retries with exponential backoff. No Boost here; the transport is injected.
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "line/http_client.h"
#include "line/messaging_api.h"

namespace thesaban::line {

inline constexpr std::size_t kMaxMulticastRecipients = 500;

struct RetryPolicy {
    int max_attempts = 5;  // push, multicast, broadcast, profile and content
    std::chrono::milliseconds initial_backoff{200};
    double factor = 2.0;
    std::chrono::milliseconds max_backoff{10000};
    double jitter = 0.2;  // each delay is scaled by a random factor in [1 - jitter, 1 + jitter]
    std::chrono::milliseconds max_retry_after{30000};  // cap on a server's Retry-After
    // Reply tokens are single-use and expire soon: a reply is retried only a little, and only on 5xx or no answer.
    int reply_max_attempts = 2;
};

struct MessagingClientOptions {
    std::string api_base_url = "https://api.line.me";
    std::string data_api_base_url = "https://api-data.line.me";
    std::string channel_access_token;
    std::chrono::milliseconds timeout{10000};          // one HTTP attempt
    std::chrono::milliseconds content_timeout{60000};  // one content download attempt
    RetryPolicy retry;
    // Waits between attempts; tests inject one that records the delays. Default: sleep the thread.
    std::function<void(std::chrono::milliseconds)> sleep;
};

class HttpMessagingApi final : public MessagingApi {
public:
    HttpMessagingApi(HttpTransport& transport, MessagingClientOptions options);

    ApiResult reply(const std::string& reply_token, const std::vector<std::string>& messages) override;
    ApiResult push(const std::string& to, const std::vector<std::string>& messages,
                   const std::string& retry_key = {}) override;
    // At most kMaxMulticastRecipients; split larger lists with multicast_chunks and give each chunk its own key.
    ApiResult multicast(const std::vector<std::string>& to, const std::vector<std::string>& messages,
                        const std::string& retry_key = {}) override;
    ApiResult broadcast(const std::vector<std::string>& messages, const std::string& retry_key = {}) override;
    // seconds: 5..60, a multiple of 5.
    ApiResult show_loading(const std::string& user_id, int seconds) override;
    std::optional<Profile> get_profile(const std::string& user_id) override;
    std::optional<Content> get_content(const std::string& message_id, std::size_t max_bytes) override;

private:
    enum class Kind { reply, keyed_send, simple, read };
    ApiResult call(std::string_view operation, Kind kind, HttpRequest request, std::chrono::milliseconds timeout,
                   const std::string& retry_key, const std::string& target_for_log,
                   HttpResponse* last_response = nullptr);
    std::chrono::milliseconds backoff(int failed_attempts) const;

    HttpTransport& transport_;
    MessagingClientOptions options_;
};

// Splits recipients into multicast-sized chunks, in order.
std::vector<std::vector<std::string>> multicast_chunks(const std::vector<std::string>& to,
                                                       std::size_t chunk_size = kMaxMulticastRecipients);

// True for a lowercase or uppercase hex UUID such as 123e4567-e89b-12d3-a456-426614174000.
bool is_uuid(std::string_view text);

}  // namespace thesaban::line
