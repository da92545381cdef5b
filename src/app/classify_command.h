#pragma once
// `thesaban-bot classify`: try the intent classifier without LINE or Redis.
//   classify TEXT [--config FILE]                 the intent first, then its details, tab-separated
//   classify --eval FILE.tsv [--config FILE]      accuracy, precision/recall, confusions on FILE
//                                                 (trained on the configured corpus only)
//   classify --cross-validate K [--config FILE]   K-fold cross-validation on the configured corpus
#include <string>
#include <vector>

#include "handlers/common/understanding.h"

namespace thesaban::app {

int classify_command(const std::vector<std::string>& args);

// "streetlight\tkeyword=ไฟหน้าบ้าน\tconfidence=0.97\t..." (the intent first, as scripts read it).
std::string format_understanding(const handlers::Understanding& u);

}  // namespace thesaban::app
