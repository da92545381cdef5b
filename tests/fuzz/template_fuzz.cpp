// libFuzzer target for message templates: flex JSON pasted by staff from LINE's Flex Message
// Simulator, and the values inserted into them (a resident's text among them). A template is
// refused at load with a TemplateError, or it renders to JSON that parses again, whatever quotes,
// backslashes, control characters or broken UTF-8 the values hold.
// Built as build/fuzz/template_fuzz with -DCMAKE_CXX_COMPILER=clang++ -DTHESABAN_FUZZ=ON; seeds in
// tests/fuzz/corpus/template/: a template, then a line "----", then the value of {{text}}.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/json.h"
#include "templates/template_library.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace thesaban;
    std::string_view input(reinterpret_cast<const char*>(data), size);
    auto split = input.find("\n----\n");
    std::string body(input.substr(0, split));
    std::string value(split == std::string_view::npos ? "" : input.substr(split + 6));

    (void)templates::fill_placeholders(body, {{"text", value}});
    templates::TemplateLibrary library;
    try {
        library.add("fuzz", body);
    } catch (const templates::TemplateError&) {
        return 0;
    }
    templates::Values values;
    for (const auto& name : library.placeholders("fuzz")) values[name] = value;
    values["alt_text"] = value;
    try {
        std::string out = library.render_text("fuzz", values);
        json::Document again;
        if (!json::parse(out, again)) __builtin_trap();  // the values broke the JSON
    } catch (const templates::TemplateError&) {
    }
    return 0;
}
