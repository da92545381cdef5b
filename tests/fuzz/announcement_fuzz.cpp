// libFuzzer target for the admin API's announcement body and the ISO 8601 reader: the body comes
// from whoever holds ADMIN_TOKEN, and a leaked token makes it anyone's.
// Built as build/fuzz/announcement_fuzz with -DCMAKE_CXX_COMPILER=clang++ -DTHESABAN_FUZZ=ON; seeds in
// tests/fuzz/corpus/announcement/ (see tests/fuzz/CMakeLists.txt).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "announcements/announcement.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace thesaban::announcements;
    std::string_view body(reinterpret_cast<const char*>(data), size);
    static const std::vector<std::string> topics{"general", "tax"};
    Draft draft;
    if (!parse_draft(body, topics, 1764052200000, draft)) {
        // Whatever was accepted must survive the store's JSON unchanged.
        Announcement a;
        a.id = "1";
        a.draft = draft;
        Announcement back;
        if (!announcement_from_json(announcement_to_json(a), back) || back.draft.title != draft.title ||
            back.draft.body != draft.body || back.draft.send_at_ms != draft.send_at_ms)
            __builtin_trap();
        if (validate(back.draft, topics, 1764052200000)) __builtin_trap();
    }
    (void)parse_iso8601(body);
    return 0;
}
