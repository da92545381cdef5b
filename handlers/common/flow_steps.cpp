#include "handlers/common/flow_steps.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <utility>

#include "core/text.h"
#include "core/thai_date.h"
#include "handlers/common/main_menu.h"

namespace thesaban::handlers {
namespace {

constexpr std::size_t kMaxQuickReplyItems = 13;  // LINE's limit
constexpr std::size_t kMaxLabel = 20;            // LINE's quick reply label limit

std::string ascii_lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

json::Value quick_reply_button(const QuickItem& item, json::Document::AllocatorType& a) {
    json::Value action(rapidjson::kObjectType);
    const char* type = "message";
    switch (item.type) {
        case QuickItem::Type::message: type = "message"; break;
        case QuickItem::Type::postback: type = "postback"; break;
        case QuickItem::Type::location: type = "location"; break;
        case QuickItem::Type::camera: type = "camera"; break;
        case QuickItem::Type::camera_roll: type = "cameraRoll"; break;
    }
    action.AddMember("type", json::Value(type, a), a);
    action.AddMember("label", json::make_string(text::truncate_utf16(item.label, kMaxLabel), a), a);
    if (item.type == QuickItem::Type::message) {
        action.AddMember("text", json::make_string(text::truncate_utf16(item.value, 300), a), a);
    } else if (item.type == QuickItem::Type::postback) {
        action.AddMember("data", json::make_string(item.value, a), a);
        if (!item.display_text.empty())
            action.AddMember("displayText", json::make_string(text::truncate_utf16(item.display_text, 300), a), a);
    }
    return quick_reply_item(std::move(action), a);
}

}  // namespace

StepInput read_step_input(const line::Event& event) {
    StepInput input;
    if (event.kind == line::EventKind::postback) {
        if (const auto* postback = std::get_if<line::Postback>(&event.payload)) {
            input.kind = StepInput::Kind::postback;
            input.text = postback->data;
        }
        return input;
    }
    if (event.kind != line::EventKind::message) return input;
    const auto* content = std::get_if<line::MessageContent>(&event.payload);
    if (!content) return input;
    if (const auto* t = std::get_if<line::TextMessage>(&content->body)) {
        input.kind = StepInput::Kind::text;
        input.text = text::trim(t->text);
    } else if (std::holds_alternative<line::ImageMessage>(content->body)) {
        input.kind = StepInput::Kind::image;
        input.message_id = content->id;
    } else if (const auto* l = std::get_if<line::LocationMessage>(&content->body)) {
        input.kind = StepInput::Kind::location;
        input.point = tickets::GeoPoint{l->latitude, l->longitude, l->title, l->address};
    }
    return input;
}

bool is_cancel_input(const line::Event& event, const config::Config& config) {
    StepInput input = read_step_input(event);
    if (input.kind == StepInput::Kind::postback) return input.text == kCancelData;
    if (input.kind != StepInput::Kind::text) return false;
    const std::string& label = config.text("flow_cancel_label");
    return input.text == "ยกเลิก" || ascii_lower(input.text) == "cancel" || (!label.empty() && input.text == label);
}

std::optional<std::string> parse_phone(std::string_view typed) {
    std::string normalized = text::normalize_thai_digits(text::trim(typed));
    // A polite particle after the number ("081 234 5678 ค่ะ").
    for (std::string_view tail : {"นะคะ", "นะครับ", "ค่ะ", "คะ", "ครับ", "จ้า", "จ้ะ"}) {
        if (normalized.size() > tail.size() && normalized.compare(normalized.size() - tail.size(), tail.size(), tail) == 0) {
            normalized = text::trim(normalized.substr(0, normalized.size() - tail.size()));
            break;
        }
    }
    std::string digits;
    bool international = false;
    for (std::size_t i = 0; i < normalized.size(); ++i) {
        char c = normalized[i];
        if (c == ' ' || c == '-' || c == '(' || c == ')' || c == '.') continue;
        if (c == '+' && digits.empty() && !international) {
            international = true;
            continue;
        }
        if (c < '0' || c > '9') return std::nullopt;
        digits += c;
    }
    // +66 81 234 5678: the country code stands for the leading 0.
    if ((international || digits.size() == 11) && digits.rfind("66", 0) == 0) digits = "0" + digits.substr(2);
    else if (international) return std::nullopt;
    if (digits.size() < 9 || digits.size() > 10 || digits[0] != '0') return std::nullopt;
    return digits;
}

bool is_vague_place(std::string_view typed) {
    std::string t;
    for (char c : text::trim(typed))
        if (c != ' ') t += c;
    for (std::string_view tail : {"ค่ะ", "คะ", "ครับ", "จ้า", "นะ"})
        if (t.size() > tail.size() && t.compare(t.size() - tail.size(), tail.size(), tail) == 0)
            t.resize(t.size() - tail.size());
    for (std::string_view vague : {"ตรงนี้", "ที่นี่", "แถวนี้", "นี่", "นี้", "ที่นี้", "ตรงนั้น", "แถวนั้น", "บ้าน", "here"})
        if (t == vague) return true;
    return false;
}

std::string mask_phone(const std::string& phone) {
    if (phone.size() < 8) return std::string(phone.size(), 'x');
    return phone.substr(0, 3) + std::string(phone.size() - 7, 'x') + phone.substr(phone.size() - 4);
}

// ---- StepState ----

void StepState::begin(std::string_view flow, std::string_view first_step) {
    state_.SetObject();
    auto& a = state_.GetAllocator();
    state_.AddMember("flow", json::make_string(flow, a), a);
    state_.AddMember("step", json::make_string(first_step, a), a);
    state_.AddMember("data", json::Value(rapidjson::kObjectType), a);
    state_.AddMember("trail", json::Value(rapidjson::kArrayType), a);
}

std::string StepState::step() const { return std::string(json::get_string(state_, "step").value_or("")); }

void StepState::go(std::string_view next) {
    auto& a = state_.GetAllocator();
    if (!state_.HasMember("trail") || !state_["trail"].IsArray()) {
        state_.RemoveMember("trail");
        state_.AddMember("trail", json::Value(rapidjson::kArrayType), a);
    }
    state_["trail"].PushBack(json::make_string(step(), a), a);
    state_.RemoveMember("step");
    state_.AddMember("step", json::make_string(next, a), a);
}

bool StepState::back() {
    if (!can_go_back()) return false;
    auto& trail = state_["trail"];
    std::string previous(trail[trail.Size() - 1].GetString(), trail[trail.Size() - 1].GetStringLength());
    trail.PopBack();
    state_.RemoveMember("step");
    state_.AddMember("step", json::make_string(previous, state_.GetAllocator()), state_.GetAllocator());
    return true;
}

bool StepState::can_go_back() const {
    const json::Value* trail = json::get_array(state_, "trail");
    return trail && !trail->Empty() && (*trail)[trail->Size() - 1].IsString();
}

void StepState::restart(std::string_view first_step) {
    auto& a = state_.GetAllocator();
    state_.RemoveMember("trail");
    state_.AddMember("trail", json::Value(rapidjson::kArrayType), a);
    state_.RemoveMember("step");
    state_.AddMember("step", json::make_string(first_step, a), a);
}

json::Value& StepState::data() {
    if (!state_.HasMember("data") || !state_["data"].IsObject()) {
        state_.RemoveMember("data");
        state_.AddMember("data", json::Value(rapidjson::kObjectType), state_.GetAllocator());
    }
    return state_["data"];
}

const json::Value* StepState::find_data(std::string_view key) const {
    const json::Value* d = json::get_object(state_, "data");
    if (!d) return nullptr;
    auto it = d->FindMember(json::Value(rapidjson::StringRef(key.data(), key.size())));
    return it == d->MemberEnd() ? nullptr : &it->value;
}

bool StepState::has(std::string_view key) const { return find_data(key) != nullptr; }

std::string StepState::get(std::string_view key) const {
    const json::Value* v = find_data(key);
    return v && v->IsString() ? std::string(v->GetString(), v->GetStringLength()) : std::string();
}

void StepState::set(std::string_view key, std::string_view value) {
    erase(key);
    auto& a = state_.GetAllocator();
    data().AddMember(json::make_string(key, a), json::make_string(value, a), a);
}

void StepState::erase(std::string_view key) {
    data().RemoveMember(json::Value(rapidjson::StringRef(key.data(), key.size())));
}

std::vector<std::string> StepState::list(std::string_view key) const {
    std::vector<std::string> out;
    const json::Value* v = find_data(key);
    if (!v || !v->IsArray()) return out;
    for (const auto& item : v->GetArray())
        if (item.IsString()) out.emplace_back(item.GetString(), item.GetStringLength());
    return out;
}

void StepState::append(std::string_view key, std::string_view value) {
    auto& a = state_.GetAllocator();
    json::Value& d = data();
    auto it = d.FindMember(json::Value(rapidjson::StringRef(key.data(), key.size())));
    if (it == d.MemberEnd() || !it->value.IsArray()) {
        erase(key);
        d.AddMember(json::make_string(key, a), json::Value(rapidjson::kArrayType), a);
        it = d.FindMember(json::Value(rapidjson::StringRef(key.data(), key.size())));
    }
    it->value.PushBack(json::make_string(value, a), a);
}

std::optional<tickets::GeoPoint> StepState::point(std::string_view key) const {
    const json::Value* v = find_data(key);
    if (!v || !v->IsObject()) return std::nullopt;
    auto lat = json::get_double(*v, "lat");
    auto lng = json::get_double(*v, "lng");
    if (!lat || !lng) return std::nullopt;
    return tickets::GeoPoint{*lat, *lng, std::string(json::get_string(*v, "title").value_or("")),
                             std::string(json::get_string(*v, "address").value_or(""))};
}

void StepState::set_point(std::string_view key, const tickets::GeoPoint& point) {
    erase(key);
    auto& a = state_.GetAllocator();
    json::Value v(rapidjson::kObjectType);
    v.AddMember("lat", point.latitude, a);
    v.AddMember("lng", point.longitude, a);
    v.AddMember("title", json::make_string(point.title, a), a);
    v.AddMember("address", json::make_string(point.address, a), a);
    data().AddMember(json::make_string(key, a), v, a);
}

// ---- StepFlow ----

void StepFlow::start(FlowContext& context) {
    StepState state(context.state);
    state.begin(name(), first_step());
    StepInput first = read_step_input(context.event);
    on_start(state, first);
    keep_carried(context, state);
    // "ไฟดับหน้าโรงเรียนบ้านพรรณา หมู่ 2": the place is already said; it is offered at its step.
    if (context.understanding && context.understanding->entities.place && state.get("place_text").empty() &&
        !state.point("location"))
        state.set("place_text", *context.understanding->entities.place);
    ask(context, state);
}

void StepFlow::reprompt(FlowContext& context) {
    StepState state(context.state);
    keep_carried(context, state);
    ask(context, state);
}

void StepFlow::resume(FlowContext& context) {
    StepState state(context.state);
    StepInput input = read_step_input(context.event);
    if (is_word(input, "ย้อนกลับ", "flow_back_label")) {
        state.back();  // at the first step there is nothing before it: ask it again
        ask(context, state);
        return;
    }
    // ยืนยัน / แก้ไข of an earlier summary, tapped at another step: that card is out of date.
    if (input.kind == StepInput::Kind::postback && (input.text == kConfirmData || input.text == kEditData) &&
        state.step() != "confirm") {
        reask(context, state, "flow_stale_button");
        return;
    }
    if (keep_early(context, state, input)) return;
    answer(context, state, input);
}

bool StepFlow::keep_early(FlowContext& context, StepState& state, const StepInput& input) {
    const std::string step = state.step();
    if (input.kind == StepInput::Kind::image && step != photo_step()) {
        const int max = photo_limit();
        if (max <= 0 || state.list("photos").size() >= static_cast<std::size_t>(max)) return false;
        auto token = deps_.media.save_line_image(input.message_id);
        if (!token) {
            reask(context, state,
                  deps_.media.storage_unavailable() ? "flow_photo_storage_unavailable" : "flow_photo_failed");
            return true;
        }
        state.append("photos", *token);
        reask(context, state, "flow_photo_kept_for_later");
        return true;
    }
    if (input.kind == StepInput::Kind::location && step != location_step()) {
        state.set_point("location", input.point);
        state.erase("place_text");
        reask(context, state, "flow_location_kept_for_later");
        return true;
    }
    return false;
}

void StepFlow::keep_carried(FlowContext& context, StepState& state) {
    if (!context.early || !context.early->IsArray()) return;
    bool kept = false;
    for (const auto& item : context.early->GetArray()) {
        if (!item.IsObject()) continue;
        const std::string kind(json::get_string(item, "kind").value_or(""));
        if (kind == "image") {
            const int max = photo_limit();
            if (max <= 0 || state.list("photos").size() >= static_cast<std::size_t>(max)) continue;
            if (auto token = deps_.media.save_line_image(std::string(json::get_string(item, "id").value_or("")))) {
                state.append("photos", *token);
                kept = true;
            }
        } else if (kind == "location") {
            auto lat = json::get_double(item, "lat");
            auto lng = json::get_double(item, "lng");
            if (!lat || !lng) continue;
            state.set_point("location", tickets::GeoPoint{*lat, *lng, std::string(json::get_string(item, "title").value_or("")),
                                                          std::string(json::get_string(item, "address").value_or(""))});
            state.erase("place_text");
            kept = true;
        }
    }
    if (kept) context.out.send(plain(text("flow_early_kept")));
}

void StepFlow::reask_text(FlowContext& context, StepState& state, const std::string& apology_key,
                          const templates::Values& values) {
    if (context.decline()) return;
    reask(context, state, apology_key, values);
}

void StepFlow::advance(FlowContext& context, StepState& state, std::string_view step) {
    state.go(next_step(state, step));
    ask(context, state);
}

void StepFlow::reask(FlowContext& context, StepState& state, const std::string& apology_key,
                     const templates::Values& values) {
    context.out.send(plain(text(apology_key, values)));
    ask(context, state);
}

std::string StepFlow::text(const std::string& key, const templates::Values& values) const {
    return templates::fill_placeholders(deps_.config.text(key), values);
}

std::string StepFlow::plain(const std::string& message_text) const {
    return json::to_string(text_message(message_text));
}

void StepFlow::attach_step_quick_reply(json::Document& message, const StepState& state, std::vector<QuickItem> items,
                                       bool offer_back) const {
    // ยกเลิก always fits; ย้อนกลับ when there is room; choices beyond that are cut (config allows 12).
    bool back = offer_back && state.can_go_back();
    std::size_t room = kMaxQuickReplyItems - 1;
    if (back && items.size() + 1 > room) back = false;
    if (items.size() > room) items.resize(room);
    if (back) items.push_back(message_item("flow_back_label"));
    items.push_back(message_item("flow_cancel_label"));

    auto& a = message.GetAllocator();
    json::Value list(rapidjson::kArrayType);
    for (const auto& item : items) list.PushBack(quick_reply_button(item, a), a);
    set_quick_reply(message, list);
}

std::string StepFlow::question(const StepState& state, const std::string& prompt, std::vector<QuickItem> items,
                               bool offer_back) const {
    json::Document message = text_message(prompt);
    attach_step_quick_reply(message, state, std::move(items), offer_back);
    return json::to_string(message);
}

bool StepFlow::is_word(const StepInput& input, std::string_view literal, const std::string& label_key) const {
    if (input.kind != StepInput::Kind::text) return false;
    const std::string& label = deps_.config.text(label_key);
    return input.text == literal || (!label.empty() && input.text == label);
}

bool StepFlow::is_keep(const StepInput& input) const {
    return (input.kind == StepInput::Kind::postback && input.text == kKeepData) ||
           is_word(input, "ใช้ข้อมูลเดิม", "flow_keep_label");
}

QuickItem StepFlow::message_item(const std::string& label_key) const {
    const std::string& label = deps_.config.text(label_key);
    return QuickItem{QuickItem::Type::message, label, label, ""};
}

QuickItem StepFlow::keep_item() const {
    const std::string& label = deps_.config.text("flow_keep_label");
    return QuickItem{QuickItem::Type::postback, label, std::string(kKeepData), label};
}

void StepFlow::ask_photos(FlowContext& context, StepState& state, const std::string& prompt_key) {
    const int max = photo_limit();
    std::size_t count = state.list("photos").size();
    std::vector<QuickItem> items = {{QuickItem::Type::camera, text("flow_camera_label"), "", ""},
                                    {QuickItem::Type::camera_roll, text("flow_camera_roll_label"), "", ""}};
    std::string prompt;
    if (count == 0) {
        prompt = text(prompt_key, {{"max", std::to_string(max)}});
        items.push_back(message_item("flow_skip_label"));
    } else {
        // Back here after ย้อนกลับ or แก้ไข: the photos sent before are still attached.
        prompt = text("flow_photos_kept", {{"count", std::to_string(count)}, {"max", std::to_string(max)}});
        items.push_back(message_item("flow_done_label"));
        items.push_back(message_item("flow_skip_label"));
    }
    context.out.send(question(state, prompt, std::move(items)));
}

void StepFlow::answer_photos(FlowContext& context, StepState& state, const StepInput& input) {
    const int max = photo_limit();
    const std::string step = state.step();
    if (input.kind == StepInput::Kind::image) {
        std::size_t count = state.list("photos").size();
        if (count >= static_cast<std::size_t>(max)) {
            context.out.send(plain(text("flow_photo_limit", {{"max", std::to_string(max)}})));
            advance(context, state, step);
            return;
        }
        auto token = deps_.media.save_line_image(input.message_id);
        if (!token) {
            reask(context, state,
                  deps_.media.storage_unavailable() ? "flow_photo_storage_unavailable" : "flow_photo_failed");
            return;
        }
        state.append("photos", *token);
        ++count;
        if (count >= static_cast<std::size_t>(max)) {
            context.out.send(plain(text("flow_photos_full", {{"count", std::to_string(count)}})));
            advance(context, state, step);
            return;
        }
        std::vector<QuickItem> items = {{QuickItem::Type::camera, text("flow_camera_label"), "", ""},
                                        {QuickItem::Type::camera_roll, text("flow_camera_roll_label"), "", ""},
                                        message_item("flow_done_label")};
        context.out.send(question(state,
                                  text("flow_photo_received", {{"count", std::to_string(count)},
                                                               {"remaining", std::to_string(max - count)}}),
                                  std::move(items)));
        return;
    }
    if (is_done(input)) {
        advance(context, state, step);
        return;
    }
    if (is_skip(input)) {
        state.erase("photos");
        advance(context, state, step);
        return;
    }
    if (input.kind == StepInput::Kind::text) {
        // Mention only the buttons shown: เสร็จแล้ว appears once a photo is attached.
        reask_text(context, state, state.list("photos").empty() ? "flow_photo_expected_first" : "flow_photo_expected");
        return;
    }
    reask_unexpected(context, state, input);
}

void StepFlow::ask_location(FlowContext& context, StepState& state, const std::string& prompt_key, bool optional) {
    std::vector<QuickItem> items = {{QuickItem::Type::location, text("flow_location_label"), "", ""}};
    if (state.point("location")) items.push_back(keep_item());
    if (optional) items.push_back(message_item("flow_skip_label"));
    context.out.send(question(state, text(prompt_key), std::move(items)));
}

void StepFlow::ask_phone(FlowContext& context, StepState& state) {
    std::vector<QuickItem> items;
    if (!state.get("phone").empty()) items.push_back(keep_item());
    items.push_back(message_item("flow_skip_label"));
    context.out.send(question(state, text("flow_ask_phone"), std::move(items)));
}

void StepFlow::answer_phone(FlowContext& context, StepState& state, const StepInput& input) {
    const std::string step = state.step();
    if (is_skip(input)) {
        state.erase("phone");
        advance(context, state, step);
    } else if (is_keep(input) && !state.get("phone").empty()) {
        advance(context, state, step);
    } else if (input.kind == StepInput::Kind::text) {
        if (auto phone = parse_phone(input.text)) {
            state.set("phone", *phone);
            advance(context, state, step);
        } else {
            reask_text(context, state, "flow_phone_invalid");
        }
    } else {
        reask_unexpected(context, state, input);
    }
}

void StepFlow::ask_confirm(FlowContext& context, StepState& state) {
    json::Document message = summary(context, state);
    // The card carries ยืนยัน / แก้ไข / ยกเลิก; the quick reply adds only what the card lacks.
    if (state.can_go_back()) {
        auto& a = message.GetAllocator();
        json::Value list(rapidjson::kArrayType);
        list.PushBack(quick_reply_button(message_item("flow_back_label"), a), a);
        set_quick_reply(message, list);
    }
    context.out.send(json::to_string(message));
}

void StepFlow::answer_confirm(FlowContext& context, StepState& state, const StepInput& input) {
    if ((input.kind == StepInput::Kind::postback && input.text == kConfirmData) ||
        is_word(input, "ยืนยัน", "flow_confirm_label")) {
        file_ticket(context, state);
    } else if ((input.kind == StepInput::Kind::postback && input.text == kEditData) ||
               is_word(input, "แก้ไข", "flow_edit_label")) {
        on_edit(state);
        state.restart(first_step());
        context.out.send(plain(text("flow_edit_intro")));
        ask(context, state);
    } else if (input.kind == StepInput::Kind::text) {
        reask_text(context, state, "flow_choose_confirm");
    } else if (input.kind == StepInput::Kind::postback) {
        reask(context, state, "flow_choose_confirm");
    } else {
        reask_unexpected(context, state, input);
    }
}

void StepFlow::reask_unexpected(FlowContext& context, StepState& state, const StepInput& input) {
    const int max_photos = photo_limit();
    switch (input.kind) {
        case StepInput::Kind::image:
            if (max_photos > 0 && state.list("photos").size() >= static_cast<std::size_t>(max_photos))
                reask(context, state, "flow_photo_limit", {{"max", std::to_string(max_photos)}});
            else
                reask(context, state, "flow_image_not_expected");
            return;
        case StepInput::Kind::location: reask(context, state, "flow_location_not_expected"); return;
        case StepInput::Kind::text: reask_text(context, state, "flow_choose_from_buttons"); return;
        case StepInput::Kind::postback: reask(context, state, "flow_stale_button"); return;
        case StepInput::Kind::other: reask(context, state, "flow_unexpected_input"); return;
    }
}

std::string StepFlow::describe_point(const std::optional<tickets::GeoPoint>& point) const {
    if (!point) return text("flow_not_given");
    std::string place = point->title;
    if (!point->address.empty()) place += (place.empty() ? "" : " — ") + point->address;
    if (!place.empty()) return place;
    char coordinates[64];
    std::snprintf(coordinates, sizeof coordinates, "%.5f, %.5f", point->latitude, point->longitude);
    return coordinates;
}

std::string StepFlow::describe_phone(const std::string& phone) const {
    return phone.empty() ? text("flow_not_given") : mask_phone(phone);
}

std::string StepFlow::photo_count(const StepState& state) const {
    std::size_t count = state.list("photos").size();
    return count == 0 ? text("flow_not_given") : text("flow_photo_count", {{"count", std::to_string(count)}});
}

templates::Values StepFlow::summary_values(const std::string& title_key, const std::string& alt_key) const {
    return {{"title", text(title_key)},
            {"alt_text", text(alt_key)},
            {"prompt", text("flow_summary_prompt")},
            {"label_category", text("flow_label_category")},
            {"label_description", text("flow_label_description")},
            {"label_photos", text("flow_label_photos")},
            {"label_location", text("flow_label_location")},
            {"label_phone", text("flow_label_phone")},
            {"label_place", text("flow_label_place")},
            {"label_fault", text("flow_label_fault")},
            {"confirm_label", text("flow_confirm_label")},
            {"edit_label", text("flow_edit_label")},
            {"cancel_label", text("flow_cancel_label")},
            {"confirm_data", std::string(kConfirmData)},
            {"edit_data", std::string(kEditData)},
            {"cancel_data", std::string(kCancelData)}};
}

void StepFlow::file_ticket(FlowContext& context, StepState& state) {
    tickets::TicketDraft ticket_draft = draft(context, state);
    ticket_draft.reporter_user_id = context.event.source.user_id;
    ticket_draft.reporter_name = deps_.profiles.display_name(context.event.source.user_id);
    // The confirming event's id: a redelivered or re-processed confirm returns the same ticket.
    std::string idempotency_key = context.event.webhook_event_id.empty()
                                      ? context.conversation_key + ":" + std::to_string(context.event.timestamp_ms)
                                      : context.event.webhook_event_id;
    const int64_t now = deps_.clock.now_ms();
    const tickets::ReporterCap cap{deps_.config.limits.tickets_per_day, thai_day_start_ms(now)};
    tickets::Ticket ticket;
    try {
        ticket = deps_.tickets.create(ticket_draft, idempotency_key, now, cap);
    } catch (const tickets::ReporterCapReached&) {
        // The draft stays at its confirmation (to edit or cancel) until the conversation expires.
        json::Document message = text_message(text(
            "ticket_daily_limit", {{"count", std::to_string(cap.per_day)}, {"phone", deps_.config.municipality_phone}}));
        attach_step_quick_reply(message, state, {});
        context.out.send(json::to_string(message));
        return;
    }
    deps_.announcer.ticket_created(ticket, "created:" + ticket.id);

    templates::Values values = {{"alt_text", text("ticket_created_alt", {{"id", ticket.id}})},
                                {"title", text("ticket_created_title")},
                                {"body", text("ticket_created_body")},
                                {"label_id", text("flow_label_ticket_id")},
                                {"id", ticket.id},
                                {"label_category", text("flow_label_category")},
                                {"category", category_name(ticket)},
                                {"label_date", text("flow_label_date")},
                                {"date", thai_datetime(ticket.created_ms)},
                                {"track_label", text("flow_track_label")},
                                {"track_data", "track=" + ticket.id}};
    json::Document message = deps_.templates.render("ticket_created", values);
    attach_quick_reply(message, deps_.config.main_menu);
    context.out.send(json::to_string(message));
    context.finished = true;
}

}  // namespace thesaban::handlers
