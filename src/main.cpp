#include <string>
#include <vector>

#include "app/cli.h"

int main(int argc, char** argv) {
    return thesaban::app::run_cli(std::vector<std::string>(argv + 1, argv + argc));
}
