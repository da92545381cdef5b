#include "config/config.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/json.h"
#include "core/text.h"
#include "tax/promptpay.h"
#include "tax/surcharge.h"

extern char** environ;

namespace thesaban::config {
namespace {

// Reads one JSON object of the file, remembering which keys were read so that a misspelt key
// ("max_conections") is reported instead of silently ignored.
class Section {
public:
    Section(const json::Value* value, std::string path) : value_(value), path_(std::move(path)) {
        if (value_ && !value_->IsObject()) throw ConfigError(path_, "must be an object");
    }

    bool present() const { return value_ != nullptr; }

    Section child(const std::string& key) {
        known_.insert(key);
        return Section(find(key), name(key));
    }

    void read(const std::string& key, std::string& out, bool non_empty = false) {
        known_.insert(key);
        const json::Value* v = find(key);
        if (!v) return;
        if (!v->IsString()) throw ConfigError(name(key), "must be a string");
        out.assign(v->GetString(), v->GetStringLength());
        if (non_empty && text::trim(out).empty()) throw ConfigError(name(key), "must not be empty");
    }

    template <typename Int>
    void read(const std::string& key, Int& out, long long min, long long max) {
        known_.insert(key);
        const json::Value* v = find(key);
        if (!v) return;
        if (!v->IsInt64()) throw ConfigError(name(key), "must be an integer");
        long long n = v->GetInt64();
        if (n < min || n > max)
            throw ConfigError(name(key), "must be between " + std::to_string(min) + " and " + std::to_string(max));
        out = static_cast<Int>(n);
    }

    void read_bool(const std::string& key, bool& out) {
        known_.insert(key);
        const json::Value* v = find(key);
        if (!v) return;
        if (!v->IsBool()) throw ConfigError(name(key), "must be true or false");
        out = v->GetBool();
    }

    template <typename Duration>
    void read_duration(const std::string& key, Duration& out, long long min, long long max) {
        long long n = out.count();
        read(key, n, min, max);
        out = Duration(n);
    }

    const json::Value* array(const std::string& key) {
        known_.insert(key);
        const json::Value* v = find(key);
        if (v && !v->IsArray()) throw ConfigError(name(key), "must be an array");
        return v;
    }

    // Every key of the object, for free-form maps such as "texts".
    std::vector<std::string> keys() const {
        std::vector<std::string> out;
        if (!value_) return out;
        for (auto it = value_->MemberBegin(); it != value_->MemberEnd(); ++it)
            out.emplace_back(it->name.GetString(), it->name.GetStringLength());
        return out;
    }
    void accept_all_keys() {
        for (auto& k : keys()) known_.insert(k);
    }

    void reject_unknown_keys() const {
        if (!value_) return;
        for (auto it = value_->MemberBegin(); it != value_->MemberEnd(); ++it) {
            std::string key(it->name.GetString(), it->name.GetStringLength());
            if (!known_.count(key)) {
                std::string hint = (key.find("secret") != std::string::npos || key.find("token") != std::string::npos)
                                       ? " (secrets belong in the environment, not in the file)"
                                       : "";
                throw ConfigError(name(key), "unknown key" + hint);
            }
        }
    }

    std::string name(const std::string& key) const { return path_.empty() ? key : path_ + "." + key; }

private:
    const json::Value* find(const std::string& key) const {
        if (!value_) return nullptr;
        auto it = value_->FindMember(key.c_str());
        return it == value_->MemberEnd() ? nullptr : &it->value;
    }

    const json::Value* value_;
    std::string path_;
    std::set<std::string> known_;
};

std::string join(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
    return out;
}

// The lines of a UTF-8 text file, without a BOM, '\r' or the comment and blank lines.
std::vector<std::pair<int, std::string>> data_lines(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ConfigError("", "cannot read " + path);
    std::vector<std::pair<int, std::string>> out;
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        if (number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (text::trim(line).empty() || text::trim(line)[0] == '#') continue;
        out.emplace_back(number, line);
    }
    return out;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw ConfigError("", "cannot read config file " + path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void require_url(const std::string& key, const std::string& value, bool allow_empty) {
    if (value.empty() && allow_empty) return;
    if (value.rfind("https://", 0) != 0 && value.rfind("http://", 0) != 0)
        throw ConfigError(key, "must be an http:// or https:// URL");
    if (!value.empty() && value.back() == '/') throw ConfigError(key, "must not end with '/'");
}

void read_menu(Section& root, Config& config) {
    const json::Value* menu = root.array("main_menu");
    if (!menu) throw ConfigError("main_menu", "is required");
    if (menu->Size() < 1 || menu->Size() > 13) throw ConfigError("main_menu", "must have 1 to 13 items (LINE's quick reply limit)");
    for (rapidjson::SizeType i = 0; i < menu->Size(); ++i) {
        std::string path = "main_menu[" + std::to_string(i) + "]";
        Section item(&(*menu)[i], path);
        MenuItem entry;
        item.read("label", entry.label, true);
        item.read("text", entry.text, true);
        item.reject_unknown_keys();
        if (entry.label.empty()) throw ConfigError(path + ".label", "is required");
        if (text::utf16_length(entry.label) > 20) throw ConfigError(path + ".label", "must be at most 20 characters");
        if (entry.text.empty()) entry.text = entry.label;
        config.main_menu.push_back(entry);
    }
}

std::vector<std::string> read_string_list(const json::Value& array, const std::string& path) {
    std::vector<std::string> out;
    for (rapidjson::SizeType i = 0; i < array.Size(); ++i) {
        if (!array[i].IsString() || array[i].GetStringLength() == 0)
            throw ConfigError(path + "[" + std::to_string(i) + "]", "must be a non-empty string");
        out.emplace_back(array[i].GetString(), array[i].GetStringLength());
    }
    return out;
}

bool is_line_id(const std::string& id, char first) {
    if (id.size() != 33 || id[0] != first) return false;
    for (std::size_t i = 1; i < id.size(); ++i)
        if (!std::isxdigit(static_cast<unsigned char>(id[i]))) return false;
    return true;
}

std::vector<Choice> read_choices(const json::Value* array, const std::string& path, bool with_department) {
    std::vector<Choice> out;
    if (!array) throw ConfigError(path, "is required");
    if (array->Size() < 1 || array->Size() > 12)
        throw ConfigError(path, "must have 1 to 12 items (room is kept for the back and cancel buttons)");
    for (rapidjson::SizeType i = 0; i < array->Size(); ++i) {
        std::string item_path = path + "[" + std::to_string(i) + "]";
        Section item(&(*array)[i], item_path);
        Choice choice;
        item.read("key", choice.key, true);
        item.read("label", choice.label, true);
        if (with_department) item.read("department", choice.department, true);
        item.reject_unknown_keys();
        if (choice.key.empty()) throw ConfigError(item_path + ".key", "is required");
        if (choice.label.empty()) throw ConfigError(item_path + ".label", "is required");
        if (text::utf16_length(choice.label) > 20) throw ConfigError(item_path + ".label", "must be at most 20 characters");
        if (with_department && choice.department.empty()) throw ConfigError(item_path + ".department", "is required");
        out.push_back(choice);
    }
    return out;
}

// A department's and the announcements' officers: `path`[i].user_id and .name (defined below).
std::vector<Officer> read_officers(const json::Value* officers, const std::string& path);

void read_departments(Section& root, Config& config) {
    const json::Value* array = root.array("departments");
    if (!array || array->Empty()) throw ConfigError("departments", "must list at least one department");
    for (rapidjson::SizeType i = 0; i < array->Size(); ++i) {
        std::string path = "departments[" + std::to_string(i) + "]";
        Section item(&(*array)[i], path);
        Department department;
        item.read("key", department.key, true);
        item.read("name", department.name, true);
        item.read("group_id", department.group_id, true);
        const json::Value* officers = item.array("officers");
        item.reject_unknown_keys();
        if (department.key.empty()) throw ConfigError(path + ".key", "is required");
        if (department.name.empty()) throw ConfigError(path + ".name", "is required");
        if (!is_line_id(department.group_id, 'C'))
            throw ConfigError(path + ".group_id", "must be a LINE group id (C followed by 32 hex digits)");
        if (config.department(department.key)) throw ConfigError(path + ".key", "duplicates another department");
        department.officers = read_officers(officers, path + ".officers");
        config.departments.push_back(department);
    }
}

void read_intents(Section& root, Config& config) {
    const auto& known = known_intents();
    Section intents = root.child("intents");
    if (!intents.present()) throw ConfigError("intents", "is required");
    for (const auto& name : intents.keys()) {
        if (std::find(known.begin(), known.end(), name) == known.end())
            throw ConfigError("intents." + name, "unknown intent (known: " + join(known) + ")");
        const json::Value* list = intents.array(name);
        Intent intent{name, read_string_list(*list, "intents." + name)};
        config.intents.push_back(intent);
    }
}

KeywordTable read_keyword_table(Section& parent, const std::string& key) {
    KeywordTable out;
    Section table = parent.child(key);
    for (const auto& name : table.keys())
        out.emplace_back(name, read_string_list(*table.array(name), table.name(name)));
    return out;
}

// Paths in the file are relative to the file, so the bot runs the same from any directory.
std::string relative_to(const std::string& config_path, const std::string& path) {
    if (path.empty() || std::filesystem::path(path).is_absolute()) return path;
    return (std::filesystem::path(config_path).parent_path() / path).lexically_normal().string();
}

void read_understanding(Section& root, const std::string& config_path, Config& config) {
    Section section = root.child("understanding");
    if (!section.present()) throw ConfigError("understanding", "is required (the intent corpus)");
    UnderstandingConfig& u = config.understanding;
    section.read("corpus", u.corpus_path, true);
    section.read("rewrites", u.rewrites_path);
    int percent = static_cast<int>(u.min_confidence * 100 + 0.5);
    section.read("min_confidence_percent", percent, 0, 100);
    u.min_confidence = percent / 100.0;
    u.tax_questions = read_keyword_table(section, "tax_questions");
    u.complaint_categories = read_keyword_table(section, "complaint_categories");
    for (const auto& [category, words] : u.complaint_categories) {
        bool found = false;
        for (const auto& c : config.complaint_categories) found = found || c.key == category;
        if (!found)
            throw ConfigError("understanding.complaint_categories." + category, "names no complaint category");
    }
    if (const json::Value* pointers = section.array("out_of_scope")) {
        for (rapidjson::SizeType i = 0; i < pointers->Size(); ++i) {
            const std::string path = "understanding.out_of_scope[" + std::to_string(i) + "]";
            Section item(&(*pointers)[i], path);
            Pointer pointer;
            item.read("key", pointer.key, true);
            item.read("name", pointer.name, true);
            item.read("phone", pointer.phone, true);
            if (const json::Value* words = item.array("keywords")) pointer.keywords = read_string_list(*words, path + ".keywords");
            item.reject_unknown_keys();
            if (pointer.key.empty() || pointer.name.empty() || pointer.phone.empty())
                throw ConfigError(path, "needs key, name and phone");
            u.out_of_scope.push_back(std::move(pointer));
        }
    }
    section.reject_unknown_keys();
    if (u.corpus_path.empty()) throw ConfigError("understanding.corpus", "is required");
    u.corpus_path = relative_to(config_path, u.corpus_path);
    u.rewrites_path = relative_to(config_path, u.rewrites_path);
    try {
        u.corpus = read_labelled_utterances(u.corpus_path);
        if (!u.rewrites_path.empty()) u.rewrites = read_rewrites(u.rewrites_path);
    } catch (const ConfigError& e) {
        throw ConfigError("understanding", e.what());
    }
    std::set<std::string> labelled;
    for (const auto& utterance : u.corpus) labelled.insert(utterance.intent);
    if (labelled.size() < 2) throw ConfigError("understanding.corpus", "needs utterances of at least two intents");
}

// Whole baht in the file, satang in memory.
void read_baht(Section& section, const std::string& key, int64_t& satang, long long max_baht) {
    long long baht = satang / 100;
    section.read(key, baht, 0, max_baht);
    satang = baht * 100;
}

tax::Date read_date(Section& section, const std::string& key, bool required) {
    std::string text;
    section.read(key, text);
    if (text.empty()) {
        if (required) throw ConfigError(section.name(key), "is required");
        return {};
    }
    auto date = tax::parse_date(text);
    if (!date) throw ConfigError(section.name(key), "must be a real date written YYYY-MM-DD (พ.ศ. or ค.ศ. year)");
    return *date;
}

void read_land_building(Section& section, tax::LandBuildingRules& rules) {
    read_baht(section, "instalment_threshold_baht", rules.instalment_threshold_satang, 1'000'000'000);
    section.read("instalments", rules.instalments, 1, 12);
    Section penalty = section.child("penalty_percent");
    penalty.read("before_reminder", rules.penalty_before_reminder_percent, 0, 100);
    penalty.read("within_reminder", rules.penalty_within_reminder_percent, 0, 100);
    penalty.read("after_reminder", rules.penalty_after_reminder_percent, 0, 100);
    penalty.reject_unknown_keys();
    if (!(rules.penalty_before_reminder_percent <= rules.penalty_within_reminder_percent &&
          rules.penalty_within_reminder_percent <= rules.penalty_after_reminder_percent))
        throw ConfigError(section.name("penalty_percent"),
                          "must rise from before_reminder to within_reminder to after_reminder (มาตรา 68–69)");
    section.read("surcharge_percent_per_month", rules.surcharge_percent_per_month, 0, 100);
    section.read_bool("surcharge_capped_at_tax", rules.surcharge_capped_at_tax);
    if (const json::Value* years = section.array("years")) {
        for (rapidjson::SizeType i = 0; i < years->Size(); ++i) {
            Section item(&(*years)[i], section.name("years") + "[" + std::to_string(i) + "]");
            tax::LandBuildingYear year;
            item.read("tax_year", year.tax_year, 2500, 2700);
            item.read("notice_month", year.notice_month, 1, 12);
            year.payment_due = read_date(item, "payment_due", true);
            const json::Value* instalments = item.array("instalment_due");
            item.reject_unknown_keys();
            if (year.tax_year == 0) throw ConfigError(item.name("tax_year"), "is required (พ.ศ., e.g. 2569)");
            for (const auto& other : rules.years)
                if (other.tax_year == year.tax_year) throw ConfigError(item.name("tax_year"), "is listed twice");
            if (instalments) {
                const std::string path = item.name("instalment_due");
                for (const auto& text : read_string_list(*instalments, path)) {
                    auto date = tax::parse_date(text);
                    if (!date) throw ConfigError(path, "must list real dates written YYYY-MM-DD: " + text);
                    if (!year.instalment_due.empty() && *date <= year.instalment_due.back())
                        throw ConfigError(path, "must list dates in order, each after the one before");
                    year.instalment_due.push_back(*date);
                }
                if (static_cast<int>(year.instalment_due.size()) != rules.instalments)
                    throw ConfigError(
                        path, "must list " + std::to_string(rules.instalments) + " dates (land_building.instalments)");
                if (year.instalment_due.front() != year.payment_due)
                    throw ConfigError(path, "must start with payment_due (the first instalment is due with it)");
            } else {
                // มาตรา 53: each further instalment is due a month after the one before.
                year.instalment_due = {year.payment_due};
                for (int k = 1; k < rules.instalments; ++k)
                    year.instalment_due.push_back(tax::month_period_end(year.instalment_due.back(), 1));
            }
            if (year.payment_due.year < year.tax_year - 543 - 1 || year.payment_due.year > year.tax_year - 543 + 1)
                throw ConfigError(item.name("payment_due"),
                                  "is not in or near tax year " + std::to_string(year.tax_year));
            rules.years.push_back(year);
        }
    }
    section.reject_unknown_keys();
}

void read_signboard(Section& section, tax::SignboardRules& rules) {
    std::string deadline;
    section.read("filing_deadline", deadline);
    if (!deadline.empty()) {
        auto date = tax::parse_date("2024-" + deadline);  // a leap year, so "02-29" is allowed
        if (deadline.size() != 5 || !date)
            throw ConfigError(section.name("filing_deadline"), "must be a month and day written MM-DD, e.g. 03-31");
        rules.filing_deadline_month = date->month;
        rules.filing_deadline_day = date->day;
    }
    section.read("payment_days_after_assessment", rules.payment_days_after_assessment, 1, 365);
    section.read("surcharge_percent_per_month", rules.surcharge_percent_per_month, 0, 100);
    section.read("unit_cm2", rules.unit_cm2, 1, 1'000'000);
    read_baht(section, "minimum_baht", rules.minimum_satang, 1'000'000);
    Section rates = section.child("rates_baht");
    for (auto [key, rate] : {std::pair{"thai_only", &rules.thai_only}, std::pair{"thai_mixed", &rules.thai_mixed},
                             std::pair{"foreign", &rules.foreign}}) {
        Section kind = rates.child(key);
        read_baht(kind, "moving", rate->moving_satang, 1'000'000);
        read_baht(kind, "other", rate->other_satang, 1'000'000);
        kind.reject_unknown_keys();
    }
    rates.reject_unknown_keys();
    section.reject_unknown_keys();
}

void read_promptpay(Section& section, tax::PromptPaySettings& settings) {
    std::string mode = "none";
    section.read("mode", mode, true);
    section.read("biller_id", settings.biller_id);
    section.read("promptpay_id", settings.promptpay_id);
    section.read_duration("qr_link_ttl_hours", settings.qr_link_ttl, 1, 24 * 31);
    section.reject_unknown_keys();
    using Mode = tax::PromptPaySettings::Mode;
    if (mode == "none") {
        settings.mode = Mode::none;
    } else if (mode == "bill_payment") {
        settings.mode = Mode::bill_payment;
        // A payload with a placeholder reference shows whether the biller ID is usable.
        auto check = tax::bill_payment_payload({settings.biller_id, "CHECK", "", std::nullopt});
        if (!check.ok()) throw ConfigError(section.name("biller_id"), check.error);
        if (!settings.promptpay_id.empty())
            throw ConfigError(section.name("promptpay_id"), "is for mode \"credit_transfer\"; remove it");
    } else if (mode == "credit_transfer") {
        settings.mode = Mode::credit_transfer;
        auto check = tax::credit_transfer_payload({settings.promptpay_id, std::nullopt});
        if (!check.ok()) throw ConfigError(section.name("promptpay_id"), check.error);
        if (!settings.biller_id.empty())
            throw ConfigError(section.name("biller_id"), "is for mode \"bill_payment\"; remove it");
    } else {
        throw ConfigError(section.name("mode"), "must be one of none, bill_payment, credit_transfer");
    }
}

void read_tax(Section& root, Config& config) {
    Section tax = root.child("tax");
    if (!tax.present()) return;
    Section land_building = tax.child("land_building");
    read_land_building(land_building, config.tax.land_building);
    Section signboard = tax.child("signboard");
    read_signboard(signboard, config.tax.signboard);
    Section garbage = tax.child("garbage_fee");
    read_baht(garbage, "household_baht_per_month", config.tax.garbage_fee.household_satang_per_month, 100'000);
    garbage.read("surcharge_percent_per_month", config.tax.garbage_fee.surcharge_percent_per_month, 0, 100);
    garbage.reject_unknown_keys();
    Section promptpay = tax.child("promptpay");
    read_promptpay(promptpay, config.tax.promptpay);
    Section lookup = tax.child("lookup");
    lookup.read("max_failures", config.tax_chat.lookup_max_failures, 1, 100);
    int window_minutes = static_cast<int>(config.tax_chat.lookup_window.count() / 60);
    lookup.read("window_minutes", window_minutes, 1, 24 * 60);
    config.tax_chat.lookup_window = std::chrono::minutes(window_minutes);
    lookup.reject_unknown_keys();
    Section topics = tax.child("topic_keywords");
    if (topics.present()) {
        static const std::set<std::string> known = {"land_building", "signboard", "garbage_fee", "lookup"};
        for (const auto& topic : topics.keys()) {
            if (!known.count(topic))
                throw ConfigError("tax.topic_keywords." + topic,
                                  "unknown topic (known: land_building signboard garbage_fee lookup)");
            config.tax_chat.topic_keywords.emplace_back(
                topic, read_string_list(*topics.array(topic), "tax.topic_keywords." + topic));
        }
    }
    tax.reject_unknown_keys();
}

std::vector<Officer> read_officers(const json::Value* officers, const std::string& path) {
    std::vector<Officer> out;
    if (!officers) return out;
    for (rapidjson::SizeType j = 0; j < officers->Size(); ++j) {
        std::string officer_path = path + "[" + std::to_string(j) + "]";
        Section entry(&(*officers)[j], officer_path);
        Officer officer;
        entry.read("user_id", officer.user_id, true);
        entry.read("name", officer.name, true);
        entry.reject_unknown_keys();
        if (!is_line_id(officer.user_id, 'U'))
            throw ConfigError(officer_path + ".user_id", "must be a LINE user id (U followed by 32 hex digits)");
        if (officer.name.empty()) throw ConfigError(officer_path + ".name", "is required");
        out.push_back(officer);
    }
    return out;
}

void read_announcements(Section& root, Config& config) {
    Section section = root.child("announcements");
    if (!section.present()) return;
    auto& out = config.announcements;
    section.read("admin_group_id", out.admin_group_id);
    if (!out.admin_group_id.empty() && !is_line_id(out.admin_group_id, 'C'))
        throw ConfigError("announcements.admin_group_id", "must be a LINE group id (C followed by 32 hex digits)");
    out.officers = read_officers(section.array("officers"), "announcements.officers");
    if (const json::Value* topics = section.array("topics")) {
        if (topics->Size() > 12)
            throw ConfigError("announcements.topics", "must have at most 12 topics (one quick reply, room for cancel)");
        for (rapidjson::SizeType i = 0; i < topics->Size(); ++i) {
            std::string path = "announcements.topics[" + std::to_string(i) + "]";
            Section item(&(*topics)[i], path);
            Topic topic;
            item.read("key", topic.key, true);
            item.read("label", topic.label, true);
            item.reject_unknown_keys();
            if (topic.key.empty()) throw ConfigError(path + ".key", "is required");
            for (char c : topic.key)
                if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-')
                    throw ConfigError(path + ".key", "must be letters, digits, '_' or '-'");
            if (topic.label.empty()) throw ConfigError(path + ".label", "is required");
            if (text::utf16_length(topic.label) > 20)
                throw ConfigError(path + ".label", "must be at most 20 characters");
            if (out.topic(topic.key)) throw ConfigError(path + ".key", "duplicates another topic");
            out.topics.push_back(topic);
        }
    }
    section.read("history_size", out.history_size, 1, 1000);
    section.read("latest_count", out.latest_count, 1, 12);
    section.read("broadcasts_per_hour", out.broadcasts_per_hour, 1, 60);
    section.read("multicast_chunk_size", out.multicast_chunk_size, 1, 500);
    section.reject_unknown_keys();
}

void apply_environment(Config& config, const Environment& env) {
    auto get = [&](const char* name, std::string& out) {
        auto it = env.find(name);
        if (it != env.end() && !it->second.empty()) out = it->second;
    };
    get("LINE_CHANNEL_SECRET", config.line.channel_secret);
    get("LINE_CHANNEL_ACCESS_TOKEN", config.line.channel_access_token);
    get("LINE_API_BASE_URL", config.line.api_base_url);
    get("LINE_DATA_API_BASE_URL", config.line.data_api_base_url);
    get("REDIS_URL", config.redis.url);
    get("REDIS_SENTINELS", config.redis.sentinels);
    get("REDIS_SENTINEL_MASTER", config.redis.sentinel_master);
    get("PUBLIC_BASE_URL", config.public_base_url);
    get("DATA_DIR", config.data_dir);
    get("ADMIN_TOKEN", config.admin_token);
    std::string port;
    get("PORT", port);
    if (!port.empty()) {
        try {
            std::size_t used = 0;
            int n = std::stoi(port, &used);
            if (used != port.size() || n < 0 || n > 65535) throw std::invalid_argument(port);
            config.server.port = n;
        } catch (const std::exception&) {
            throw ConfigError("PORT", "must be a port number between 0 and 65535");
        }
    }
}

}  // namespace

const std::string& Config::text(const std::string& key) const {
    static const std::string missing;
    auto it = texts.find(key);
    return it == texts.end() ? missing : it->second;
}

namespace {

// The first item whose `field` equals `value`, or nullptr.
template <typename T>
const T* find_by(const std::vector<T>& items, std::string T::*field, const std::string& value) {
    for (const auto& item : items)
        if (item.*field == value) return &item;
    return nullptr;
}

}  // namespace

const Officer* Department::officer(const std::string& user_id) const {
    return find_by(officers, &Officer::user_id, user_id);
}

const Officer* AnnouncementsConfig::officer(const std::string& user_id) const {
    return find_by(officers, &Officer::user_id, user_id);
}

const Topic* AnnouncementsConfig::topic(const std::string& key) const { return find_by(topics, &Topic::key, key); }

std::vector<std::string> AnnouncementsConfig::topic_keys() const {
    std::vector<std::string> keys;
    for (const auto& t : topics) keys.push_back(t.key);
    return keys;
}

const Department* Config::department(const std::string& key) const {
    return find_by(departments, &Department::key, key);
}

const Department* Config::department_by_group(const std::string& group_id) const {
    return find_by(departments, &Department::group_id, group_id);
}

Environment current_environment() {
    Environment env;
    for (char** e = environ; e && *e; ++e) {
        std::string entry(*e);
        auto eq = entry.find('=');
        if (eq != std::string::npos) env[entry.substr(0, eq)] = entry.substr(eq + 1);
    }
    return env;
}

const std::vector<std::string>& known_intents() {
    static const std::vector<std::string> intents = {
        "complaint", "streetlight", "status",  "tax",          "tax_lookup", "announcement",
        "subscribe", "greeting",    "thanks",  "help",         "contact",    "handover",
        "cancel_ticket", "reopen",  "privacy", "out_of_scope", "unknown"};
    return intents;
}

std::vector<LabelledUtterance> read_labelled_utterances(const std::string& path) {
    const auto& known = known_intents();
    std::vector<LabelledUtterance> out;
    for (auto& [number, line] : data_lines(path)) {
        const std::string where = path + " line " + std::to_string(number);
        const auto tab = line.find('\t');
        if (tab == std::string::npos) throw ConfigError("", where + ": expected intent<TAB>utterance");
        LabelledUtterance u{text::trim(line.substr(0, tab)), text::trim(line.substr(tab + 1)), number};
        if (std::find(known.begin(), known.end(), u.intent) == known.end())
            throw ConfigError("", where + ": unknown intent \"" + u.intent + "\" (known: " + join(known) + ")");
        if (u.text.empty()) throw ConfigError("", where + ": no utterance after the tab");
        out.push_back(std::move(u));
    }
    return out;
}

std::vector<Rewrite> read_rewrites(const std::string& path) {
    std::vector<Rewrite> out;
    for (auto& [number, line] : data_lines(path)) {
        const std::string where = path + " line " + std::to_string(number);
        std::vector<std::string> fields;
        std::size_t start = 0;
        for (std::size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1)
            fields.push_back(text::trim(line.substr(start, tab - start)));
        fields.push_back(text::trim(line.substr(start)));
        if (fields.size() < 2 || fields.size() > 3 || fields[0].empty())
            throw ConfigError("", where + ": expected from<TAB>to[<TAB>word]");
        if (fields.size() == 3 && fields[2] != "word") throw ConfigError("", where + ": the third field can only be \"word\"");
        out.push_back({fields[0], fields[1], fields.size() == 3});
    }
    return out;
}

Config load_config(const std::string& path, const Environment& env, bool require_secrets) {
    json::Document doc;
    std::string error;
    if (!json::parse_with_comments(read_file(path), doc, &error)) throw ConfigError("", path + ": " + error);
    if (!doc.IsObject()) throw ConfigError("", path + ": the top level must be an object");

    Config config;
    config.source_path = path;
    Section root(&doc, "");

    Section municipality = root.child("municipality");
    if (!municipality.present()) throw ConfigError("municipality", "is required");
    municipality.read("name", config.municipality_name, true);
    municipality.read("short_name", config.municipality_short_name);
    municipality.read("phone", config.municipality_phone);
    municipality.read("ticket_prefix", config.ticket_prefix, true);
    municipality.reject_unknown_keys();
    if (config.municipality_name.empty()) throw ConfigError("municipality.name", "is required");
    if (config.municipality_short_name.empty()) config.municipality_short_name = config.municipality_name;
    for (char c : config.ticket_prefix)
        if (!(c >= 'A' && c <= 'Z')) throw ConfigError("municipality.ticket_prefix", "must be capital letters A-Z");

    root.read("log_level", config.log_level);
    if (config.log_level != "debug" && config.log_level != "info" && config.log_level != "warn" &&
        config.log_level != "error")
        throw ConfigError("log_level", "must be one of debug, info, warn, error");
    root.read("public_base_url", config.public_base_url);
    root.read("data_dir", config.data_dir, true);
    root.read("templates_dir", config.templates_dir, true);
    // Obsolete since events run on the event loops; still accepted so an older config starts.
    long long obsolete_worker_threads = 0;
    root.read("worker_threads", obsolete_worker_threads, 1, 64);

    Section server = root.child("server");
    server.read("port", config.server.port, 0, 65535);
    server.read("bind_address", config.server.bind_address, true);
    server.read("threads", config.server.threads, 0, 64);
    server.read("max_events_in_flight", config.server.max_events_in_flight, 1, 10000000);
    server.read("fibers_per_loop", config.server.fibers_per_loop, 1, 100000);
    server.read("max_pending_events", config.server.max_pending_events, 1, 100000000);
    server.read("max_connections", config.server.max_connections, 1, 1000000);
    server.read("body_limit_bytes", config.server.body_limit_bytes, 1024, 64 * 1024 * 1024);
    server.read_duration("header_timeout_ms", config.server.header_timeout, 100, 600000);
    server.read_duration("body_timeout_ms", config.server.body_timeout, 100, 600000);
    server.read_duration("keep_alive_timeout_ms", config.server.keep_alive_timeout, 100, 3600000);
    server.read_duration("shutdown_grace_ms", config.server.shutdown_grace, 0, 600000);
    server.reject_unknown_keys();

    Section line = root.child("line");
    line.read("api_base_url", config.line.api_base_url, true);
    line.read("data_api_base_url", config.line.data_api_base_url, true);
    line.read_duration("request_timeout_ms", config.line.request_timeout, 100, 120000);
    line.read("max_attempts", config.line.max_attempts, 1, 20);
    line.read_duration("initial_backoff_ms", config.line.initial_backoff, 1, 60000);
    line.read_duration("max_backoff_ms", config.line.max_backoff, 1, 600000);
    line.reject_unknown_keys();

    Section redis = root.child("redis");
    redis.read("url", config.redis.url, true);
    redis.read("key_prefix", config.redis.key_prefix);
    redis.read("pool_size", config.redis.pool_size, 1, 256);
    redis.read_duration("command_timeout_ms", config.redis.command_timeout, 10, 60000);
    redis.read_duration("dedup_ttl_hours", config.redis.dedup_ttl, 1, 24 * 30);
    redis.read_duration("lease_ttl_ms", config.redis.lease_ttl, 500, 600000);
    redis.read("confirm_replicas", config.redis.confirm_replicas, 0, 16);
    redis.read_duration("confirm_timeout_ms", config.redis.confirm_timeout, 10, 60000);
    if (config.redis.confirm_timeout >= config.redis.command_timeout)
        throw ConfigError("redis.confirm_timeout_ms",
                          "must be shorter than redis.command_timeout_ms (the WAIT holds the connection)");
    redis.reject_unknown_keys();

    Section conversation = root.child("conversation");
    conversation.read_duration("idle_timeout_minutes", config.conversation_idle, 1, 24 * 60);
    conversation.reject_unknown_keys();

    read_menu(root, config);
    read_departments(root, config);
    config.complaint_categories = read_choices(root.array("complaint_categories"), "complaint_categories", true);
    for (std::size_t i = 0; i < config.complaint_categories.size(); ++i)
        if (!config.department(config.complaint_categories[i].department))
            throw ConfigError("complaint_categories[" + std::to_string(i) + "].department",
                              "names no department in \"departments\"");
    Section streetlight = root.child("streetlight");
    if (!streetlight.present()) throw ConfigError("streetlight", "is required");
    streetlight.read("department", config.streetlight.department, true);
    long long radius = static_cast<long long>(config.streetlight.duplicate_radius_m);
    streetlight.read("duplicate_radius_m", radius, 1, 1000);
    config.streetlight.duplicate_radius_m = static_cast<double>(radius);
    config.streetlight.faults = read_choices(streetlight.array("faults"), "streetlight.faults", false);
    streetlight.reject_unknown_keys();
    if (!config.department(config.streetlight.department))
        throw ConfigError("streetlight.department", "names no department in \"departments\"");
    read_intents(root, config);
    read_understanding(root, path, config);
    Section tickets = root.child("tickets");
    tickets.read("max_photos", config.max_photos, 0, 3);
    tickets.read("max_photo_bytes", config.max_photo_bytes, 1024, 50 * 1024 * 1024);
    tickets.reject_unknown_keys();
    read_tax(root, config);

    read_announcements(root, config);

    Section limits = root.child("limits");
    limits.read("messages_per_minute", config.limits.messages_per_minute, 0, 10000);
    limits.read_duration("flood_quiet_minutes", config.limits.flood_quiet, 1, 24 * 60);
    limits.read("tickets_per_day", config.limits.tickets_per_day, 0, 1000);
    limits.read("media_per_minute", config.limits.media_per_minute, 0, 1000000);
    limits.read("qr_per_minute", config.limits.qr_per_minute, 0, 1000000);
    limits.read("admin_per_minute", config.limits.admin_per_minute, 0, 1000000);
    if (const json::Value* proxies = limits.array("trusted_proxies")) {
        config.limits.trusted_proxies.clear();
        for (const auto& address : proxies->GetArray()) {
            if (!address.IsString()) throw ConfigError("limits.trusted_proxies", "must be an array of addresses");
            config.limits.trusted_proxies.emplace_back(address.GetString(), address.GetStringLength());
        }
    }
    limits.reject_unknown_keys();

    Section texts = root.child("texts");
    if (!texts.present()) throw ConfigError("texts", "is required");
    for (const auto& key : texts.keys()) {
        std::string value;
        texts.read(key, value, true);
        config.texts[key] = value;
    }
    for (const auto& key : required_text_keys())
        if (!config.texts.count(key)) throw ConfigError("texts." + key, "is required");

    root.reject_unknown_keys();

    // Paths in the file are relative to the file, so the bot runs the same from any directory.
    auto base = std::filesystem::path(path).parent_path();
    for (std::string* p : {&config.templates_dir, &config.data_dir})
        if (std::filesystem::path(*p).is_relative()) *p = (base / *p).lexically_normal().string();

    apply_environment(config, env);
    require_url("line.api_base_url", config.line.api_base_url, false);
    require_url("line.data_api_base_url", config.line.data_api_base_url, false);
    require_url("public_base_url", config.public_base_url, true);
    if (config.redis.url.rfind("redis://", 0) != 0 && config.redis.url.rfind("unix://", 0) != 0)
        throw ConfigError("redis.url", "must start with redis:// or unix://");
    if (config.line.max_backoff < config.line.initial_backoff)
        throw ConfigError("line.max_backoff_ms", "must not be less than line.initial_backoff_ms");
    if (!std::filesystem::is_directory(config.templates_dir))
        throw ConfigError("templates_dir", "is not a directory: " + config.templates_dir);
    if (require_secrets) {
        if (config.line.channel_secret.empty())
            throw ConfigError("LINE_CHANNEL_SECRET", "must be set in the environment");
        if (config.line.channel_access_token.empty())
            throw ConfigError("LINE_CHANNEL_ACCESS_TOKEN", "must be set in the environment");
    }
    return config;
}

}  // namespace thesaban::config
