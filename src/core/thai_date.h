#pragma once
// Dates as Thai residents read them: Buddhist Era year, Thai month abbreviations, Thailand time.
#include <cstdint>
#include <string>

namespace thesaban {

// "25 พ.ย. 2569 14:05 น."
std::string thai_datetime(int64_t epoch_ms);
// "25 พ.ย. 2569"
std::string thai_date(int64_t epoch_ms);
// The start (epoch ms) of the day in Thailand (UTC+7, no daylight saving) that holds `epoch_ms`.
int64_t thai_day_start_ms(int64_t epoch_ms);

}  // namespace thesaban
