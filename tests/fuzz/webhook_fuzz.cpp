// libFuzzer target for the webhook parser: the body is attacker-controlled until the signature is
// checked, and a leaked or rotated channel secret makes it so afterwards too.
// Built as build/fuzz/webhook_fuzz with -DCMAKE_CXX_COMPILER=clang++ -DTHESABAN_FUZZ=ON; seeds in
// tests/fuzz/corpus/webhook/ (see tests/fuzz/CMakeLists.txt).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/log.h"
#include "line/webhook.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // Skipped-event warnings would flood the fuzzer's output.
    thesaban::log::set_min_level(thesaban::log::Level::error);
    std::string_view body(reinterpret_cast<const char*>(data), size);
    thesaban::line::WebhookBody parsed;
    std::string error;
    if (thesaban::line::parse_webhook(body, parsed, &error) == thesaban::line::ParseStatus::ok) {
        // Every stored event must parse again from its raw_json, as the durable queue relies on. (Not
        // byte-equal: RapidJSON 1.1's default double parsing may move a value by an ulp.)
        for (const auto& event : parsed.events) {
            auto again = thesaban::line::parse_event(event.raw_json);
            if (!again || again->kind != event.kind || again->type != event.type) __builtin_trap();
            (void)thesaban::line::event_kind_name(event.kind);
            (void)event.source.chat_id();
        }
    }
    return 0;
}
