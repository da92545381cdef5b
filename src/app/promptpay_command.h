#pragma once
// `thesaban-bot promptpay ...`: prints a PromptPay QR payload, so the finance office can check
// what the bot puts in a QR code (or make one for a counter) without LINE.
#include <string>
#include <vector>

namespace thesaban::app {

// args[0] is "promptpay". Returns the exit status: 0 printed, 2 bad input (message on stderr).
int promptpay_command(const std::vector<std::string>& args);

}  // namespace thesaban::app
