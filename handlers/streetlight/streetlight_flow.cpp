#include "handlers/streetlight/streetlight_flow.h"

#include <algorithm>

#include "core/text.h"
#include "core/thai_date.h"

namespace thesaban::handlers {
namespace {
constexpr std::size_t kMinPlace = 2;
constexpr std::size_t kMaxPlace = 300;
constexpr std::string_view kNewReportData = "flow=new";

std::string without_spaces(std::string_view s) {
    std::string out;
    for (char c : s)
        if (c != ' ') out += c;
    return out;
}
}  // namespace

const config::Choice* StreetlightFlow::fault(const std::string& key) const {
    for (const auto& f : deps().config.streetlight.faults)
        if (f.key == key) return &f;
    return nullptr;
}

int StreetlightFlow::max_photos() const { return std::min(1, deps().config.max_photos); }

void StreetlightFlow::on_start(StepState& state, const StepInput& first) {
    // "ไฟดับทั้งต้น": the fault is already said; asking it again would feel like not listening.
    if (first.kind != StepInput::Kind::text) return;
    std::string said = without_spaces(first.text);
    for (const auto& f : deps().config.streetlight.faults) {
        if (said.find(without_spaces(f.label)) != std::string::npos) {
            state.set("fault", f.key);
            state.set("fault_from_text", "1");
            return;
        }
    }
}

void StreetlightFlow::on_edit(StepState& state) { state.erase("fault_from_text"); }

std::string StreetlightFlow::next_step(const StepState& state, std::string_view step) const {
    std::string after_fault = max_photos() > 0 ? "photo" : "confirm";
    if (step == "place" || step == "duplicate")
        return !state.get("fault_from_text").empty() && fault(state.get("fault")) ? after_fault : "fault";
    if (step == "fault") return after_fault;
    return "confirm";
}

void StreetlightFlow::ask(FlowContext& context, StepState& state) {
    const std::string step = state.step();
    if (step == "place") {
        std::vector<QuickItem> items = {{QuickItem::Type::location, text("flow_location_label"), "", ""}};
        if (state.point("location") || !state.get("place_text").empty()) items.push_back(keep_item());
        context.out.send(question(state, text("streetlight_ask_place"), std::move(items)));
    } else if (step == "duplicate") {
        ask_duplicate(context, state);
    } else if (step == "fault") {
        std::vector<QuickItem> items;
        if (fault(state.get("fault"))) items.push_back(keep_item());
        for (const auto& f : deps().config.streetlight.faults)
            items.push_back({QuickItem::Type::message, f.label, f.label, ""});
        context.out.send(question(state, text("streetlight_ask_fault"), std::move(items)));
    } else if (step == "photo") {
        ask_photos(context, state, "streetlight_ask_photo");
    } else if (step == "confirm") {
        ask_confirm(context, state);
    } else {
        state.restart(first_step());
        ask(context, state);
    }
}

void StreetlightFlow::ask_duplicate(FlowContext& context, StepState& state) {
    const std::string id = state.get("duplicate_id");
    std::string status_key = state.get("duplicate_status");
    std::string status = text("flow_status_" + status_key);
    if (status.empty()) status = status_key;
    std::vector<QuickItem> items = {
        {QuickItem::Type::postback, text("streetlight_follow_label"), "track=" + id + "&follow=1",
         text("streetlight_follow_label")},
        {QuickItem::Type::postback, text("streetlight_new_label"), std::string(kNewReportData),
         text("streetlight_new_label")}};
    context.out.send(question(
        state, text("streetlight_duplicate", {{"id", id}, {"status", status}, {"date", state.get("duplicate_date")}}),
        std::move(items)));
}

void StreetlightFlow::answer(FlowContext& context, StepState& state, const StepInput& input) {
    const std::string step = state.step();
    if (step == "place") {
        answer_place(context, state, input);
    } else if (step == "duplicate") {
        answer_duplicate(context, state, input);
    } else if (step == "fault") {
        answer_fault(context, state, input);
    } else if (step == "photo") {
        answer_photos(context, state, input);
    } else if (step == "confirm") {
        answer_confirm(context, state, input);
    } else {
        ask(context, state);
    }
}

void StreetlightFlow::answer_place(FlowContext& context, StepState& state, const StepInput& input) {
    if (is_keep(input) && (state.point("location") || !state.get("place_text").empty())) {
        advance(context, state, "place");
        return;
    }
    if (input.kind == StepInput::Kind::location) {
        state.set_point("location", input.point);
        state.erase("place_text");
        const auto& sl = deps().config.streetlight;
        auto nearby = deps().tickets.open_nearby("streetlight", input.point.latitude, input.point.longitude,
                                                 sl.duplicate_radius_m);
        if (!nearby.empty()) {
            const auto& existing = nearby.front();
            state.set("duplicate_id", existing.id);
            state.set("duplicate_status", tickets::status_key(existing.status));
            state.set("duplicate_date", thai_date(existing.created_ms));
            state.go("duplicate");
            ask(context, state);
            return;
        }
        advance(context, state, "place");
        return;
    }
    if (input.kind == StepInput::Kind::text) {
        if (context.other_intent && context.decline()) return;
        std::size_t length = text::utf16_length(input.text);
        if (length < kMinPlace || is_vague_place(input.text)) {
            reask(context, state, "streetlight_place_too_short");
        } else if (length > kMaxPlace) {
            reask(context, state, "streetlight_place_too_long", {{"max", std::to_string(kMaxPlace)}});
        } else {
            state.set("place_text", input.text);
            state.erase("location");
            advance(context, state, "place");
        }
        return;
    }
    reask_unexpected(context, state, input);
}

void StreetlightFlow::answer_duplicate(FlowContext& context, StepState& state, const StepInput& input) {
    if ((input.kind == StepInput::Kind::postback && input.text == kNewReportData) ||
        is_word(input, "แจ้งใหม่", "streetlight_new_label")) {
        advance(context, state, "duplicate");
        return;
    }
    reask_unexpected(context, state, input);
}

void StreetlightFlow::answer_fault(FlowContext& context, StepState& state, const StepInput& input) {
    if (is_keep(input) && fault(state.get("fault"))) {
        advance(context, state, "fault");
        return;
    }
    if (input.kind == StepInput::Kind::text) {
        for (const auto& f : deps().config.streetlight.faults) {
            if (input.text == f.label || input.text == f.key) {
                state.set("fault", f.key);
                state.erase("fault_from_text");
                advance(context, state, "fault");
                return;
            }
        }
        // Said in the resident's words: "มันกะพริบติดๆดับๆทั้งคืน".
        const std::string said = without_spaces(input.text);
        for (const auto& f : deps().config.streetlight.faults) {
            if (said.find(without_spaces(f.label)) != std::string::npos) {
                state.set("fault", f.key);
                state.erase("fault_from_text");
                advance(context, state, "fault");
                return;
            }
        }
    }
    reask_unexpected(context, state, input);
}

json::Document StreetlightFlow::summary(FlowContext& context, StepState& state) {
    auto values = summary_values("streetlight_summary_title", "streetlight_summary_alt");
    std::string place = state.get("place_text");
    values["place"] = place.empty() ? describe_point(state.point("location")) : place;
    const auto* f = fault(state.get("fault"));
    values["fault"] = f ? f->label : text("flow_not_given");
    values["photo_count"] = photo_count(state);
    return deps().templates.render("streetlight_summary", values);
}

tickets::TicketDraft StreetlightFlow::draft(FlowContext& context, StepState& state) {
    tickets::TicketDraft d;
    d.kind = "streetlight";
    d.category = "streetlight";
    d.department = deps().config.streetlight.department;
    d.fault = state.get("fault");
    d.location = state.point("location");
    d.place_text = state.get("place_text");
    const auto* f = fault(d.fault);
    d.description = f ? f->label : d.fault;
    if (!d.place_text.empty()) d.description += " — " + d.place_text;
    d.photo_tokens = state.list("photos");
    return d;
}

std::string StreetlightFlow::category_name(const tickets::Ticket& ticket) const {
    return text("streetlight_category_name");
}

}  // namespace thesaban::handlers
