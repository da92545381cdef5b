#pragma once
// A MessagingApi for unit tests that records what was sent and answers from a script.
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "line/messaging_api.h"

namespace thesaban::testing {

// Records pushes and replies and answers them from scripts (200 once a script runs out).
class FakeMessagingApi final : public line::MessagingApi {
public:
    struct Call {
        std::string to;
        std::vector<std::string> messages;
        std::string retry_key;
    };

    void script(std::vector<line::ApiResult> results) {
        std::lock_guard lock(mutex_);
        results_.assign(results.begin(), results.end());
    }
    void script_replies(std::vector<line::ApiResult> results) {
        std::lock_guard lock(mutex_);
        reply_results_.assign(results.begin(), results.end());
    }
    std::vector<std::string> reply_tokens() {
        std::lock_guard lock(mutex_);
        return reply_tokens_;
    }
    std::vector<Call> calls() {
        std::lock_guard lock(mutex_);
        return calls_;
    }

    line::ApiResult push(const std::string& to, const std::vector<std::string>& messages,
                         const std::string& retry_key) override {
        std::lock_guard lock(mutex_);
        calls_.push_back({to, messages, retry_key});
        if (results_.empty()) return answer(200);
        line::ApiResult r = results_.front();
        results_.pop_front();
        return r;
    }

    line::ApiResult reply(const std::string& token, const std::vector<std::string>&) override {
        std::lock_guard lock(mutex_);
        reply_tokens_.push_back(token);
        if (reply_results_.empty()) return answer(200);
        line::ApiResult r = reply_results_.front();
        reply_results_.pop_front();
        return r;
    }
    line::ApiResult multicast(const std::vector<std::string>&, const std::vector<std::string>&,
                              const std::string&) override {
        return answer(500);
    }
    line::ApiResult broadcast(const std::vector<std::string>&, const std::string&) override { return answer(500); }
    line::ApiResult show_loading(const std::string&, int) override { return answer(500); }
    std::optional<line::Profile> get_profile(const std::string&) override { return std::nullopt; }
    std::optional<line::Content> get_content(const std::string&, std::size_t) override { return std::nullopt; }

    static line::ApiResult answer(int status, std::string body = {}) {
        line::ApiResult r;
        r.status = status;
        r.body = std::move(body);
        r.attempts = 1;
        if (status == 0) r.error = "timeout";
        return r;
    }

private:
    std::mutex mutex_;
    std::deque<line::ApiResult> results_;
    std::vector<Call> calls_;
    std::deque<line::ApiResult> reply_results_;
    std::vector<std::string> reply_tokens_;
};

}  // namespace thesaban::testing
