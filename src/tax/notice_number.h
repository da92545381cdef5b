#pragma once
// A notice number as the store keys it, so "ภดส.๓-๒๕๖๙-000123 " typed by a resident and
// "ภดส.3-2569-000123" from the export find the same notice.
#include <string>
#include <string_view>

namespace thesaban::tax {

// Trimmed, Thai digits as ASCII, ASCII letters upper-cased (Thai letters have no case).
std::string normalize_notice_number(std::string_view text);

}  // namespace thesaban::tax
