#pragma once
// `thesaban-bot tax-import FILE.csv [--config FILE] [--dry-run]`: loads the municipality's tax
// notices into Redis (see tax/tax_import.h for the columns). Needs TAX_ID_SALT, not the LINE secrets.
#include <string>
#include <vector>

#include "config/config.h"

namespace thesaban::app {

// `args[0]` is "tax-import". Exit code: 0 every row imported, 1 some rows (or the header) rejected,
// 2 usage, configuration, salt, unreadable file or Redis unreachable.
int run_tax_import(const std::vector<std::string>& args, const config::Environment& env);

}  // namespace thesaban::app
