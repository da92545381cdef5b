#include "core/json.h"

namespace thesaban::json {
namespace {
const Value* member(const Value& object, std::string_view key) {
    if (!object.IsObject()) return nullptr;
    auto it = object.FindMember(Value(rapidjson::StringRef(key.data(), static_cast<rapidjson::SizeType>(key.size()))));
    return it == object.MemberEnd() ? nullptr : &it->value;
}

bool parse_impl(std::string_view text, Document& doc, std::string* error, bool comments) {
    if (comments) {
        doc.Parse<kUntrustedParseFlags | rapidjson::kParseCommentsFlag | rapidjson::kParseTrailingCommasFlag>(
            text.data(), text.size());
    } else {
        doc.Parse<kUntrustedParseFlags>(text.data(), text.size());
    }
    if (!doc.HasParseError()) return true;
    if (error) {
        // Report line and column, which is what a person editing the file needs.
        std::size_t offset = doc.GetErrorOffset();
        std::size_t line = 1, column = 1;
        for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
            if (text[i] == '\n') {
                ++line;
                column = 1;
            } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
                ++column;
            }
        }
        *error = "line " + std::to_string(line) + ", column " + std::to_string(column) + ": " +
                 rapidjson::GetParseError_En(doc.GetParseError());
    }
    return false;
}
}  // namespace

bool parse(std::string_view text, Document& doc, std::string* error) { return parse_impl(text, doc, error, false); }
bool parse_with_comments(std::string_view text, Document& doc, std::string* error) {
    return parse_impl(text, doc, error, true);
}

std::string to_string(const Value& value) {
    StringBuffer buffer;
    Writer writer(buffer);
    value.Accept(writer);
    return std::string(buffer.GetString(), buffer.GetSize());
}

std::optional<std::string_view> get_string(const Value& object, std::string_view key) {
    const Value* v = member(object, key);
    if (!v || !v->IsString()) return std::nullopt;
    return std::string_view(v->GetString(), v->GetStringLength());
}
std::optional<int64_t> get_int(const Value& object, std::string_view key) {
    const Value* v = member(object, key);
    if (!v || !v->IsInt64()) return std::nullopt;
    return v->GetInt64();
}
std::optional<double> get_double(const Value& object, std::string_view key) {
    const Value* v = member(object, key);
    if (!v || !v->IsNumber()) return std::nullopt;
    return v->GetDouble();
}
std::optional<bool> get_bool(const Value& object, std::string_view key) {
    const Value* v = member(object, key);
    if (!v || !v->IsBool()) return std::nullopt;
    return v->GetBool();
}
const Value* get_object(const Value& object, std::string_view key) {
    const Value* v = member(object, key);
    return (v && v->IsObject()) ? v : nullptr;
}
const Value* get_array(const Value& object, std::string_view key) {
    const Value* v = member(object, key);
    return (v && v->IsArray()) ? v : nullptr;
}

}  // namespace thesaban::json
