#pragma once
// The real thesaban-bot binary as a child process, configured from config/thesaban.example.jsonc
// with test overrides, talking to a real redis-server and the fake LINE API.
#include <functional>
#include <map>
#include <string>

#include "core/json.h"
#include "support/child_process.h"
#include "support/http_client.h"

namespace thesaban::testing {

inline constexpr const char* kTestChannelSecret = "8c570fa6dd201bb328f1c1eac23a96d8";
inline constexpr const char* kTestAccessToken = "test-channel-access-token";

class BotProcess {
public:
    struct Options {
        std::string redis_url;
        std::string line_api_base_url;
        // Changes to the example configuration, applied to the parsed document.
        std::function<void(json::Document&)> patch_config;
        std::map<std::string, std::string> env;
    };

    explicit BotProcess(Options options);
    ~BotProcess();

    // Starts the bot and waits for its "listening" log line; throws with its output otherwise.
    void start();
    // SIGTERM by default; returns the exit status.
    int stop(int signal = 15);
    bool running() { return process_.running(); }
    int port() const { return port_; }
    std::string output() const { return process_.output(); }
    const std::string& config_path() const { return config_path_; }

    // POSTs a webhook body signed with the test channel secret (or with `signature` if given).
    HttpResult post_webhook(const std::string& body, const std::string* signature = nullptr);
    HttpResult get(const std::string& target);

private:
    Options options_;
    ChildProcess process_;
    std::string dir_;
    std::string config_path_;
    int port_ = 0;
    int starts_ = 0;
};

// Runs `thesaban-bot args...`, returning its exit status and output.
// The binary the tests start: build/thesaban-bot, or $THESABAN_BOT_UNDER_TEST when set.
std::string bot_executable();

int run_bot_command(const std::vector<std::string>& args, std::string& output,
                    const std::map<std::string, std::string>& env = {});

}  // namespace thesaban::testing
