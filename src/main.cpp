#include <csignal>
#include <string>
#include <vector>

#include "app/cli.h"

int main(int argc, char** argv) {
    // A peer that hangs up must give EPIPE on that socket, not kill the whole bot.
    std::signal(SIGPIPE, SIG_IGN);
    return thesaban::app::run_cli(std::vector<std::string>(argv + 1, argv + argc));
}
