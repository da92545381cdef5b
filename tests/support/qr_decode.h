#pragma once
// Reads a QR code PNG back as a banking app's scanner would, with zbarimg (zbar-tools, installed
// by deploy/install-deps.sh). Returns what it read without the trailing newline, or "" if nothing.
#include <string>

namespace thesaban::testing {

std::string zbar_decode(const std::string& png);

}  // namespace thesaban::testing
