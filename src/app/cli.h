#pragma once
// The command line: `thesaban-bot --config FILE`, `--check-config FILE`, and the admin tools.
#include <string>
#include <vector>

namespace thesaban::app {

int run_cli(const std::vector<std::string>& args);

}  // namespace thesaban::app
