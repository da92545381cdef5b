#include "core/thai_date.h"

#include <cstdio>
#include <ctime>

namespace thesaban {
namespace {
const char* const kMonths[] = {"ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.",
                               "ก.ค.", "ส.ค.", "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค."};

std::tm thai_time(int64_t epoch_ms) {
    std::time_t t = static_cast<std::time_t>(epoch_ms / 1000 + 7 * 3600);  // UTC+7, no DST
    std::tm tm{};
    gmtime_r(&t, &tm);
    return tm;
}
}  // namespace

std::string thai_date(int64_t epoch_ms) {
    std::tm tm = thai_time(epoch_ms);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%d %s %d", tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900 + 543);
    return buf;
}

std::string thai_datetime(int64_t epoch_ms) {
    std::tm tm = thai_time(epoch_ms);
    char buf[80];
    std::snprintf(buf, sizeof buf, "%d %s %d %02d:%02d น.", tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900 + 543,
                  tm.tm_hour, tm.tm_min);
    return buf;
}

int64_t thai_day_start_ms(int64_t epoch_ms) {
    constexpr int64_t kDay = 24LL * 3600 * 1000, kOffset = 7LL * 3600 * 1000;
    int64_t local = epoch_ms + kOffset;
    int64_t day = local >= 0 ? local / kDay : -((-local + kDay - 1) / kDay);
    return day * kDay - kOffset;
}

}  // namespace thesaban
