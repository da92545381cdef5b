#pragma once
// The bot's static configuration: one JSON-with-comments file, validated at start-up so a mistake
// stops the bot with the key and the problem named. Secrets never come from the file: they come
// from the environment (LINE_CHANNEL_SECRET, LINE_CHANNEL_ACCESS_TOKEN, ADMIN_TOKEN).
#include <chrono>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace thesaban::config {

class ConfigError : public std::runtime_error {
public:
    ConfigError(const std::string& key, const std::string& problem)
        : std::runtime_error(key.empty() ? problem : key + ": " + problem), key_(key) {}
    const std::string& key() const { return key_; }

private:
    std::string key_;
};

struct MenuItem {
    std::string label;  // quick reply label (≤ 20 characters, LINE's limit)
    std::string text;   // what tapping it sends as the resident's message
};

struct ServerConfig {
    int port = 8080;
    std::string bind_address = "0.0.0.0";
    int threads = 2;
    std::size_t max_connections = 4096;
    std::size_t body_limit_bytes = 1024 * 1024;
    std::chrono::milliseconds header_timeout{10000};
    std::chrono::milliseconds body_timeout{15000};
    std::chrono::milliseconds keep_alive_timeout{75000};
    std::chrono::milliseconds shutdown_grace{20000};
};

struct LineConfig {
    std::string channel_secret;        // env LINE_CHANNEL_SECRET
    std::string channel_access_token;  // env LINE_CHANNEL_ACCESS_TOKEN
    std::string api_base_url = "https://api.line.me";
    std::string data_api_base_url = "https://api-data.line.me";
    std::chrono::milliseconds request_timeout{10000};
    int max_attempts = 5;
    std::chrono::milliseconds initial_backoff{200};
    std::chrono::milliseconds max_backoff{10000};
    std::chrono::seconds reply_token_lifetime{50};  // LINE's tokens live 60 s; keep a margin
};

struct RedisConfig {
    std::string url = "redis://127.0.0.1:6379/0";  // env REDIS_URL
    std::string key_prefix = "thesaban:";
    std::size_t pool_size = 8;
    std::chrono::milliseconds command_timeout{2000};
    std::chrono::hours dedup_ttl{48};
};

struct Config {
    std::string source_path;  // the file it came from (for messages)
    std::string municipality_name;
    std::string municipality_short_name;
    std::string municipality_phone;
    std::string ticket_prefix = "PNK";
    std::string log_level = "info";
    std::string public_base_url;  // env PUBLIC_BASE_URL
    std::string data_dir = "state/data";  // env DATA_DIR
    std::string templates_dir = "templates";
    std::string admin_token;  // env ADMIN_TOKEN; empty: admin API off
    int worker_threads = 4;
    std::chrono::minutes conversation_idle{30};
    ServerConfig server;
    LineConfig line;
    RedisConfig redis;
    std::vector<MenuItem> main_menu;
    std::map<std::string, std::string> texts;  // resident-facing wording, by key

    // The wording for `key`; start-up validation guarantees the required keys exist.
    const std::string& text(const std::string& key) const;
};

using Environment = std::map<std::string, std::string>;
Environment current_environment();

// Loads and validates; throws ConfigError naming the key. `require_secrets`: the LINE secrets must be set.
Config load_config(const std::string& path, const Environment& env, bool require_secrets);

// The wording keys the bot cannot run without.
const std::vector<std::string>& required_text_keys();

}  // namespace thesaban::config
