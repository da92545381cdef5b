#include "line_rules.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>

#include "core/text.h"

namespace fake_line {
namespace {

using thesaban::json::Value;

std::string_view str(const Value& v) { return {v.GetString(), v.GetStringLength()}; }

const Value* member(const Value& object, std::string_view key) {
    if (!object.IsObject()) return nullptr;
    auto it = object.FindMember(Value(rapidjson::StringRef(key.data(), static_cast<rapidjson::SizeType>(key.size()))));
    return it == object.MemberEnd() ? nullptr : &it->value;
}

std::string index_path(const std::string& path, std::size_t i) { return path + "[" + std::to_string(i) + "]"; }
std::string field_path(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::size_t compact_json_bytes(const Value& v) { return thesaban::json::to_string(v).size(); }

// Collects violations while walking one body.
class Checker {
public:
    std::vector<Violation> violations;

    void bad(const std::string& property, std::string message) {
        violations.push_back({std::move(message), property});
    }

    // Required string member; returns it when present and a string.
    const Value* required_string(const Value& obj, std::string_view key, const std::string& path) {
        const Value* v = member(obj, key);
        if (!v) {
            bad(field_path(path, key), "Must not be null");
            return nullptr;
        }
        if (!v->IsString()) {
            bad(field_path(path, key), "Must be a string");
            return nullptr;
        }
        return v;
    }
    void optional_string(const Value& obj, std::string_view key, const std::string& path) {
        const Value* v = member(obj, key);
        if (v && !v->IsString()) bad(field_path(path, key), "Must be a string");
    }
    const Value* required_number(const Value& obj, std::string_view key, const std::string& path, bool integer) {
        const Value* v = member(obj, key);
        if (!v) {
            bad(field_path(path, key), "Must not be null");
            return nullptr;
        }
        if (integer ? !v->IsInt64() : !v->IsNumber()) {
            bad(field_path(path, key), integer ? "Must be an integer" : "Must be a number");
            return nullptr;
        }
        return v;
    }
    const Value* required_object(const Value& obj, std::string_view key, const std::string& path) {
        const Value* v = member(obj, key);
        if (!v) {
            bad(field_path(path, key), "Must not be null");
            return nullptr;
        }
        if (!v->IsObject()) {
            bad(field_path(path, key), "Must be an object");
            return nullptr;
        }
        return v;
    }
    const Value* required_array(const Value& obj, std::string_view key, const std::string& path) {
        const Value* v = member(obj, key);
        if (!v) {
            bad(field_path(path, key), "Must not be null");
            return nullptr;
        }
        if (!v->IsArray()) {
            bad(field_path(path, key), "Must be an array");
            return nullptr;
        }
        return v;
    }
    void size_between(const Value& array, std::size_t min, std::size_t max, const std::string& path) {
        std::size_t n = array.Size();
        if (n < min || n > max) {
            bad(path, "Size must be between " + std::to_string(min) + " and " + std::to_string(max) + " (got " +
                          std::to_string(n) + ")");
        }
    }
    // Lengths in UTF-16 code units, as LINE counts text ("Character counting in a text").
    void max_units(const Value* v, std::size_t max, const std::string& path, bool non_empty) {
        if (!v || !v->IsString()) return;
        std::size_t n = thesaban::text::utf16_length(str(*v));
        if (non_empty && n == 0) bad(path, "May not be empty");
        if (n > max) {
            bad(path, "Length must be between 0 and " + std::to_string(max) + " (got " + std::to_string(n) +
                          " UTF-16 code units)");
        }
    }
    void label(const Value& action, std::size_t max, bool required, const std::string& action_path) {
        const Value* l = member(action, "label");
        std::string path = field_path(action_path, "label");
        if (!l || (l->IsString() && l->GetStringLength() == 0)) {
            if (required) bad(path, "May not be empty");
            return;
        }
        if (!l->IsString()) {
            bad(path, "Must be a string");
            return;
        }
        std::size_t n = grapheme_count(str(*l));
        if (n > max) {
            bad(path, "Length must be between 0 and " + std::to_string(max) + " (got " + std::to_string(n) +
                          " characters)");
        }
    }

    // #action-objects: a known type and its required properties.
    void action(const Value& a, const std::string& path) {
        if (!a.IsObject()) {
            bad(path, "Must be an object");
            return;
        }
        const Value* type = required_string(a, "type", path);
        if (!type) return;
        std::string_view t = str(*type);
        if (t == "postback") {
            max_units(required_string(a, "data", path), 300, field_path(path, "data"), false);
            max_units(member(a, "displayText"), 300, field_path(path, "displayText"), false);
            max_units(member(a, "text"), 300, field_path(path, "text"), false);
        } else if (t == "message") {
            max_units(required_string(a, "text", path), 300, field_path(path, "text"), true);
        } else if (t == "uri") {
            max_units(required_string(a, "uri", path), 1000, field_path(path, "uri"), true);
        } else if (t == "datetimepicker") {
            max_units(required_string(a, "data", path), 300, field_path(path, "data"), false);
            if (const Value* mode = required_string(a, "mode", path)) {
                std::string_view m = str(*mode);
                if (m != "date" && m != "time" && m != "datetime") bad(field_path(path, "mode"), "Invalid mode");
            }
        } else if (t == "richmenuswitch") {
            required_string(a, "richMenuAliasId", path);
            required_string(a, "data", path);
        } else if (t == "clipboard") {
            max_units(required_string(a, "clipboardText", path), 1000, field_path(path, "clipboardText"), true);
        } else if (t != "camera" && t != "cameraRoll" && t != "location") {
            bad(field_path(path, "type"), "Invalid action type '" + std::string(t) + "'");
        }
    }

    void message(const Value& m, const std::string& path) {
        if (!m.IsObject()) {
            bad(path, "Must be an object");
            return;
        }
        const Value* type = required_string(m, "type", path);
        if (type) {
            std::string_view t = str(*type);
            if (t == "text" || t == "textV2") {
                max_units(required_string(m, "text", path), limits::kTextUnits, field_path(path, "text"), true);
            } else if (t == "sticker") {
                required_string(m, "packageId", path);
                required_string(m, "stickerId", path);
            } else if (t == "image" || t == "video") {
                required_string(m, "originalContentUrl", path);
                required_string(m, "previewImageUrl", path);
            } else if (t == "audio") {
                required_string(m, "originalContentUrl", path);
                required_number(m, "duration", path, true);
            } else if (t == "location") {
                required_string(m, "title", path);
                required_string(m, "address", path);
                required_number(m, "latitude", path, false);
                required_number(m, "longitude", path, false);
            } else if (t == "imagemap") {
                alt_text(m, path);
                required_string(m, "baseUrl", path);
                if (const Value* size = required_object(m, "baseSize", path)) {
                    required_number(*size, "width", field_path(path, "baseSize"), true);
                    required_number(*size, "height", field_path(path, "baseSize"), true);
                }
                required_array(m, "actions", path);
            } else if (t == "template") {
                alt_text(m, path);
                if (const Value* tpl = required_object(m, "template", path)) template_(*tpl, field_path(path, "template"));
            } else if (t == "flex") {
                alt_text(m, path);
                if (const Value* c = required_object(m, "contents", path)) flex(*c, field_path(path, "contents"));
            } else if (t == "coupon") {
                required_string(m, "couponId", path);
            } else {
                bad(field_path(path, "type"), "Invalid message type '" + std::string(t) + "'");
            }
        }
        if (const Value* qr = member(m, "quickReply")) quick_reply(*qr, field_path(path, "quickReply"));
        if (const Value* sender = member(m, "sender"); sender && sender->IsObject()) {
            max_units(member(*sender, "name"), 20, field_path(field_path(path, "sender"), "name"), false);
        }
    }

    void alt_text(const Value& m, const std::string& path) {
        max_units(required_string(m, "altText", path), limits::kAltTextUnits, field_path(path, "altText"), true);
    }

    void quick_reply(const Value& qr, const std::string& path) {
        if (!qr.IsObject()) {
            bad(path, "Must be an object");
            return;
        }
        const Value* items = required_array(qr, "items", path);
        if (!items) return;
        size_between(*items, 1, limits::kQuickReplyItems, field_path(path, "items"));
        for (rapidjson::SizeType i = 0; i < items->Size(); ++i) {
            std::string item_path = index_path(field_path(path, "items"), i);
            const Value& item = (*items)[i];
            if (!item.IsObject()) {
                bad(item_path, "Must be an object");
                continue;
            }
            if (const Value* a = required_object(item, "action", item_path)) {
                action(*a, field_path(item_path, "action"));
                label(*a, limits::kQuickReplyLabel, true, field_path(item_path, "action"));
            }
        }
    }

    void template_(const Value& t, const std::string& path) {
        const Value* type = required_string(t, "type", path);
        if (!type) return;
        std::string_view kind = str(*type);
        auto actions = [&](const Value& holder, const std::string& holder_path, std::size_t min, std::size_t max) {
            const Value* list = required_array(holder, "actions", holder_path);
            if (!list) return;
            size_between(*list, min, max, field_path(holder_path, "actions"));
            for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
                std::string ap = index_path(field_path(holder_path, "actions"), i);
                action((*list)[i], ap);
                if ((*list)[i].IsObject()) label((*list)[i], limits::kTemplateLabel, true, ap);
            }
        };
        if (kind == "buttons") {
            max_units(required_string(t, "text", path), 160, field_path(path, "text"), true);
            actions(t, path, 1, 4);
        } else if (kind == "confirm") {
            max_units(required_string(t, "text", path), 240, field_path(path, "text"), true);
            actions(t, path, 2, 2);
        } else if (kind == "carousel" || kind == "image_carousel") {
            const Value* columns = required_array(t, "columns", path);
            if (!columns) return;
            std::string cp = field_path(path, "columns");
            size_between(*columns, 1, 10, cp);
            std::set<rapidjson::SizeType> counts;
            for (rapidjson::SizeType i = 0; i < columns->Size(); ++i) {
                const Value& col = (*columns)[i];
                std::string colp = index_path(cp, i);
                if (!col.IsObject()) {
                    bad(colp, "Must be an object");
                    continue;
                }
                if (kind == "carousel") {
                    required_string(col, "text", colp);
                    actions(col, colp, 1, 3);
                    if (const Value* a = member(col, "actions"); a && a->IsArray()) counts.insert(a->Size());
                } else {
                    required_string(col, "imageUrl", colp);
                    if (const Value* a = required_object(col, "action", colp)) {
                        action(*a, field_path(colp, "action"));
                        label(*a, limits::kImageCarouselLabel, false, field_path(colp, "action"));
                    }
                }
            }
            // #carousel: "Keep the number of actions consistent for all columns."
            if (counts.size() > 1) bad(cp, "All columns must have the same number of actions");
        } else {
            bad(field_path(path, "type"), "Invalid template type '" + std::string(kind) + "'");
        }
    }

    void flex(const Value& c, const std::string& path) {
        const Value* type = required_string(c, "type", path);
        if (!type) return;
        std::string_view kind = str(*type);
        if (kind == "bubble") {
            bubble(c, path);
        } else if (kind == "carousel") {
            std::size_t size = compact_json_bytes(c);
            if (size > limits::kCarouselBytes) {
                bad(path, "Carousel JSON is " + std::to_string(size) + " bytes; max 50 KB (" +
                              std::to_string(limits::kCarouselBytes) + " bytes)");
            }
            const Value* bubbles = required_array(c, "contents", path);
            if (!bubbles) return;
            std::string bp = field_path(path, "contents");
            size_between(*bubbles, 1, limits::kCarouselBubbles, bp);
            for (rapidjson::SizeType i = 0; i < bubbles->Size(); ++i) {
                const Value& b = (*bubbles)[i];
                std::string p = index_path(bp, i);
                const Value* bt = b.IsObject() ? member(b, "type") : nullptr;
                if (!bt || !bt->IsString() || str(*bt) != "bubble") {
                    bad(field_path(p, "type"), "Must be 'bubble'");
                    continue;
                }
                bubble(b, p);
            }
        } else {
            bad(field_path(path, "type"), "Invalid flex container type '" + std::string(kind) + "'");
        }
    }

    void bubble(const Value& b, const std::string& path) {
        std::size_t size = compact_json_bytes(b);
        if (size > limits::kBubbleBytes) {
            bad(path, "Bubble JSON is " + std::to_string(size) + " bytes; max 30 KB (" +
                          std::to_string(limits::kBubbleBytes) + " bytes)");
        }
        components(b, path);
    }

    // Flex components anywhere in a bubble: buttons need an action with a label (max 40), and a
    // text needs `text` or `contents` (#f-text: "Be sure to set either one").
    void components(const Value& node, const std::string& path) {
        if (node.IsArray()) {
            for (rapidjson::SizeType i = 0; i < node.Size(); ++i) components(node[i], index_path(path, i));
            return;
        }
        if (!node.IsObject()) return;
        const Value* type = member(node, "type");
        if (type && type->IsString()) {
            std::string_view t = str(*type);
            if (t == "button") {
                if (const Value* a = required_object(node, "action", path)) {
                    action(*a, field_path(path, "action"));
                    label(*a, limits::kFlexButtonLabel, true, field_path(path, "action"));
                }
            } else if (t == "text") {
                const Value* contents = member(node, "contents");
                if (!member(node, "text") && !(contents && contents->IsArray())) {
                    bad(field_path(path, "text"), "A Flex text needs `text` or `contents`");
                }
            }
        }
        for (auto it = node.MemberBegin(); it != node.MemberEnd(); ++it) {
            std::string_view key = str(it->name);
            if (key == "action") continue;
            components(it->value, field_path(path, key));
        }
    }

    void messages(const Value& body) {
        const Value* list = required_array(body, "messages", "");
        if (!list) return;
        size_between(*list, 1, limits::kMessagesMax, "messages");
        for (rapidjson::SizeType i = 0; i < list->Size(); ++i) message((*list)[i], index_path("messages", i));
    }
};

// Code points that extend the previous grapheme cluster (a practical subset of UAX #29's
// Extend/SpacingMark/ZWJ for the scripts our users type: Thai, Latin, emoji).
bool extends_cluster(char32_t c) {
    return c == 0x0E31 || c == 0x0E33 || (c >= 0x0E34 && c <= 0x0E3A) || (c >= 0x0E47 && c <= 0x0E4E) ||
           (c >= 0x0300 && c <= 0x036F) || (c >= 0xFE00 && c <= 0xFE0F) || (c >= 0x1F3FB && c <= 0x1F3FF) ||
           c == 0x200D || (c >= 0xE0020 && c <= 0xE007F) || c == 0x20E3;
}

}  // namespace

std::vector<Violation> validate_request(Endpoint endpoint, const thesaban::json::Value& body) {
    Checker check;
    if (!body.IsObject()) {
        check.bad("", "The request body must be a JSON object");
        return check.violations;
    }
    switch (endpoint) {
        case Endpoint::reply:
            check.required_string(body, "replyToken", "");
            check.messages(body);
            break;
        case Endpoint::push:
            check.required_string(body, "to", "");
            check.messages(body);
            break;
        case Endpoint::multicast:
            if (const Value* to = check.required_array(body, "to", "")) {
                check.size_between(*to, 1, limits::kMulticastToMax, "to");
                for (rapidjson::SizeType i = 0; i < to->Size(); ++i) {
                    if (!(*to)[i].IsString()) check.bad(index_path("to", i), "Must be a string");
                }
            }
            check.messages(body);
            break;
        case Endpoint::broadcast:
        case Endpoint::narrowcast:
            check.messages(body);
            break;
        case Endpoint::loading:
            check.required_string(body, "chatId", "");
            if (const Value* s = member(body, "loadingSeconds")) {
                // #display-a-loading-indicator: 5, 10, ..., 60.
                if (!s->IsInt64() || s->GetInt64() < 5 || s->GetInt64() > 60 || s->GetInt64() % 5 != 0) {
                    check.bad("loadingSeconds", "Must be a multiple of 5 between 5 and 60");
                }
            }
            return check.violations;
    }
    if (const Value* n = member(body, "notificationDisabled"); n && !n->IsBool()) {
        check.bad("notificationDisabled", "Must be a boolean");
    }
    return check.violations;
}

std::size_t grapheme_count(std::string_view utf8) {
    std::size_t count = 0;
    bool after_zwj = false;
    for (std::size_t i = 0; i < utf8.size();) {
        unsigned char b = static_cast<unsigned char>(utf8[i]);
        int len = b < 0x80 ? 1 : (b >> 5) == 0x6 ? 2 : (b >> 4) == 0xE ? 3 : (b >> 3) == 0x1E ? 4 : 1;
        char32_t c = len == 1 ? b : b & (0x7F >> len);
        for (int k = 1; k < len && i + k < utf8.size(); ++k) c = (c << 6) | (utf8[i + k] & 0x3F);
        i += len;
        if (!extends_cluster(c) && !after_zwj) ++count;
        after_zwj = c == 0x200D;
    }
    return count;
}

bool is_uuid(std::string_view s) {
    if (s.size() != 36) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
    }
    return true;
}

}  // namespace fake_line
