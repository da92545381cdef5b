#include "support/bot_process.h"

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "line/signature.h"

namespace thesaban::testing {
namespace {

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void set_member(json::Document& doc, json::Value& object, const char* key, json::Value value) {
    auto it = object.FindMember(key);
    if (it != object.MemberEnd()) {
        it->value = value;
    } else {
        object.AddMember(json::Value(key, doc.GetAllocator()), value, doc.GetAllocator());
    }
}

}  // namespace

BotProcess::BotProcess(Options options) : options_(std::move(options)), dir_(make_temp_dir("bot")) {
    json::Document config;
    std::string error;
    if (!json::parse_with_comments(read_text(std::string(THESABAN_SOURCE_DIR) + "/config/thesaban.example.jsonc"),
                                   config, &error))
        throw std::runtime_error("example config does not parse: " + error);
    auto& a = config.GetAllocator();
    set_member(config, config, "templates_dir", json::Value((std::string(THESABAN_SOURCE_DIR) + "/templates").c_str(), a));
    set_member(config, config, "data_dir", json::Value((dir_ + "/data").c_str(), a));
    set_member(config, config, "public_base_url", json::Value("https://bot.test.example", a));
    // Short LINE timeouts and backoff keep failure tests fast; the rules stay the same.
    // The config is written elsewhere: the corpus it names is the repository's.
    json::Value& understanding = config["understanding"];
    set_member(config, understanding, "corpus",
               json::Value((std::string(THESABAN_SOURCE_DIR) + "/config/intent_corpus.tsv").c_str(), a));
    set_member(config, understanding, "rewrites",
               json::Value((std::string(THESABAN_SOURCE_DIR) + "/config/thai_rewrites.tsv").c_str(), a));
    json::Value& line = config["line"];
    set_member(config, line, "request_timeout_ms", json::Value(3000));
    set_member(config, line, "initial_backoff_ms", json::Value(20));
    set_member(config, line, "max_backoff_ms", json::Value(200));
    json::Value& server = config["server"];
    set_member(config, server, "bind_address", json::Value("127.0.0.1", a));
    set_member(config, server, "shutdown_grace_ms", json::Value(5000));
    json::Value& redis = config["redis"];
    set_member(config, redis, "command_timeout_ms", json::Value(500));
    // Test residents and staff scripts type far faster than people: the limits against floods
    // have their own tests (abuse_test.cpp) with low values; here they must not get in the way.
    json::Value& limits = config["limits"];
    set_member(config, limits, "messages_per_minute", json::Value(10000));
    set_member(config, limits, "admin_per_minute", json::Value(10000));
    set_member(config, limits, "qr_per_minute", json::Value(10000));
    set_member(config, limits, "media_per_minute", json::Value(10000));
    if (options_.patch_config) options_.patch_config(config);
    config_path_ = dir_ + "/thesaban.json";
    std::ofstream(config_path_) << json::to_string(config);
}

std::string bot_executable() {
    // The sanitizer stage of deploy/run-tests.sh runs these tests against its ASan/UBSan build.
    const char* other = std::getenv("THESABAN_BOT_UNDER_TEST");
    return other && *other ? other : THESABAN_BOT_EXECUTABLE;
}

BotProcess::~BotProcess() {
    if (process_.running()) process_.stop(9, std::chrono::seconds(5));
}

void BotProcess::start() {
    std::map<std::string, std::string> env = {
        {"LINE_CHANNEL_SECRET", kTestChannelSecret}, {"LINE_CHANNEL_ACCESS_TOKEN", kTestAccessToken},
        {"LINE_API_BASE_URL", options_.line_api_base_url}, {"LINE_DATA_API_BASE_URL", options_.line_api_base_url},
        {"REDIS_URL", options_.redis_url},           {"PORT", "0"}};
    for (const auto& [k, v] : options_.env) env[k] = v;
    std::string log_file = dir_ + "/bot-" + std::to_string(++starts_) + ".log";
    process_.start({bot_executable(), "--config", config_path_}, env, log_file);
    std::regex listening(R"re("msg":"listening","port":"(\d+)")re");
    std::smatch match;
    bool ok = wait_until(
        [&] {
            std::string out = process_.output();
            if (std::regex_search(out, match, listening)) {
                port_ = std::stoi(match[1]);
                return true;
            }
            return !process_.running();
        },
        std::chrono::seconds(15));
    if (!ok || port_ == 0) throw std::runtime_error("bot did not start:\n" + process_.output());
}

int BotProcess::stop(int signal) { return process_.stop(signal, std::chrono::seconds(15)); }

HttpResult BotProcess::post_webhook(const std::string& body, const std::string* signature) {
    std::string sig = signature ? *signature : line::compute_signature(kTestChannelSecret, body);
    return http_request(port_, "POST", "/webhook", body,
                        {{"Content-Type", "application/json"}, {"x-line-signature", sig}});
}

HttpResult BotProcess::get(const std::string& target) { return http_request(port_, "GET", target); }

int run_bot_command(const std::vector<std::string>& args, std::string& output,
                    const std::map<std::string, std::string>& env) {
    ChildProcess process;
    std::vector<std::string> argv{bot_executable()};
    argv.insert(argv.end(), args.begin(), args.end());
    process.start(argv, env);
    wait_until([&] { return !process.running(); }, std::chrono::seconds(30));
    int status = process.exit_status();
    output = process.output();
    return status;
}

}  // namespace thesaban::testing
