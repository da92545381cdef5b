#include "tax/tax_record_json.h"

#include "core/json.h"

namespace thesaban::tax {
namespace {

using json::write_key;
using json::write_field;
using json::write_string;

void write_date(json::Writer& w, std::string_view key, const std::optional<Date>& date) {
    if (date) write_field(w, key, format_iso(*date));
}

// Absent member: nullopt; present but not a date: false.
bool read_date(const json::Value& object, std::string_view key, std::optional<Date>& out) {
    if (!object.HasMember(rapidjson::StringRef(key.data(), key.size()))) return true;
    const auto text = json::get_string(object, key);
    if (!text) return false;
    out = parse_date(*text);
    return out.has_value();
}

}  // namespace

std::string tax_record_to_json(const TaxRecord& r) {
    json::StringBuffer buffer;
    json::Writer w(buffer);
    w.StartObject();
    write_field(w, "notice_number", r.notice_number);
    write_key(w, "tax_year");
    w.Int(r.tax_year);
    write_field(w, "type", tax_type_key(r.type));
    write_field(w, "taxpayer_name", r.taxpayer_name);
    write_field(w, "national_id_hash", r.national_id_hash);
    write_field(w, "national_id_last4", r.national_id_last4);
    write_field(w, "reference", r.reference);
    write_key(w, "amount_satang");
    w.Int64(r.amount_satang);
    write_field(w, "due_date", format_iso(r.due_date));
    write_date(w, "paid_date", r.paid_date);
    write_key(w, "paid_amount_satang");
    w.Int64(r.paid_amount_satang);
    write_date(w, "reminder_date", r.reminder_date);
    write_date(w, "reminder_due_date", r.reminder_due_date);
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize());
}

std::optional<TaxRecord> tax_record_from_json(std::string_view text) {
    json::Document doc;
    if (!json::parse(text, doc) || !doc.IsObject()) return std::nullopt;
    TaxRecord r;
    const auto notice = json::get_string(doc, "notice_number");
    const auto year = json::get_int(doc, "tax_year");
    const auto type_key = json::get_string(doc, "type");
    const auto name = json::get_string(doc, "taxpayer_name");
    const auto hash = json::get_string(doc, "national_id_hash");
    const auto last4 = json::get_string(doc, "national_id_last4");
    const auto reference = json::get_string(doc, "reference");
    const auto amount = json::get_int(doc, "amount_satang");
    const auto due = json::get_string(doc, "due_date");
    const auto paid_amount = json::get_int(doc, "paid_amount_satang");
    if (!notice || !year || !type_key || !name || !hash || !last4 || !reference || !amount || !due || !paid_amount)
        return std::nullopt;
    const auto type = tax_type_from_key(*type_key);
    const auto due_date = parse_date(*due);
    if (!type || !due_date) return std::nullopt;
    r.notice_number = std::string(*notice);
    r.tax_year = static_cast<int>(*year);
    r.type = *type;
    r.taxpayer_name = std::string(*name);
    r.national_id_hash = std::string(*hash);
    r.national_id_last4 = std::string(*last4);
    r.reference = std::string(*reference);
    r.amount_satang = *amount;
    r.due_date = *due_date;
    r.paid_amount_satang = *paid_amount;
    if (!read_date(doc, "paid_date", r.paid_date) || !read_date(doc, "reminder_date", r.reminder_date) ||
        !read_date(doc, "reminder_due_date", r.reminder_due_date))
        return std::nullopt;
    return r;
}

}  // namespace thesaban::tax
