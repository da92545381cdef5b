#include "templates/template_library.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/text.h"

namespace thesaban::templates {
namespace {

constexpr std::size_t kMaxAltText = 1500;

// Replaces {{name}} in `in`; collects missing names (left as written) instead of failing at the first.
std::string substitute(std::string_view in, const Values& values, std::set<std::string>& missing) {
    std::string out;
    std::size_t pos = 0;
    while (pos < in.size()) {
        auto open = in.find("{{", pos);
        if (open == std::string_view::npos) break;
        auto close = in.find("}}", open + 2);
        if (close == std::string_view::npos) break;
        out.append(in.substr(pos, open - pos));
        std::string name(text::trim(in.substr(open + 2, close - open - 2)));
        auto it = values.find(name);
        if (it == values.end()) {
            missing.insert(name);
            out.append(in.substr(open, close + 2 - open));
        } else {
            // A value may carry broken UTF-8 (a resident's text): LINE refuses such JSON, so each
            // invalid byte becomes U+FFFD here rather than the whole message failing later.
            out += text::to_utf8(text::to_utf32(it->second));
        }
        pos = close + 2;
    }
    out.append(in.substr(pos));
    return out;
}

void substitute_all(json::Value& value, json::Document::AllocatorType& alloc, const Values& values,
                    std::set<std::string>& missing) {
    // Iterative walk: templates are trusted, but a deep one must not cost the stack either.
    std::vector<json::Value*> stack{&value};
    while (!stack.empty()) {
        json::Value* v = stack.back();
        stack.pop_back();
        if (v->IsString()) {
            std::string_view s(v->GetString(), v->GetStringLength());
            if (s.find("{{") != std::string_view::npos) {
                std::string replaced = substitute(s, values, missing);
                v->SetString(replaced.data(), static_cast<rapidjson::SizeType>(replaced.size()), alloc);
            }
        } else if (v->IsObject()) {
            for (auto it = v->MemberBegin(); it != v->MemberEnd(); ++it) stack.push_back(&it->value);
        } else if (v->IsArray()) {
            for (auto& element : v->GetArray()) stack.push_back(&element);
        }
    }
}

void collect_placeholders(const json::Value& value, std::set<std::string>& names) {
    std::vector<const json::Value*> stack{&value};
    while (!stack.empty()) {
        const json::Value* v = stack.back();
        stack.pop_back();
        if (v->IsString()) {
            std::set<std::string> found;
            substitute(std::string_view(v->GetString(), v->GetStringLength()), {}, found);
            names.insert(found.begin(), found.end());
        } else if (v->IsObject()) {
            for (auto it = v->MemberBegin(); it != v->MemberEnd(); ++it) stack.push_back(&it->value);
        } else if (v->IsArray()) {
            for (const auto& element : v->GetArray()) stack.push_back(&element);
        }
    }
}

}  // namespace

std::string fill_placeholders(std::string_view text, const Values& values) {
    std::set<std::string> missing;
    return substitute(text, values, missing);
}

TemplateLibrary TemplateLibrary::load(const std::string& directory) {
    TemplateLibrary library;
    std::error_code ec;
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(directory, ec))
        if (entry.is_regular_file() && entry.path().extension() == ".json") files.push_back(entry.path());
    if (ec) throw TemplateError("cannot read templates directory " + directory + ": " + ec.message());
    std::sort(files.begin(), files.end());
    for (const auto& path : files) {
        std::ifstream in(path, std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        try {
            library.add(path.stem().string(), ss.str());
        } catch (const TemplateError& e) {
            throw TemplateError(path.string() + ": " + e.what());
        }
    }
    return library;
}

void TemplateLibrary::add(const std::string& name, const std::string& json_text) {
    auto doc = std::make_shared<json::Document>();
    std::string error;
    if (!json::parse(json_text, *doc, &error)) throw TemplateError("not valid JSON (" + error + ")");
    if (!doc->IsObject() || !json::get_string(*doc, "type")) throw TemplateError("must be a JSON object with a \"type\"");
    parsed_[name] = std::move(doc);
}

bool TemplateLibrary::has(const std::string& name) const { return parsed_.count(name) > 0; }

json::Document TemplateLibrary::render(const std::string& name, const Values& values) const {
    auto it = parsed_.find(name);
    if (it == parsed_.end()) throw TemplateError("no template named " + name);
    json::Document doc;
    doc.CopyFrom(*it->second, doc.GetAllocator());
    std::set<std::string> missing;
    substitute_all(doc, doc.GetAllocator(), values, missing);
    if (!missing.empty()) throw TemplateError("template " + name + " has no value for {{" + *missing.begin() + "}}");

    auto type = json::get_string(doc, "type").value_or("");
    if (type == "bubble" || type == "carousel") {
        // The tree moves under the flex message within the same allocator: no second deep copy.
        auto& a = doc.GetAllocator();
        json::Value contents(rapidjson::kObjectType);
        contents.Swap(doc);
        doc.SetObject();
        auto alt = values.find("alt_text");
        doc.AddMember("type", "flex", a);
        const std::string alt_text = text::to_utf8(text::to_utf32(alt == values.end() ? name : alt->second));
        doc.AddMember("altText", json::make_string(alt_text, a), a);
        doc.AddMember("contents", contents, a);
    }
    auto alt = doc.FindMember("altText");
    if (alt != doc.MemberEnd() && alt->value.IsString()) {
        std::string_view current(alt->value.GetString(), alt->value.GetStringLength());
        if (text::utf16_length(current) > kMaxAltText) {
            std::string clamped = text::truncate_utf16(current, kMaxAltText - 1) + "…";
            alt->value.SetString(clamped.data(), static_cast<rapidjson::SizeType>(clamped.size()), doc.GetAllocator());
        }
    }
    return doc;
}

std::string TemplateLibrary::render_text(const std::string& name, const Values& values) const {
    return json::to_string(render(name, values));
}

std::vector<std::string> TemplateLibrary::placeholders(const std::string& name) const {
    auto it = parsed_.find(name);
    if (it == parsed_.end()) return {};
    std::set<std::string> names;
    collect_placeholders(*it->second, names);
    return {names.begin(), names.end()};
}

}  // namespace thesaban::templates
