#include "app/tax_import_command.h"

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "store/redis_pool.h"
#include "store/redis_tax_store.h"
#include "tax/tax_import.h"
#include "tax/tax_record_json.h"

namespace thesaban::app {
namespace {

constexpr const char* kUsage =
    "usage: thesaban-bot tax-import FILE.csv [--config FILE] [--dry-run]\n"
    "  environment: TAX_ID_SALT (required, at least 16 characters), REDIS_URL\n";
// The salt makes the stored hashes useless to whoever copies the database: 13-digit IDs with a
// check digit are few enough to hash them all, unless the salt is unknown and long.
constexpr std::size_t kMinSaltLength = 16;
// A municipality's yearly export is a few MB; anything far larger is the wrong file.
constexpr std::uintmax_t kMaxFileBytes = std::uintmax_t{64} * 1024 * 1024;

// Tells what an import would do without writing: the outcome comes from comparing with what is stored.
class PreviewTaxStore final : public tax::TaxStore {
public:
    explicit PreviewTaxStore(tax::TaxStore& store) : store_(store) {}
    std::optional<tax::TaxRecord> find(const std::string& notice_number) override { return store_.find(notice_number); }
    tax::ImportOutcome upsert(const tax::TaxRecord& record) override {
        const auto stored = store_.find(record.notice_number);
        if (!stored) return tax::ImportOutcome::inserted;
        return tax::tax_record_to_json(*stored) == tax::tax_record_to_json(record) ? tax::ImportOutcome::unchanged
                                                                                   : tax::ImportOutcome::updated;
    }

private:
    tax::TaxStore& store_;
};

bool read_file(const std::string& path, std::string& out) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec || size > kMaxFileBytes) return false;
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream buffer;
    buffer << in.rdbuf();
    out = buffer.str();
    return !in.bad();
}

std::string default_config_path() {
    std::string path = "config/thesaban.example.jsonc";
    if (!std::filesystem::exists(path)) path = THESABAN_SOURCE_DIR "/config/thesaban.example.jsonc";
    return path;
}

}  // namespace

int run_tax_import(const std::vector<std::string>& args, const config::Environment& env) {
    std::string config_path = default_config_path();
    std::string csv_path;
    bool dry_run = false;
    for (std::size_t i = 1; i < args.size(); ++i) {
        if (args[i] == "--config" && i + 1 < args.size()) {
            config_path = args[++i];
        } else if (args[i] == "--dry-run") {
            dry_run = true;
        } else if (csv_path.empty() && !args[i].starts_with("--")) {
            csv_path = args[i];
        } else {
            std::cerr << kUsage;
            return 2;
        }
    }
    if (csv_path.empty()) {
        std::cerr << kUsage;
        return 2;
    }

    const auto salt = env.find("TAX_ID_SALT");
    if (salt == env.end() || salt->second.size() < kMinSaltLength) {
        std::cerr << "thesaban-bot: TAX_ID_SALT must be set to a secret of at least " << kMinSaltLength
                  << " characters (the same value the bot runs with); nothing imported\n";
        return 2;
    }

    config::Config config;
    try {
        config = config::load_config(config_path, env, /*require_secrets=*/false);
    } catch (const config::ConfigError& e) {
        std::cerr << "thesaban-bot: configuration error in " << config_path << ": " << e.what() << "\n";
        return 2;
    }

    std::string csv;
    if (!read_file(csv_path, csv)) {
        std::cerr << "thesaban-bot: cannot read " << csv_path << " (missing, unreadable or larger than "
                  << kMaxFileBytes / (std::uintmax_t{1024} * 1024) << " MB)\n";
        return 2;
    }

    try {
        store::RedisOptions options = store::parse_redis_url(config.redis.url);
        options.pool_size = 1;
        options.command_timeout = config.redis.command_timeout;
        store::RedisPool redis(options);
        store::RedisTaxStore stored(redis, config.redis.key_prefix);
        PreviewTaxStore preview(stored);
        tax::TaxStore& target = dry_run ? static_cast<tax::TaxStore&>(preview) : stored;

        const tax::ImportSummary summary = tax::import_tax_notices(csv, salt->second, target);
        for (const auto& problem : summary.rejected)
            std::cerr << "line " << problem.line << ": " << problem.reason << "\n";
        if (dry_run) std::cout << "dry run: nothing was written; the file would give\n";
        std::cout << "inserted " << summary.inserted << ", updated " << summary.updated << ", unchanged "
                  << summary.unchanged << ", rejected " << summary.rejected.size() << "\n";
        return summary.rejected.empty() ? 0 : 1;
    } catch (const tax::TaxImportError& e) {
        std::cerr << "line " << e.line() << ": " << e.what() << "\n";
        std::cerr << "thesaban-bot: " << csv_path << " was not imported\n";
        return 1;
    } catch (const std::invalid_argument& e) {
        std::cerr << "thesaban-bot: configuration error: redis url: " << e.what() << "\n";
        return 2;
    } catch (const store::RedisUnavailable& e) {
        std::cerr << "thesaban-bot: Redis unavailable (" << e.what()
                  << "); rows already written stay, re-run the same file to finish\n";
        return 2;
    }
}

}  // namespace thesaban::app
