#include "announcements/announcement.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>
#include <set>

#include "core/json.h"
#include "core/random.h"
#include "core/text.h"

namespace thesaban::announcements {
namespace {

bool is_https_url(std::string_view url) {
    if (url.rfind("https://", 0) != 0 || url.size() <= 8 || url.size() > kMaxUrlBytes) return false;
    for (unsigned char c : url)
        if (c <= 0x20 || c == 0x7f || c == '"' || c == '<' || c == '>' || c == '\\') return false;
    return true;
}

// Strict UTF-8: no overlong forms, no surrogates (a JSON "\udc00" escape decodes to one), nothing
// above U+10FFFF. LINE refuses anything else, and the store could not read it back.
bool is_valid_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (n == 0 || i + n > s.size()) return false;
        uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
        for (std::size_t k = 1; k < n; ++k) {
            unsigned char cc = static_cast<unsigned char>(s[i + k]);
            if ((cc >> 6) != 0x2) return false;
            cp = (cp << 6) | (cc & 0x3F);
        }
        static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
        i += n;
    }
    return true;
}

bool has_control_characters(std::string_view s, bool allow_newlines) {
    for (unsigned char c : s) {
        if (allow_newlines && (c == '\n' || c == '\r' || c == '\t')) continue;
        if (c < 0x20 || c == 0x7f) return true;
    }
    return false;
}

std::optional<int> digits(std::string_view s, std::size_t pos, std::size_t count) {
    if (pos + count > s.size()) return std::nullopt;
    int n = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
        n = n * 10 + (s[i] - '0');
    }
    return n;
}

void add_string(json::Writer& w, std::string_view key, std::string_view value) {
    json::write_key(w, key);
    json::write_string(w, value);
}

std::string string_of(const json::Value& v, std::string_view key) {
    return std::string(json::get_string(v, key).value_or(""));
}

}  // namespace

std::string_view chunk_state_key(ChunkState state) {
    switch (state) {
        case ChunkState::pending:
            return "pending";
        case ChunkState::sent:
            return "sent";
        case ChunkState::failed:
            return "failed";
    }
    return "pending";
}

std::optional<ChunkState> chunk_state_from_key(std::string_view key) {
    for (auto s : {ChunkState::pending, ChunkState::sent, ChunkState::failed})
        if (chunk_state_key(s) == key) return s;
    return std::nullopt;
}

std::string_view status_key(Status status) {
    switch (status) {
        case Status::scheduled:
            return "scheduled";
        case Status::sending:
            return "sending";
        case Status::sent:
            return "sent";
        case Status::failed:
            return "failed";
    }
    return "scheduled";
}

std::optional<Status> status_from_key(std::string_view key) {
    for (auto s : {Status::scheduled, Status::sending, Status::sent, Status::failed})
        if (status_key(s) == key) return s;
    return std::nullopt;
}

std::optional<ValidationError> validate(const Draft& draft, const std::vector<std::string>& topics, int64_t now_ms) {
    for (const auto& [field, value] : {std::pair<const char*, const std::string*>{"title", &draft.title},
                                       {"body", &draft.body},
                                       {"image_url", &draft.image_url},
                                       {"link_url", &draft.link_url},
                                       {"topic", &draft.topic}})
        if (!is_valid_utf8(*value)) return ValidationError{field, std::string(field) + " is not valid UTF-8 text"};
    if (text::trim(draft.title).empty()) return ValidationError{"title", "title is required"};
    if (text::utf16_length(draft.title) > kMaxTitleUnits)
        return ValidationError{"title", "title must be at most " + std::to_string(kMaxTitleUnits) + " characters"};
    if (has_control_characters(draft.title, false))
        return ValidationError{"title", "title must be one line without control characters"};
    if (text::trim(draft.body).empty()) return ValidationError{"body", "body is required"};
    if (text::utf16_length(draft.body) > kMaxBodyUnits)
        return ValidationError{"body", "body must be at most " + std::to_string(kMaxBodyUnits) + " characters"};
    if (has_control_characters(draft.body, true))
        return ValidationError{"body", "body must not contain control characters"};
    if (!draft.image_url.empty() && !is_https_url(draft.image_url))
        return ValidationError{"image_url", "image_url must be an https:// URL of at most 1000 characters"};
    if (!draft.link_url.empty() && !is_https_url(draft.link_url))
        return ValidationError{"link_url", "link_url must be an https:// URL of at most 1000 characters"};
    if (!draft.topic.empty() && std::find(topics.begin(), topics.end(), draft.topic) == topics.end()) {
        std::string known;
        for (const auto& t : topics) known += (known.empty() ? "" : ", ") + t;
        return ValidationError{"topic", "topic must be one of the configured topics (" + known + ")"};
    }
    if (draft.send_at_ms != 0 && draft.send_at_ms < now_ms - kSendAtGraceMs)
        return ValidationError{"send_at", "send_at is in the past"};
    return std::nullopt;
}

std::optional<ValidationError> parse_draft(std::string_view json_text, const std::vector<std::string>& topics,
                                           int64_t now_ms, Draft& out) {
    json::Document doc;
    std::string error;
    if (!json::parse(json_text, doc, &error)) return ValidationError{"", "the body is not valid JSON (" + error + ")"};
    if (!doc.IsObject()) return ValidationError{"", "the body must be a JSON object"};
    static const std::set<std::string> known = {"title", "body", "image_url", "link_url", "topic", "send_at"};
    for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
        std::string name(it->name.GetString(), it->name.GetStringLength());
        if (!known.count(name)) return ValidationError{name, "unknown field " + name};
        if (!it->value.IsString() && !it->value.IsNull()) return ValidationError{name, name + " must be a string"};
    }
    Draft draft;
    draft.title = text::trim(string_of(doc, "title"));
    draft.body = string_of(doc, "body");
    draft.image_url = string_of(doc, "image_url");
    draft.link_url = string_of(doc, "link_url");
    draft.topic = string_of(doc, "topic");
    std::string send_at = string_of(doc, "send_at");
    if (!send_at.empty()) {
        auto at = parse_iso8601(send_at);
        if (!at)
            return ValidationError{"send_at",
                                   "send_at must be ISO 8601 with a UTC offset, e.g. 2026-12-02T09:00:00+07:00"};
        draft.send_at_ms = *at;
    }
    if (auto invalid = validate(draft, topics, now_ms)) return invalid;
    out = std::move(draft);
    return std::nullopt;
}

std::optional<int64_t> parse_iso8601(std::string_view s) {
    // YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH:MM)
    auto year = digits(s, 0, 4), month = digits(s, 5, 2), day = digits(s, 8, 2), hour = digits(s, 11, 2),
         minute = digits(s, 14, 2);
    if (!year || !month || !day || !hour || !minute || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
        s[13] != ':')
        return std::nullopt;
    std::size_t pos = 16;
    int second = 0;
    int64_t millis = 0;
    if (pos < s.size() && s[pos] == ':') {
        auto sec = digits(s, pos + 1, 2);
        if (!sec) return std::nullopt;
        second = *sec;
        pos += 3;
        if (pos < s.size() && s[pos] == '.') {
            ++pos;
            int scale = 100;
            std::size_t start = pos;
            while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
                millis += static_cast<int64_t>(s[pos] - '0') * scale;
                scale /= 10;
                ++pos;
            }
            if (pos == start) return std::nullopt;
        }
    }
    int offset_minutes = 0;
    if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
        ++pos;
    } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
        auto oh = digits(s, pos + 1, 2), om = digits(s, pos + 4, 2);
        if (!oh || !om || pos + 3 >= s.size() || s[pos + 3] != ':' || *oh > 14 || *om > 59) return std::nullopt;
        offset_minutes = (*oh * 60 + *om) * (s[pos] == '-' ? -1 : 1);
        pos += 6;
    } else {
        return std::nullopt;  // a time without an offset is ambiguous
    }
    if (pos != s.size()) return std::nullopt;
    if (*month < 1 || *month > 12 || *day < 1 || *day > 31 || *hour > 23 || *minute > 59 || second > 60)
        return std::nullopt;
    std::tm tm{};
    tm.tm_year = *year - 1900;
    tm.tm_mon = *month - 1;
    tm.tm_mday = *day;
    tm.tm_hour = *hour;
    tm.tm_min = *minute;
    tm.tm_sec = second;
    std::time_t t = timegm(&tm);
    if (tm.tm_mday != *day) return std::nullopt;  // 31 February
    return (static_cast<int64_t>(t) - static_cast<int64_t>(offset_minutes) * 60) * 1000 + millis;
}

std::string format_iso8601(int64_t epoch_ms) {
    std::time_t t = static_cast<std::time_t>(epoch_ms / 1000);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::vector<Chunk> plan_multicast(std::vector<std::string> recipients, std::size_t chunk_size) {
    std::sort(recipients.begin(), recipients.end());
    recipients.erase(std::unique(recipients.begin(), recipients.end()), recipients.end());
    std::vector<Chunk> chunks;
    for (std::size_t i = 0; i < recipients.size(); i += chunk_size) {
        Chunk chunk;
        auto end = std::min(recipients.size(), i + chunk_size);
        chunk.to.assign(recipients.begin() + static_cast<std::ptrdiff_t>(i),
                        recipients.begin() + static_cast<std::ptrdiff_t>(end));
        chunk.retry_key = random_uuid();
        chunks.push_back(std::move(chunk));
    }
    return chunks;
}

Chunk plan_broadcast() { return Chunk{{}, random_uuid()}; }

std::string announcement_to_json(const Announcement& a, bool with_chunks) {
    json::StringBuffer buffer;
    json::Writer w(buffer);
    w.StartObject();
    add_string(w, "id", a.id);
    add_string(w, "title", a.draft.title);
    add_string(w, "body", a.draft.body);
    if (!a.draft.image_url.empty()) add_string(w, "image_url", a.draft.image_url);
    if (!a.draft.link_url.empty()) add_string(w, "link_url", a.draft.link_url);
    add_string(w, "topic", a.draft.topic);
    w.Key("send_at_ms");
    w.Int64(a.draft.send_at_ms);
    if (a.draft.send_at_ms) add_string(w, "send_at", format_iso8601(a.draft.send_at_ms));
    add_string(w, "created_by", a.created_by);
    w.Key("created_at_ms");
    w.Int64(a.created_at_ms);
    add_string(w, "status", status_key(a.status));
    w.Key("planned");
    w.Bool(a.planned);
    if (a.finished_at_ms) {
        w.Key("finished_at_ms");
        w.Int64(a.finished_at_ms);
    }
    if (with_chunks) {
        w.Key("chunks");
        w.StartArray();
        for (const auto& c : a.chunks) {
            w.StartObject();
            add_string(w, "state", chunk_state_key(c.state));
            w.Key("recipients");
            w.Uint64(c.recipients);
            w.Key("attempts");
            w.Int(c.attempts);
            if (c.status) {
                w.Key("status");
                w.Int(c.status);
            }
            if (!c.request_id.empty()) add_string(w, "request_id", c.request_id);
            if (!c.error.empty()) add_string(w, "error", c.error);
            if (c.at_ms) {
                w.Key("at_ms");
                w.Int64(c.at_ms);
            }
            w.EndObject();
        }
        w.EndArray();
    }
    w.EndObject();
    return {buffer.GetString(), buffer.GetSize()};
}

bool announcement_from_json(std::string_view text, Announcement& out) {
    json::Document doc;
    if (!json::parse(text, doc) || !doc.IsObject()) return false;
    Announcement a;
    a.id = string_of(doc, "id");
    a.draft.title = string_of(doc, "title");
    a.draft.body = string_of(doc, "body");
    a.draft.image_url = string_of(doc, "image_url");
    a.draft.link_url = string_of(doc, "link_url");
    a.draft.topic = string_of(doc, "topic");
    a.draft.send_at_ms = json::get_int(doc, "send_at_ms").value_or(0);
    a.created_by = string_of(doc, "created_by");
    a.created_at_ms = json::get_int(doc, "created_at_ms").value_or(0);
    a.finished_at_ms = json::get_int(doc, "finished_at_ms").value_or(0);
    a.planned = json::get_bool(doc, "planned").value_or(false);
    auto status = status_from_key(json::get_string(doc, "status").value_or(""));
    if (a.id.empty() || !status) return false;
    a.status = *status;
    out = std::move(a);
    return true;
}

std::string chunk_to_json(const Chunk& chunk) {
    json::StringBuffer buffer;
    json::Writer w(buffer);
    w.StartObject();
    add_string(w, "retry_key", chunk.retry_key);
    w.Key("to");
    w.StartArray();
    for (const auto& id : chunk.to) json::write_string(w, id);
    w.EndArray();
    w.EndObject();
    return {buffer.GetString(), buffer.GetSize()};
}

bool chunk_from_json(std::string_view text, Chunk& out) {
    json::Document doc;
    if (!json::parse(text, doc) || !doc.IsObject()) return false;
    Chunk chunk;
    chunk.retry_key = string_of(doc, "retry_key");
    if (const auto* to = json::get_array(doc, "to")) {
        for (const auto& id : to->GetArray())
            if (id.IsString()) chunk.to.emplace_back(id.GetString(), id.GetStringLength());
    }
    if (chunk.retry_key.empty()) return false;
    out = std::move(chunk);
    return true;
}

std::string delivery_to_json(const ChunkDelivery& d) {
    json::StringBuffer buffer;
    json::Writer w(buffer);
    w.StartObject();
    add_string(w, "state", chunk_state_key(d.state));
    add_string(w, "request_id", d.request_id);
    w.Key("attempts");
    w.Int(d.attempts);
    w.Key("status");
    w.Int(d.status);
    add_string(w, "error", d.error);
    w.Key("at_ms");
    w.Int64(d.at_ms);
    w.Key("recipients");
    w.Uint64(d.recipients);
    w.EndObject();
    return {buffer.GetString(), buffer.GetSize()};
}

bool delivery_from_json(std::string_view text, ChunkDelivery& out) {
    json::Document doc;
    if (!json::parse(text, doc) || !doc.IsObject()) return false;
    auto state = chunk_state_from_key(json::get_string(doc, "state").value_or(""));
    if (!state) return false;
    ChunkDelivery d;
    d.state = *state;
    d.request_id = string_of(doc, "request_id");
    d.attempts = static_cast<int>(json::get_int(doc, "attempts").value_or(0));
    d.status = static_cast<int>(json::get_int(doc, "status").value_or(0));
    d.error = string_of(doc, "error");
    d.at_ms = json::get_int(doc, "at_ms").value_or(0);
    d.recipients = static_cast<std::size_t>(json::get_int(doc, "recipients").value_or(0));
    out = std::move(d);
    return true;
}

}  // namespace thesaban::announcements
