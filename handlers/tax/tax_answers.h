#pragma once
// The values the tax cards are filled with: the law's figures from the "tax" config section,
// money as "1,250.00 บาท" and dates in พ.ศ. Wording stays in config texts, layout in templates.
#include <cstdint>
#include <string>

#include "config/config.h"
#include "tax/surcharge.h"
#include "tax/tax_record.h"
#include "templates/template_library.h"

namespace thesaban::handlers {

// 125000 → "1,250.00 บาท"
std::string format_baht(int64_t satang);
// {2026, 4, 30} → "30 เม.ย. 2569"
std::string thai_date_of(const tax::Date& date);

// tax_answer.json values for "land_building", "signboard" or "garbage_fee", for the tax year of `today`.
templates::Values tax_answer_values(const config::Config& config, const std::string& topic, const tax::Date& today);
// tax_bill.json values for one notice, its amounts as of `today`.
templates::Values tax_bill_values(const config::Config& config, const tax::TaxRecord& record, const tax::AmountDue& due,
                                  const tax::Date& today);

}  // namespace thesaban::handlers
