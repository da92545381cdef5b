#include "handlers/complaint/complaint_flow.h"

#include "core/text.h"
#include "handlers/common/entities.h"

namespace thesaban::handlers {
namespace {
constexpr std::size_t kMinDescription = 5;
constexpr std::size_t kMaxDescription = 1000;
constexpr std::size_t kMaxPlace = 300;
}  // namespace

const config::Choice* ComplaintFlow::category(const std::string& key) const {
    for (const auto& c : deps().config.complaint_categories)
        if (c.key == key) return &c;
    return nullptr;
}

std::string ComplaintFlow::next_step(const StepState& state, std::string_view step) const {
    if (step == "category") return "description";
    if (step == "description") return deps().config.max_photos > 0 ? "photos" : "location";
    if (step == "photos") return "location";
    if (step == "location") return "phone";
    return "confirm";
}

void ComplaintFlow::ask(FlowContext& context, StepState& state) {
    const std::string step = state.step();
    if (step == "category") {
        std::vector<QuickItem> items;
        for (const auto& c : deps().config.complaint_categories)
            items.push_back({QuickItem::Type::message, c.label, c.label, ""});
        if (category(state.get("category"))) items.insert(items.begin(), keep_item());
        context.out.send(question(state, text("complaint_ask_category"), std::move(items)));
    } else if (step == "description") {
        std::vector<QuickItem> items;
        if (!state.get("description").empty()) items.push_back(keep_item());
        context.out.send(question(state,
                                  text("complaint_ask_description", {{"min", std::to_string(kMinDescription)},
                                                                     {"max", std::to_string(kMaxDescription)}}),
                                  std::move(items)));
    } else if (step == "photos") {
        ask_photos(context, state, "complaint_ask_photos");
    } else if (step == "location") {
        if (!state.get("place_text").empty() && !state.point("location")) {
            // A place typed earlier (in the first message or the description) is offered to keep.
            std::vector<QuickItem> items = {{QuickItem::Type::location, text("flow_location_label"), "", ""},
                                            keep_item(), message_item("flow_skip_label")};
            context.out.send(question(state, text("complaint_ask_location_typed", {{"place", state.get("place_text")}}),
                                      std::move(items)));
        } else {
            ask_location(context, state, "complaint_ask_location", true);
        }
    } else if (step == "phone") {
        ask_phone(context, state);
    } else if (step == "confirm") {
        ask_confirm(context, state);
    } else {
        // A state written by another version of the flow: start over, keeping the answers.
        state.restart(first_step());
        ask(context, state);
    }
}

void ComplaintFlow::answer(FlowContext& context, StepState& state, const StepInput& input) {
    const std::string step = state.step();
    if (step == "category") {
        answer_category(context, state, input);
    } else if (step == "description") {
        answer_description(context, state, input);
    } else if (step == "photos") {
        answer_photos(context, state, input);
    } else if (step == "location") {
        answer_location(context, state, input);
    } else if (step == "phone") {
        answer_phone(context, state, input);
    } else if (step == "confirm") {
        answer_confirm(context, state, input);
    } else {
        ask(context, state);
    }
}

void ComplaintFlow::answer_category(FlowContext& context, StepState& state, const StepInput& input) {
    if (is_keep(input) && category(state.get("category"))) {
        advance(context, state, "category");
        return;
    }
    if (input.kind == StepInput::Kind::text) {
        for (const auto& c : deps().config.complaint_categories) {
            if (input.text == c.label || input.text == c.key) {
                state.set("category", c.key);
                advance(context, state, "category");
                return;
            }
        }
    }
    reask_unexpected(context, state, input);
}

void ComplaintFlow::answer_description(FlowContext& context, StepState& state, const StepInput& input) {
    if (is_keep(input) && !state.get("description").empty()) {
        advance(context, state, "description");
        return;
    }
    if (input.kind != StepInput::Kind::text) {
        reask_unexpected(context, state, input);
        return;
    }
    std::size_t length = text::utf16_length(input.text);
    if (length < kMinDescription) {
        reask(context, state, "complaint_description_too_short", {{"min", std::to_string(kMinDescription)}});
    } else if (length > kMaxDescription) {
        reask(context, state, "complaint_description_too_long",
              {{"max", std::to_string(kMaxDescription)}, {"length", std::to_string(length)}});
    } else {
        state.set("description", input.text);
        if (state.get("place_text").empty() && !state.point("location")) {
            if (auto place = extract_entities(input.text, deps().config.ticket_prefix).place)
                state.set("place_text", *place);
        }
        advance(context, state, "description");
    }
}

void ComplaintFlow::answer_location(FlowContext& context, StepState& state, const StepInput& input) {
    if (input.kind == StepInput::Kind::location) {
        state.set_point("location", input.point);
        state.erase("place_text");
        advance(context, state, "location");
    } else if (is_skip(input)) {
        state.erase("location");
        state.erase("place_text");
        advance(context, state, "location");
    } else if (is_keep(input) && (state.point("location") || !state.get("place_text").empty())) {
        advance(context, state, "location");
    } else if (input.kind == StepInput::Kind::text) {
        // LINE on PC has no location button: a typed landmark is the place.
        if (context.other_intent && context.decline()) return;
        std::size_t length = text::utf16_length(input.text);
        if (is_vague_place(input.text) || length < 4) {
            reask(context, state, "flow_place_vague");
        } else if (length > kMaxPlace) {
            reask_text(context, state, "flow_location_expected");
        } else {
            state.set("place_text", input.text);
            state.erase("location");
            advance(context, state, "location");
        }
    } else if (input.kind == StepInput::Kind::postback) {
        reask(context, state, "flow_location_expected");
    } else {
        reask_unexpected(context, state, input);
    }
}

json::Document ComplaintFlow::summary(FlowContext& context, StepState& state) {
    auto values = summary_values("complaint_summary_title", "complaint_summary_alt");
    const auto* c = category(state.get("category"));
    values["category"] = c ? c->label : text("flow_not_given");
    values["description"] = state.get("description");
    if (values["description"].empty()) values["description"] = text("flow_not_given");
    values["photo_count"] = photo_count(state);
    values["location"] = state.get("place_text").empty() ? describe_point(state.point("location")) : state.get("place_text");
    values["phone"] = describe_phone(state.get("phone"));
    return deps().templates.render("complaint_summary", values);
}

tickets::TicketDraft ComplaintFlow::draft(FlowContext& context, StepState& state) {
    tickets::TicketDraft d;
    d.kind = "complaint";
    d.category = state.get("category");
    if (const auto* c = category(d.category)) d.department = c->department;
    d.description = state.get("description");
    d.location = state.point("location");
    d.place_text = state.get("place_text");
    d.photo_tokens = state.list("photos");
    d.phone = state.get("phone");
    return d;
}

std::string ComplaintFlow::category_name(const tickets::Ticket& ticket) const {
    const auto* c = category(ticket.category);
    return c ? c->label : ticket.category;
}

}  // namespace thesaban::handlers
