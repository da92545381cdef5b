#include "store/ticket_json.h"

#include <vector>

#include "core/json.h"

namespace thesaban::store {
namespace {

using json::write_key;
using json::write_field;
using json::write_string;

void write_strings(json::Writer& w, std::string_view key, const std::vector<std::string>& values) {
    write_key(w, key);
    w.StartArray();
    for (const auto& v : values) write_string(w, v);
    w.EndArray();
}

std::string string_or_empty(const json::Value& object, std::string_view key) {
    return std::string(json::get_string(object, key).value_or(""));
}

std::vector<std::string> strings(const json::Value& object, std::string_view key) {
    std::vector<std::string> out;
    if (const json::Value* array = json::get_array(object, key)) {
        for (const auto& v : array->GetArray())
            if (v.IsString()) out.emplace_back(v.GetString(), v.GetStringLength());
    }
    return out;
}

}  // namespace

std::string ticket_to_json(const tickets::Ticket& t) {
    json::StringBuffer buffer;
    json::Writer w(buffer);
    w.StartObject();
    write_field(w, "id", t.id);  // first, always (kTicketJsonEmptyIdHead)
    write_field(w, "kind", t.kind);
    write_field(w, "category", t.category);
    write_field(w, "department", t.department);
    write_field(w, "description", t.description);
    if (t.location) {
        write_key(w, "location");
        w.StartObject();
        write_key(w, "latitude");
        w.Double(t.location->latitude);
        write_key(w, "longitude");
        w.Double(t.location->longitude);
        write_field(w, "title", t.location->title);
        write_field(w, "address", t.location->address);
        w.EndObject();
    }
    write_field(w, "place_text", t.place_text);
    write_field(w, "fault", t.fault);
    write_strings(w, "photo_tokens", t.photo_tokens);
    write_field(w, "phone", t.phone);
    write_field(w, "reporter_user_id", t.reporter_user_id);
    write_field(w, "reporter_name", t.reporter_name);
    write_field(w, "status", tickets::status_key(t.status));
    write_key(w, "created_ms");
    w.Int64(t.created_ms);
    write_key(w, "updated_ms");
    w.Int64(t.updated_ms);
    write_field(w, "assigned_officer", t.assigned_officer);
    write_field(w, "assigned_officer_name", t.assigned_officer_name);
    write_field(w, "close_reason", t.close_reason);
    write_field(w, "resolution_note", t.resolution_note);
    write_strings(w, "after_photo_tokens", t.after_photo_tokens);
    write_key(w, "rating");
    w.Int(t.rating);
    write_field(w, "rating_comment", t.rating_comment);
    write_strings(w, "followers", t.followers);
    write_key(w, "history");
    w.StartArray();
    for (const auto& h : t.history) {
        w.StartObject();
        write_key(w, "at_ms");
        w.Int64(h.at_ms);
        write_field(w, "actor", h.actor);
        write_field(w, "actor_name", h.actor_name);
        write_field(w, "status", tickets::status_key(h.status));
        write_field(w, "department", h.department);
        write_field(w, "note", h.note);
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize());
}

std::optional<tickets::Ticket> ticket_from_json(std::string_view text) {
    json::Document doc;
    if (!json::parse(text, doc) || !doc.IsObject()) return std::nullopt;
    auto id = json::get_string(doc, "id");
    auto status = tickets::status_from_key(json::get_string(doc, "status").value_or(""));
    if (!id || !status) return std::nullopt;

    tickets::Ticket t;
    t.id = std::string(*id);
    t.status = *status;
    t.kind = string_or_empty(doc, "kind");
    t.category = string_or_empty(doc, "category");
    t.department = string_or_empty(doc, "department");
    t.description = string_or_empty(doc, "description");
    if (const json::Value* loc = json::get_object(doc, "location")) {
        tickets::GeoPoint p;
        p.latitude = json::get_double(*loc, "latitude").value_or(0);
        p.longitude = json::get_double(*loc, "longitude").value_or(0);
        p.title = string_or_empty(*loc, "title");
        p.address = string_or_empty(*loc, "address");
        t.location = std::move(p);
    }
    t.place_text = string_or_empty(doc, "place_text");
    t.fault = string_or_empty(doc, "fault");
    t.photo_tokens = strings(doc, "photo_tokens");
    t.phone = string_or_empty(doc, "phone");
    t.reporter_user_id = string_or_empty(doc, "reporter_user_id");
    t.reporter_name = string_or_empty(doc, "reporter_name");
    t.created_ms = json::get_int(doc, "created_ms").value_or(0);
    t.updated_ms = json::get_int(doc, "updated_ms").value_or(0);
    t.assigned_officer = string_or_empty(doc, "assigned_officer");
    t.assigned_officer_name = string_or_empty(doc, "assigned_officer_name");
    t.close_reason = string_or_empty(doc, "close_reason");
    t.resolution_note = string_or_empty(doc, "resolution_note");
    t.after_photo_tokens = strings(doc, "after_photo_tokens");
    t.rating = static_cast<int>(json::get_int(doc, "rating").value_or(0));
    t.rating_comment = string_or_empty(doc, "rating_comment");
    t.followers = strings(doc, "followers");
    if (const json::Value* history = json::get_array(doc, "history")) {
        for (const auto& item : history->GetArray()) {
            if (!item.IsObject()) continue;
            tickets::HistoryEntry h;
            h.at_ms = json::get_int(item, "at_ms").value_or(0);
            h.actor = string_or_empty(item, "actor");
            h.actor_name = string_or_empty(item, "actor_name");
            h.status = tickets::status_from_key(json::get_string(item, "status").value_or(""))
                           .value_or(tickets::Status::received);
            h.department = string_or_empty(item, "department");
            h.note = string_or_empty(item, "note");
            t.history.push_back(std::move(h));
        }
    }
    return t;
}

}  // namespace thesaban::store
