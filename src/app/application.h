#pragma once
// Wires the bot together from its configuration and runs it until SIGTERM/SIGINT.
#include "config/config.h"

namespace thesaban::app {

// Returns the process exit code: 0 after a clean shutdown.
int run_bot(const config::Config& config);

}  // namespace thesaban::app
