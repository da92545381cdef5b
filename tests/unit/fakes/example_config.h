#pragma once
// config/thesaban.example.jsonc and templates/, loaded once per test binary for the tests that only
// read them.
#include "config/config.h"
#include "templates/template_library.h"

namespace thesaban::testing {

inline const config::Config& example_config() {
    static const auto config = config::load_config(THESABAN_SOURCE_DIR "/config/thesaban.example.jsonc", {}, false);
    return config;
}

inline const templates::TemplateLibrary& example_templates() {
    static const auto templates = templates::TemplateLibrary::load(THESABAN_SOURCE_DIR "/templates");
    return templates;
}

}  // namespace thesaban::testing
