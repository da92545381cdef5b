#include "line/webhook.h"

#include <array>
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <exception>
#include <limits>
#include <utility>

#include "core/log.h"

namespace thesaban::line {
namespace {

constexpr std::string_view kLogComponent = "webhook";

struct KindName {
    EventKind kind;
    const char* name;
};

// LINE's "type" strings. `delivery` is the PNP delivery completion event.
constexpr std::array<KindName, 20> kKindNames{{
    {EventKind::message, "message"},
    {EventKind::message_edited, "messageEdited"},
    {EventKind::unsend, "unsend"},
    {EventKind::follow, "follow"},
    {EventKind::unfollow, "unfollow"},
    {EventKind::join, "join"},
    {EventKind::leave, "leave"},
    {EventKind::member_joined, "memberJoined"},
    {EventKind::member_left, "memberLeft"},
    {EventKind::postback, "postback"},
    {EventKind::video_play_complete, "videoPlayComplete"},
    {EventKind::beacon, "beacon"},
    {EventKind::account_link, "accountLink"},
    {EventKind::membership, "membership"},
    {EventKind::module, "module"},
    {EventKind::activated, "activated"},
    {EventKind::deactivated, "deactivated"},
    {EventKind::bot_suspended, "botSuspended"},
    {EventKind::bot_resumed, "botResumed"},
    {EventKind::pnp_delivery_completion, "delivery"},
}};

EventKind kind_from_type(std::string_view type) {
    for (const auto& entry : kKindNames) {
        if (type == entry.name) return entry.kind;
    }
    return EventKind::unknown;
}

// Serialises without recursion: Value::Accept recurses once per nesting level, and an event
// may legitimately carry 100k nested arrays after the iterative parser accepted it.
std::string to_compact_json(const json::Value& root) {
    json::StringBuffer buffer;
    json::Writer writer(buffer);
    struct Frame {
        const json::Value* value;
        rapidjson::SizeType next;
    };
    std::vector<Frame> stack;
    auto emit = [&](const json::Value& v) {
        switch (v.GetType()) {
            case rapidjson::kNullType:
                writer.Null();
                break;
            case rapidjson::kFalseType:
                writer.Bool(false);
                break;
            case rapidjson::kTrueType:
                writer.Bool(true);
                break;
            case rapidjson::kStringType:
                writer.String(v.GetString(), v.GetStringLength());
                break;
            case rapidjson::kNumberType:
                // Same order as Value::Accept, so numbers come out exactly as RapidJSON writes them.
                if (v.IsDouble()) {
                    // RapidJSON 1.1 parses 2.5e308 as inf (only exponents above 308 are errors) and
                    // Writer::Double writes nothing for inf: null keeps raw_json valid JSON.
                    if (std::isfinite(v.GetDouble())) {
                        writer.Double(v.GetDouble());
                    } else {
                        writer.Null();
                    }
                } else if (v.IsInt()) {
                    writer.Int(v.GetInt());
                } else if (v.IsUint()) {
                    writer.Uint(v.GetUint());
                } else if (v.IsInt64()) {
                    writer.Int64(v.GetInt64());
                } else {
                    writer.Uint64(v.GetUint64());
                }
                break;
            case rapidjson::kObjectType:
                writer.StartObject();
                stack.push_back({&v, 0});
                break;
            case rapidjson::kArrayType:
                writer.StartArray();
                stack.push_back({&v, 0});
                break;
        }
    };
    emit(root);
    while (!stack.empty()) {
        Frame& top = stack.back();
        const json::Value& container = *top.value;
        if (container.IsObject()) {
            if (top.next == container.MemberCount()) {
                writer.EndObject(top.next);
                stack.pop_back();
                continue;
            }
            const auto& member = *(container.MemberBegin() + top.next++);
            writer.Key(member.name.GetString(), member.name.GetStringLength());
            emit(member.value);  // may grow `stack`: `top` is not used after this
        } else {
            if (top.next == container.Size()) {
                writer.EndArray(top.next);
                stack.pop_back();
                continue;
            }
            emit(container[top.next++]);
        }
    }
    return std::string(buffer.GetString(), buffer.GetSize());
}

// RapidJSON 1.1 accepts a lone low-surrogate escape ("\uDC00") and stores it as the bytes
// ED B0 80, which are not UTF-8: the same body would then fail validation when raw_json is parsed
// again, and LINE would reject the text if echoed. Replace each such sequence with U+FFFD (also
// three bytes). Walks the tree with an explicit stack, like the parser.
bool is_encoded_surrogate(const char* s, rapidjson::SizeType i, rapidjson::SizeType n) {
    return i + 2 < n && static_cast<unsigned char>(s[i]) == 0xED &&
           (static_cast<unsigned char>(s[i + 1]) & 0xE0) == 0xA0;
}

void replace_surrogates_in(json::Value& v, json::Document::AllocatorType& allocator) {
    const char* s = v.GetString();
    const rapidjson::SizeType n = v.GetStringLength();
    rapidjson::SizeType i = 0;
    while (i < n && !is_encoded_surrogate(s, i, n)) ++i;
    if (i == n) return;
    std::string fixed(s, n);
    for (; i < n; ++i) {
        if (is_encoded_surrogate(s, i, n)) {
            fixed.replace(i, 3, "\xEF\xBF\xBD");
            i += 2;
        }
    }
    v.SetString(fixed.data(), static_cast<rapidjson::SizeType>(fixed.size()), allocator);
}

void replace_lone_surrogates(json::Value& root, json::Document::AllocatorType& allocator) {
    std::vector<json::Value*> pending{&root};
    while (!pending.empty()) {
        json::Value* v = pending.back();
        pending.pop_back();
        if (v->IsString()) {
            replace_surrogates_in(*v, allocator);
        } else if (v->IsObject()) {
            // Indexing rather than range-for: RapidJSON 1.1's mutable member iterator trips
            // C++20's reversed-operator ambiguity warning in clang.
            for (rapidjson::SizeType k = 0; k < v->MemberCount(); ++k) {
                auto& member = *(v->MemberBegin() + k);
                replace_surrogates_in(member.name, allocator);
                pending.push_back(&member.value);
            }
        } else if (v->IsArray()) {
            for (auto& element : v->GetArray()) pending.push_back(&element);
        }
    }
}

// A lone surrogate reaches the DOM only as a \u escape or as raw ED A0..BF bytes; Thai text in
// UTF-8 has neither, so the walk is skipped for nearly every body.
bool may_hold_surrogate(std::string_view body) {
    return body.find("\\u") != std::string_view::npos || std::memchr(body.data(), 0xED, body.size()) != nullptr;
}

// The DOM of a typical webhook (< 4 KiB of JSON) fits in a buffer on the caller's stack, instead of
// the 64 KiB chunk RapidJSON's pool allocator takes from the heap for every document. A larger body
// overflows into heap chunks sized from the body, not one 64 KiB chunk per few values.
constexpr std::size_t kStackPoolBytes = 8 * 1024;
std::size_t overflow_chunk_bytes(std::string_view body) {
    return std::clamp<std::size_t>(body.size() * 3, 16 * 1024, 1024 * 1024);
}

std::string get_string_or_empty(const json::Value& object, std::string_view key) {
    auto s = json::get_string(object, key);
    return s ? std::string(*s) : std::string();
}

std::optional<std::string> get_optional_string(const json::Value& object, std::string_view key) {
    auto s = json::get_string(object, key);
    if (!s) return std::nullopt;
    return std::string(*s);
}

int get_int32_or_zero(const json::Value& object, std::string_view key) {
    auto v = json::get_int(object, key);
    if (!v || *v < std::numeric_limits<int>::min() || *v > std::numeric_limits<int>::max()) return 0;
    return static_cast<int>(*v);
}

Source parse_source(const json::Value& event) {
    Source source;
    const json::Value* s = json::get_object(event, "source");
    if (!s) return source;
    auto type = json::get_string(*s, "type");
    if (type == "user") {
        source.type = Source::Type::user;
    } else if (type == "group") {
        source.type = Source::Type::group;
    } else if (type == "room") {
        source.type = Source::Type::room;
    }
    source.user_id = get_string_or_empty(*s, "userId");
    source.group_id = get_string_or_empty(*s, "groupId");
    source.room_id = get_string_or_empty(*s, "roomId");
    return source;
}

ContentProvider parse_content_provider(const json::Value& message) {
    ContentProvider provider;
    if (const json::Value* p = json::get_object(message, "contentProvider")) {
        provider.type = get_string_or_empty(*p, "type");
        provider.original_url = get_string_or_empty(*p, "originalContentUrl");
        provider.preview_url = get_string_or_empty(*p, "previewImageUrl");
    }
    return provider;
}

TextMessage parse_text(const json::Value& m) {
    TextMessage text;
    text.text = get_string_or_empty(m, "text");
    text.quote_token = get_string_or_empty(m, "quoteToken");
    text.quoted_message_id = get_optional_string(m, "quotedMessageId");
    const json::Value* mention = json::get_object(m, "mention");
    const json::Value* mentionees = mention ? json::get_array(*mention, "mentionees") : nullptr;
    if (mentionees) {
        for (const auto& mentionee : mentionees->GetArray()) {
            if (json::get_bool(mentionee, "isSelf").value_or(false)) text.mentions_self = true;
            if (json::get_string(mentionee, "type") != "user") continue;
            if (auto user_id = json::get_string(mentionee, "userId")) text.mentioned_user_ids.emplace_back(*user_id);
        }
    }
    return text;
}

ImageMessage parse_image(const json::Value& m) {
    ImageMessage image;
    image.provider = parse_content_provider(m);
    image.quote_token = get_string_or_empty(m, "quoteToken");
    if (const json::Value* set = json::get_object(m, "imageSet")) {
        image.image_set_id = get_optional_string(*set, "id");
        image.image_set_index = get_int32_or_zero(*set, "index");
        image.image_set_total = get_int32_or_zero(*set, "total");
    }
    return image;
}

StickerMessage parse_sticker(const json::Value& m) {
    StickerMessage sticker;
    sticker.package_id = get_string_or_empty(m, "packageId");
    sticker.sticker_id = get_string_or_empty(m, "stickerId");
    sticker.resource_type = get_string_or_empty(m, "stickerResourceType");
    if (const json::Value* keywords = json::get_array(m, "keywords")) {
        for (const auto& k : keywords->GetArray()) {
            if (k.IsString()) sticker.keywords.emplace_back(k.GetString(), k.GetStringLength());
        }
    }
    sticker.text = get_string_or_empty(m, "text");
    sticker.quote_token = get_string_or_empty(m, "quoteToken");
    return sticker;
}

// Used for `message` and `messageEdited`: the payload is always a MessageContent, so a missing
// or non-object `message` yields an UnknownMessage with an empty type rather than no payload.
MessageContent parse_message(const json::Value& event) {
    MessageContent content;
    content.body = UnknownMessage{};
    const json::Value* m = json::get_object(event, "message");
    if (!m) return content;
    content.id = get_string_or_empty(*m, "id");
    std::string type = get_string_or_empty(*m, "type");
    if (type == "text") {
        content.body = parse_text(*m);
    } else if (type == "image") {
        content.body = parse_image(*m);
    } else if (type == "video") {
        content.body = VideoMessage{parse_content_provider(*m), json::get_int(*m, "duration").value_or(0),
                                    get_string_or_empty(*m, "quoteToken")};
    } else if (type == "audio") {
        content.body = AudioMessage{parse_content_provider(*m), json::get_int(*m, "duration").value_or(0)};
    } else if (type == "file") {
        content.body = FileMessage{get_string_or_empty(*m, "fileName"), json::get_int(*m, "fileSize").value_or(0)};
    } else if (type == "location") {
        content.body = LocationMessage{get_string_or_empty(*m, "title"), get_string_or_empty(*m, "address"),
                                       json::get_double(*m, "latitude").value_or(0),
                                       json::get_double(*m, "longitude").value_or(0)};
    } else if (type == "sticker") {
        content.body = parse_sticker(*m);
    } else {
        content.body = UnknownMessage{std::move(type)};
    }
    return content;
}

Postback parse_postback(const json::Value& event) {
    Postback postback;
    const json::Value* p = json::get_object(event, "postback");
    if (!p) return postback;
    postback.data = get_string_or_empty(*p, "data");
    if (const json::Value* params = json::get_object(*p, "params")) {
        postback.date = get_optional_string(*params, "date");
        postback.time = get_optional_string(*params, "time");
        postback.datetime = get_optional_string(*params, "datetime");
        postback.new_rich_menu_alias_id = get_optional_string(*params, "newRichMenuAliasId");
        postback.rich_menu_status = get_optional_string(*params, "status");
    }
    return postback;
}

// memberJoined carries `joined.members`, memberLeft `left.members`: arrays of user sources.
Members parse_members(const json::Value& event, std::string_view key) {
    Members members;
    const json::Value* holder = json::get_object(event, key);
    const json::Value* list = holder ? json::get_array(*holder, "members") : nullptr;
    if (!list) return members;
    for (const auto& member : list->GetArray()) {
        if (auto user_id = json::get_string(member, "userId")) members.user_ids.emplace_back(*user_id);
    }
    return members;
}

// Reads `event[object_key][field]` as a string, empty when any level is missing or mistyped.
std::string nested_string(const json::Value& event, std::string_view object_key, std::string_view field) {
    const json::Value* o = json::get_object(event, object_key);
    return o ? get_string_or_empty(*o, field) : std::string();
}

void parse_payload(const json::Value& e, Event& event) {
    switch (event.kind) {
        case EventKind::message:
        case EventKind::message_edited:
            event.payload = parse_message(e);
            break;
        case EventKind::unsend:
            event.payload = Unsend{nested_string(e, "unsend", "messageId")};
            break;
        case EventKind::follow: {
            const json::Value* f = json::get_object(e, "follow");
            event.payload = Follow{f ? json::get_bool(*f, "isUnblocked").value_or(false) : false};
            break;
        }
        case EventKind::member_joined:
            event.payload = parse_members(e, "joined");
            break;
        case EventKind::member_left:
            event.payload = parse_members(e, "left");
            break;
        case EventKind::postback:
            event.payload = parse_postback(e);
            break;
        case EventKind::video_play_complete:
            event.payload = VideoPlayComplete{nested_string(e, "videoPlayComplete", "trackingId")};
            break;
        case EventKind::beacon:
            event.payload = Beacon{nested_string(e, "beacon", "hwid"), nested_string(e, "beacon", "type"),
                                   nested_string(e, "beacon", "dm")};
            break;
        case EventKind::account_link:
            event.payload = AccountLink{nested_string(e, "link", "result"), nested_string(e, "link", "nonce")};
            break;
        case EventKind::membership: {
            Membership membership;
            if (const json::Value* m = json::get_object(e, "membership")) {
                membership.type = get_string_or_empty(*m, "type");
                membership.membership_id = json::get_int(*m, "membershipId").value_or(0);
            }
            event.payload = std::move(membership);
            break;
        }
        case EventKind::module: {
            Module module;
            if (const json::Value* m = json::get_object(e, "module")) {
                module.type = get_string_or_empty(*m, "type");
                module.json = to_compact_json(*m);
            }
            event.payload = std::move(module);
            break;
        }
        case EventKind::pnp_delivery_completion:
            event.payload = PnpDelivery{nested_string(e, "delivery", "data")};
            break;
        case EventKind::unfollow:
        case EventKind::join:
        case EventKind::leave:
        case EventKind::activated:
        case EventKind::deactivated:
        case EventKind::bot_suspended:
        case EventKind::bot_resumed:
        case EventKind::unknown:
            event.payload = NoPayload{};
            break;
    }
}

// nullopt when `e` is not an object or has no string `type`: without a type nothing can be done.
std::optional<Event> parse_event_value(const json::Value& e) {
    if (!e.IsObject()) return std::nullopt;
    auto type = json::get_string(e, "type");
    if (!type) return std::nullopt;
    Event event;
    event.type = std::string(*type);
    event.kind = kind_from_type(event.type);
    event.webhook_event_id = get_string_or_empty(e, "webhookEventId");
    event.timestamp_ms = json::get_int(e, "timestamp").value_or(0);
    event.standby = json::get_string(e, "mode") == "standby";
    if (const json::Value* delivery = json::get_object(e, "deliveryContext")) {
        event.is_redelivery = json::get_bool(*delivery, "isRedelivery").value_or(false);
    }
    event.source = parse_source(e);
    event.reply_token = get_optional_string(e, "replyToken");
    parse_payload(e, event);
    event.raw_json = to_compact_json(e);
    return event;
}

// Event types are chosen by LINE, not users, but still bounded before they reach a log line.
std::string loggable_type(std::string_view type) { return std::string(type.substr(0, 40)); }

}  // namespace

const std::string& Source::chat_id() const {
    if (!group_id.empty()) return group_id;
    if (!room_id.empty()) return room_id;
    return user_id;
}

const char* event_kind_name(EventKind kind) {
    for (const auto& entry : kKindNames) {
        if (entry.kind == kind) return entry.name;
    }
    return "unknown";
}

ParseStatus parse_webhook(std::string_view body, WebhookBody& out, std::string* error) {
    out = WebhookBody{};
    try {
        alignas(std::max_align_t) char pool_buffer[kStackPoolBytes];
        rapidjson::MemoryPoolAllocator<> pool(pool_buffer, sizeof pool_buffer, overflow_chunk_bytes(body));
        json::Document doc(&pool);
        std::string parse_error;
        if (!json::parse(body, doc, &parse_error)) {
            if (error) *error = "body is not JSON: " + parse_error;
            return ParseStatus::malformed;
        }
        if (!doc.IsObject()) {
            if (error) *error = "body is not a JSON object";
            return ParseStatus::malformed;
        }
        if (may_hold_surrogate(body)) replace_lone_surrogates(doc, doc.GetAllocator());
        const json::Value* events = json::get_array(doc, "events");
        if (!events) {
            if (error) *error = "`events` is missing or not an array";
            return ParseStatus::malformed;
        }
        out.destination = get_string_or_empty(doc, "destination");
        out.events.reserve(events->Size());
        for (rapidjson::SizeType i = 0; i < events->Size(); ++i) {
            const json::Value& e = (*events)[i];
            auto event = parse_event_value(e);
            if (!event) {
                // Only the position and the event id: the event may hold message text and user ids.
                log::warn(kLogComponent, "skipping webhook event without an object shape or a type",
                          {{"index", std::to_string(i)},
                           {"webhook_event_id", e.IsObject() ? get_string_or_empty(e, "webhookEventId") : ""}});
                continue;
            }
            if (event->kind == EventKind::unknown) {
                log::info(kLogComponent, "unknown webhook event type",
                          {{"type", loggable_type(event->type)}, {"webhook_event_id", event->webhook_event_id}});
            }
            out.events.push_back(std::move(*event));
        }
        return ParseStatus::ok;
    } catch (const std::exception& ex) {
        // Only allocation failure can get here; the caller answers 500 and LINE redelivers.
        out = WebhookBody{};
        if (error) *error = std::string("webhook parse failed: ") + ex.what();
        return ParseStatus::malformed;
    }
}

std::optional<Event> parse_event(std::string_view event_json) {
    try {
        alignas(std::max_align_t) char pool_buffer[kStackPoolBytes];
        rapidjson::MemoryPoolAllocator<> pool(pool_buffer, sizeof pool_buffer, overflow_chunk_bytes(event_json));
        json::Document doc(&pool);
        if (!json::parse(event_json, doc)) return std::nullopt;
        if (may_hold_surrogate(event_json)) replace_lone_surrogates(doc, doc.GetAllocator());
        return parse_event_value(doc);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

}  // namespace thesaban::line
