#include "app/cli.h"

#include <filesystem>
#include <iostream>

#include "app/application.h"
#include "app/classify_command.h"
#include "app/tax_import_command.h"
#include "app/promptpay_command.h"
#include "core/log.h"
#include "templates/template_library.h"

namespace thesaban::app {
namespace {

constexpr const char* kUsage = R"(thesaban-bot: a LINE Official Account bot for a Thai municipality

usage:
  thesaban-bot --config FILE          run the bot (secrets from the environment)
  thesaban-bot --check-config FILE    validate the configuration and templates, then exit
  thesaban-bot classify TEXT [--config FILE]
                                      print the intent TEXT is read as, then its details
                                      (keyword=, confidence=, tax_type=, ticket=, ...) tab-separated
                                      (default FILE: config/thesaban.example.jsonc)
  thesaban-bot classify --eval FILE.tsv [--config FILE]
                                      accuracy, precision/recall per intent and confusions on FILE
  thesaban-bot classify --cross-validate K [--config FILE]
                                      K-fold cross-validation of the configured corpus
  thesaban-bot tax-import FILE.csv [--config FILE] [--dry-run]
                                      load tax notices into Redis (needs TAX_ID_SALT); exit 0 all
                                      rows imported, 1 some rejected, 2 usage/config/Redis error
  thesaban-bot promptpay --biller ID --ref1 REF [--ref2 REF] [--amount BAHT] [--png FILE]
  thesaban-bot promptpay --promptpay-id PHONE_OR_ID [--amount BAHT] [--png FILE]
                                      print the PromptPay QR payload (and write the QR as PNG)
  thesaban-bot --help

environment:
  LINE_CHANNEL_SECRET, LINE_CHANNEL_ACCESS_TOKEN (required to run), LINE_API_BASE_URL,
  LINE_DATA_API_BASE_URL, REDIS_URL, PORT, PUBLIC_BASE_URL, DATA_DIR, ADMIN_TOKEN, TAX_ID_SALT
)";

// Loads the configuration and the templates it names; prints the problem and returns false.
bool load(const std::string& path, bool require_secrets, config::Config& out) {
    try {
        out = config::load_config(path, config::current_environment(), require_secrets);
        templates::TemplateLibrary::load(out.templates_dir);
        return true;
    } catch (const config::ConfigError& e) {
        std::cerr << "thesaban-bot: configuration error in " << path << ": " << e.what() << "\n";
    } catch (const templates::TemplateError& e) {
        std::cerr << "thesaban-bot: template error: " << e.what() << "\n";
    }
    return false;
}

}  // namespace

int run_cli(const std::vector<std::string>& args) {
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
        std::cout << kUsage;
        return args.empty() ? 2 : 0;
    }
    if ((args[0] == "--config" || args[0] == "--check-config") && args.size() == 2) {
        const bool check_only = args[0] == "--check-config";
        config::Config config;
        if (!load(args[1], !check_only, config)) return 1;
        if (check_only) {
            std::cout << "configuration OK: " << args[1] << "\n";
            if (config.line.channel_secret.empty() || config.line.channel_access_token.empty())
                std::cout << "note: LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN must be set to run the bot\n";
            return 0;
        }
        log::set_min_level(log::parse_level(config.log_level));
        return run_bot(config);
    }
    if (args[0] == "classify") return classify_command(args);
    if (args[0] == "tax-import") return run_tax_import(args, config::current_environment());
    if (args[0] == "promptpay") return promptpay_command(args);
    std::cerr << kUsage;
    return 2;
}

}  // namespace thesaban::app
