#pragma once
// The bot's static configuration: one JSON-with-comments file, validated at start-up so a mistake
// stops the bot with the key and the problem named. Secrets never come from the file: they come
// from the environment (LINE_CHANNEL_SECRET, LINE_CHANNEL_ACCESS_TOKEN, ADMIN_TOKEN).
#include <chrono>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "tax/tax_rules.h"

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

struct Officer {
    std::string user_id;  // LINE user id (U + 32 hex)
    std::string name;     // shown to colleagues and residents, e.g. "นายช่างสมชาย"
};

struct Department {
    std::string key;       // "engineering"
    std::string name;      // "กองช่าง"
    std::string group_id;  // the department's LINE group (C + 32 hex) where its tickets arrive
    std::vector<Officer> officers;  // only these may act on the department's tickets
    const Officer* officer(const std::string& user_id) const;
};

// A choice offered by quick reply: a complaint category or a streetlight fault.
struct Choice {
    std::string key;
    std::string label;       // ≤ 20 characters (quick reply label)
    std::string department;  // complaint categories: the department that handles it
};

struct StreetlightConfig {
    std::string department;          // the department key for streetlight tickets (กองช่าง)
    double duplicate_radius_m = 30;  // an open report this close is offered instead of a duplicate
    std::vector<Choice> faults;
};

// An intent and the words that signal it (any spelling residents use: colloquial, Isan, typos).
struct Intent {
    std::string name;  // one of known_intents()
    std::vector<std::string> keywords;
};

// Every intent the classifier may answer, in the order `classify --eval` reports them.
const std::vector<std::string>& known_intents();

// One rewrite of config/thai_rewrites.tsv: a misspelling or a dialect form and the standard form.
struct Rewrite {
    std::string from;
    std::string to;
    bool whole_word = false;  // only a whole word (after segmentation): "บ่" but not the บ่ of "บ่อ"
};

// One line of a labelled corpus (config/intent_corpus.tsv, or an evaluation file).
struct LabelledUtterance {
    std::string intent;
    std::string text;
    int line = 0;
};

// Where to send what the municipality does not handle (a PEA outage, an emergency, a fire).
struct Pointer {
    std::string key;
    std::string name;   // "การไฟฟ้าส่วนภูมิภาค"
    std::string phone;  // "1129"
    std::vector<std::string> keywords;
};

using KeywordTable = std::vector<std::pair<std::string, std::vector<std::string>>>;

// The "understanding" section: what the intent classifier learns from and the words of its sub-labels.
struct UnderstandingConfig {
    std::string corpus_path;    // intent<TAB>utterance, one a line; relative paths: to the config file
    std::string rewrites_path;  // from<TAB>to[<TAB>word]
    std::vector<LabelledUtterance> corpus;
    std::vector<Rewrite> rewrites;
    double min_confidence = 0.3;   // below it the answer is "unknown"
    KeywordTable tax_questions;        // when / how_much / who_pays / where / how → words
    KeywordTable complaint_categories;  // category key → words
    std::vector<Pointer> out_of_scope;
};

// Reads an intent<TAB>utterance file ('#' comments and blank lines skipped). Throws ConfigError
// naming the line when a line has no tab, no text or an intent not in known_intents().
std::vector<LabelledUtterance> read_labelled_utterances(const std::string& path);
// Reads from<TAB>to[<TAB>word] lines. Throws ConfigError naming the line.
std::vector<Rewrite> read_rewrites(const std::string& path);

// A news topic residents can subscribe to ("รับข่าว"), e.g. {tax, ภาษี}.
struct Topic {
    std::string key;    // used in the admin API ("topic") and postbacks
    std::string label;  // ≤ 20 characters (quick reply label)
};

struct AnnouncementsConfig {
    std::string admin_group_id;     // the LINE group (C + 32 hex) where officers type "ประกาศ ..."; empty: off
    std::vector<Officer> officers;  // only these may announce from LINE
    std::vector<Topic> topics;
    std::size_t history_size = 20;  // GET /admin/announcements lists this many
    std::size_t latest_count = 5;   // "ข่าวสาร" shows this many (a carousel, ≤ 12)
    int broadcasts_per_hour = 60;   // LINE's rate limit for broadcast
    std::size_t multicast_chunk_size = 500;  // LINE: at most 500 user ids a multicast
    const Officer* officer(const std::string& user_id) const;
    const Topic* topic(const std::string& key) const;
    std::vector<std::string> topic_keys() const;
};

struct ServerConfig {
    int port = 8080;
    std::string bind_address = "0.0.0.0";
    int threads = 0;  // event loops; 0: one per core
    std::size_t max_connections = 4096;
    // Events this process may be working on at once; past it /webhook answers 503 and LINE redelivers.
    std::size_t max_events_in_flight = 10000;
    // Of those, how many run at once on each event loop (each holds a fiber stack); the rest wait
    // their turn in memory. The loops are CPU-bound well below this.
    std::size_t fibers_per_loop = 128;
    // Events stored and not yet answered, all processes together (the inbox's backlog); past it
    // /webhook answers 503 and LINE redelivers later. Keep it to a few seconds of work: events
    // that wait longer than a reply token lives (a minute) are answered by push.
    std::size_t max_pending_events = 5000;
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
    // A process that stops beating for this long loses its chats to the others (and to its own restart).
    std::chrono::milliseconds lease_ttl{5000};
    // Replicas that must have a new ticket before the resident is told its number (WAIT); 0: none.
    int confirm_replicas = 0;
    std::chrono::milliseconds confirm_timeout{200};  // < command_timeout: WAIT holds the loop's connection
    std::string sentinels;        // env REDIS_SENTINELS: host:port,host:port,...
    std::string sentinel_master;  // env REDIS_SENTINEL_MASTER
};

// Section "limits": what one resident or one address may do, against floods and scripts.
struct LimitsConfig {
    int messages_per_minute = 30;           // a resident's 1:1 messages and taps; 0: no limit
    std::chrono::minutes flood_quiet{10};   // ignored for this long after going over it
    int tickets_per_day = 5;                // new tickets a resident may file a day (Thai time); 0: no cap
    // Requests a minute from one address (429 past it); 0: no limit.
    int media_per_minute = 120;
    int qr_per_minute = 30;
    int admin_per_minute = 60;
    // Addresses of the reverse proxies (nginx) in front of the bot: for a request from one of
    // them the client's address is taken from X-Forwarded-For (its last entry, which the proxy wrote).
    std::vector<std::string> trusted_proxies = {"127.0.0.1", "::1"};
};

// Section "tax": the figures of the tax laws, the tax-year calendars and how residents pay.
using TaxConfig = tax::TaxRules;

// How residents reach the tax answers and lookup in chat (section "tax": "lookup", "topic_keywords").
struct TaxChatConfig {
    // "land_building" / "signboard" / "garbage_fee" / "lookup" and the words that go straight to it
    // from the first message ("ภาษีป้าย" → the signboard answer); checked in this order.
    std::vector<std::pair<std::string, std::vector<std::string>>> topic_keywords;
    int lookup_max_failures = 5;                 // failed notice lookups a LINE user may make...
    std::chrono::seconds lookup_window{3600};    // ...within this time, counted from the first
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
    std::chrono::minutes conversation_idle{30};
    ServerConfig server;
    LineConfig line;
    RedisConfig redis;
    std::vector<MenuItem> main_menu;
    std::vector<Department> departments;
    std::vector<Choice> complaint_categories;
    StreetlightConfig streetlight;
    std::vector<Intent> intents;  // checked in this order
    UnderstandingConfig understanding;
    int max_photos = 3;
    std::size_t max_photo_bytes = 10 * 1024 * 1024;
    TaxChatConfig tax_chat;
    TaxConfig tax;                             // defaults are the law's figures; PromptPay is off unless configured
    AnnouncementsConfig announcements;
    LimitsConfig limits;
    std::map<std::string, std::string> texts;  // resident-facing wording, by key

    // The wording for `key`; start-up validation guarantees the required keys exist.
    const std::string& text(const std::string& key) const;
    const Department* department(const std::string& key) const;
    // The department whose LINE group this is, or nullptr.
    const Department* department_by_group(const std::string& group_id) const;
};

using Environment = std::map<std::string, std::string>;
Environment current_environment();

// Loads and validates; throws ConfigError naming the key. `require_secrets`: the LINE secrets must be set.
Config load_config(const std::string& path, const Environment& env, bool require_secrets);

// The wording keys the bot cannot run without.
const std::vector<std::string>& required_text_keys();

}  // namespace thesaban::config
