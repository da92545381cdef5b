#pragma once
// What the intent classifier read in a resident's message.
#include <string>
#include <utility>
#include <vector>

#include "handlers/common/entities.h"

namespace thesaban::handlers {

struct Understanding {
    std::string intent = "unknown";  // one of config::known_intents()
    double confidence = 0;           // the model's probability of `intent` (1 for a rule)
    std::string keyword;             // the configured keyword that matched, as configured; may be empty
    // Sub-labels, from the "understanding" words of the configuration.
    std::string tax_type;      // tax, tax_lookup: land_building | signboard | garbage_fee | ""
    std::string tax_question;  // tax: when | how_much | who_pays | where | ""
    std::string category;      // complaint: a complaint category key, or ""
    std::string pointer;       // out_of_scope: the key of the pointer (pea_outage, emergency, fire) or ""
    Entities entities;
    std::vector<std::pair<std::string, double>> alternatives;  // the next intents, most likely first
};

}  // namespace thesaban::handlers
