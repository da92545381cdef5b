#pragma once
// Message templates: plain LINE message JSON (or a bare flex bubble/carousel pasted from LINE's
// Flex Message Simulator) with {{name}} placeholders inside string values. Values are inserted
// into the parsed strings and the result re-serialised, so quotes, backslashes and newlines in a
// resident's text can never break the JSON.
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"

namespace thesaban::templates {

using Values = std::map<std::string, std::string>;

class TemplateError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Fills {{name}} in a plain string (configured wording); placeholders without a value stay as
// written, so a missing value shows up in review instead of vanishing.
std::string fill_placeholders(std::string_view text, const Values& values);

class TemplateLibrary {
public:
    // Loads every *.json file of `directory`; throws TemplateError naming the file and problem.
    static TemplateLibrary load(const std::string& directory);
    // For tests and tools: a template from text.
    void add(const std::string& name, const std::string& json_text);

    bool has(const std::string& name) const;
    // A LINE message object. A bare bubble/carousel is wrapped as a flex message whose altText is
    // the value "alt_text". Throws TemplateError for an unknown template or a placeholder
    // without a value. altText is clamped to LINE's 1500 UTF-16 units.
    json::Document render(const std::string& name, const Values& values) const;
    std::string render_text(const std::string& name, const Values& values) const;
    // The placeholder names a template uses, for start-up checks.
    std::vector<std::string> placeholders(const std::string& name) const;

private:
    // Parsed once, when added; render copies the DOM instead of parsing the text again.
    std::map<std::string, std::shared_ptr<const json::Document>> parsed_;
};

}  // namespace thesaban::templates
