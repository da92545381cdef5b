#pragma once
// One real redis-server, one fake LINE API and the real bot per test, all on loopback.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <memory>

#include "support/bot_process.h"
#include "support/fake_line.h"
#include "support/line_events.h"
#include "support/redis_server.h"

namespace thesaban::testing {

class BotTest : public ::testing::Test {
protected:
    static constexpr std::size_t kConformanceSamplesPerEndpoint = 40;

    void SetUp() override {
        redis = std::make_unique<RedisServer>(redis_options());
        line = std::make_unique<FakeLine>();
        BotProcess::Options options;
        options.redis_url = redis->url();
        options.line_api_base_url = line->base_url();
        options.patch_config = [this](json::Document& config) { patch_config(config); };
        options.env = bot_env();
        bot = std::make_unique<BotProcess>(options);
        bot->start();
    }

    void TearDown() override {
        save_bodies_for_conformance();
        if (HasFailure() && bot) std::cerr << "---- bot output ----\n" << bot->output() << "\n";
        bot.reset();
        line.reset();
        redis.reset();
    }

    virtual void patch_config(json::Document&) {}
    virtual RedisServerOptions redis_options() { return {}; }
    // Extra environment for the bot (e.g. ADMIN_TOKEN).
    virtual std::map<std::string, std::string> bot_env() { return {}; }

    // Sends one event as LINE would (its reply token registered with the fake first).
    HttpResult send(const std::string& event_json) { return bot->post_webhook(webhook_body({event_json})); }

    std::string reply_token_for(const EventSource& source) {
        std::string token = new_reply_token();
        line->register_reply_token(token, source.user_id, source.group_id);
        return token;
    }

    // The recorded calls to `path` (parsed), waiting until at least `count` have come.
    std::vector<json::Document> calls(const std::string& path, std::size_t count = 1,
                                      std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
        line->wait_for_requests(path, count, timeout);
        std::vector<json::Document> out;
        for (const auto& text : line->requests_to(path)) {
            json::Document doc;
            json::parse(text, doc);
            out.push_back(std::move(doc));
        }
        return out;
    }

    // Every 2xx body the bot sent LINE, kept for ../shared/line-conformance (see deploy/run-tests.sh).
    void save_bodies_for_conformance() {
        const char* dir = std::getenv("THESABAN_CONFORMANCE_DIR");
        if (!dir || !line) return;
        static int counter = 0;
        const std::pair<const char*, const char*> endpoints[] = {{"/v2/bot/message/reply", "reply"},
                                                                 {"/v2/bot/message/push", "push"},
                                                                 {"/v2/bot/message/multicast", "multicast"},
                                                                 {"/v2/bot/message/broadcast", "broadcast"},
                                                                 {"/v2/bot/chat/loading/start", "loading"}};
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        for (const auto& [path, name] : endpoints) {
            // A sample per endpoint is enough: load tests send thousands of alike bodies, and each
            // check starts node.
            std::size_t saved = 0;
            for (const auto& text : line->requests_to(path)) {
                if (saved >= kConformanceSamplesPerEndpoint) break;
                json::Document call;
                json::parse(text, call);
                auto status = json::get_int(call, "status").value_or(0);
                if (status < 200 || status >= 300 || !call.HasMember("body")) continue;
                std::string file = std::string(dir) + "/" + name + "-" + info->test_suite_name() + "-" +
                                   info->name() + "-" + std::to_string(getpid()) + "-" + std::to_string(++counter) +
                                   ".json";
                std::ofstream(file) << json::to_string(call["body"]);
                ++saved;
            }
        }
    }

    std::unique_ptr<RedisServer> redis;
    std::unique_ptr<FakeLine> line;
    std::unique_ptr<BotProcess> bot;
    EventSource resident;
};

inline std::string message_text(const json::Value& call, std::size_t index = 0) {
    return json::to_string(call["body"]["messages"][static_cast<rapidjson::SizeType>(index)]);
}

}  // namespace thesaban::testing
