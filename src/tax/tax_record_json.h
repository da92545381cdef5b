#pragma once
// A tax notice as one JSON object, the form it is kept in Redis. The members are always written in
// the same order with the same formatting, so two serialisations of equal records are equal strings:
// the store's upsert compares them to tell `unchanged` from `updated`. Optional dates are left out.
#include <optional>
#include <string>
#include <string_view>

#include "tax/tax_record.h"

namespace thesaban::tax {

std::string tax_record_to_json(const TaxRecord& record);
// nullopt when the text is not a stored notice (not JSON, a member missing or of the wrong type).
std::optional<TaxRecord> tax_record_from_json(std::string_view text);

}  // namespace thesaban::tax
