#include "handlers/tax/tax_flow.h"

#include <algorithm>

#include "core/log.h"
#include "core/text.h"
#include "handlers/common/entities.h"
#include "handlers/common/flow_steps.h"
#include "handlers/common/main_menu.h"
#include "handlers/officer/officer_handler.h"
#include "handlers/officer/ticket_cards.h"
#include "handlers/tax/tax_answers.h"
#include "tax/surcharge.h"

namespace thesaban::handlers {
namespace {

constexpr std::string_view kPostbackPrefix = "tax=";
constexpr std::size_t kMaxNoticeLength = 40;
const std::vector<std::string> kAnswerTopics = {"land_building", "signboard", "garbage_fee"};

bool is_answer_topic(const std::string& topic) {
    return std::find(kAnswerTopics.begin(), kAnswerTopics.end(), topic) != kAnswerTopics.end();
}

void set_member(json::Document& state, const char* key, const std::string& value) {
    auto& a = state.GetAllocator();
    state.RemoveMember(key);
    state.AddMember(json::Value(key, a), json::make_string(value, a), a);
}

std::string state_string(const json::Document& state, const char* key) {
    return std::string(json::get_string(state, key).value_or(""));
}

// What a notice number looks like once typed on a phone: trimmed, Thai digits made ASCII.
std::string clean_notice(std::string_view typed) { return text::normalize_thai_digits(text::trim(typed)); }

// Exactly four digits, Thai or Arabic, spaces ignored.
std::optional<std::string> parse_last4(std::string_view typed) {
    std::string digits;
    for (char c : text::normalize_thai_digits(text::trim(typed))) {
        if (c == ' ' || c == '-') continue;
        if (c < '0' || c > '9') return std::nullopt;
        digits += c;
    }
    if (digits.size() != 4) return std::nullopt;
    return digits;
}

}  // namespace

TaxFlow::TaxFlow(const config::Config& config, const templates::TemplateLibrary& templates, tax::TaxStore& store,
                 tax::LookupGuard& guard, PaymentQr& qr, const Clock& clock)
    : config_(config), templates_(templates), store_(store), guard_(guard), qr_(qr), clock_(clock) {}

bool TaxFlow::accepts_postback(std::string_view data) const { return data.starts_with(kPostbackPrefix); }

void TaxFlow::start(FlowContext& context) {
    context.state.SetObject();
    set_member(context.state, "flow", name());
    open(context, topic_of(context));
}

void TaxFlow::resume(FlowContext& context) {
    if (!context.state.IsObject()) context.state.SetObject();
    StepInput input = read_step_input(context.event);
    if (input.kind == StepInput::Kind::postback && accepts_postback(input.text)) {
        open(context, topic_of(context));
        return;
    }
    const std::string step = state_string(context.state, "step");
    const bool is_back = input.kind == StepInput::Kind::text &&
                         (input.text == "ย้อนกลับ" || input.text == config_.text("flow_back_label"));
    if (step == "last4" && is_back) {
        ask_notice(context);
        return;
    }
    if (input.kind == StepInput::Kind::postback) {
        // A button of an earlier message (ยืนยัน of a complaint card): out of date here.
        say(context, "flow_stale_button");
        reprompt(context);
        return;
    }
    if (input.kind != StepInput::Kind::text) {
        // A sticker, photo or location where a number is asked: say so and ask again.
        say(context, "tax_lookup_text_only");
        if (step == "last4")
            ask_last4(context);
        else
            ask_notice(context);
        return;
    }
    if (step == "notice") {
        on_notice(context, input.text);
    } else if (step == "last4") {
        on_last4(context, input.text);
    } else {
        open(context, topic_of(context));
    }
}

std::string TaxFlow::topic_of(FlowContext& context) const {
    StepInput input = read_step_input(context.event);
    if (input.kind == StepInput::Kind::postback) {
        auto params = parse_postback_data(input.text);
        auto it = params.find("tax");
        return it == params.end() ? std::string() : it->second;
    }
    if (input.kind != StepInput::Kind::text) return {};
    const Understanding* u = context.understanding;
    if (u && u->intent == "tax_lookup") return "lookup";
    if (u && !u->tax_type.empty()) return u->tax_type;
    // The first topic whose configured words appear in the message ("ภาษีป้าย" → signboard). When
    // the classifier read a question, the lookup's words (จ่าย, ชำระ) do not make it a lookup:
    // "ภาษีบ้านต้องจ่ายเดือนไหน" asks for the land tax answer.
    const std::string typed = input.text;
    for (const auto& [topic, words] : config_.tax_chat.topic_keywords) {
        if (u && u->intent == "tax" && topic == "lookup") continue;
        for (const auto& word : words)
            if (!word.empty() && typed.find(word) != std::string::npos) return topic;
    }
    return {};
}

void TaxFlow::open(FlowContext& context, const std::string& topic) {
    if (is_answer_topic(topic)) {
        show_answer(context, topic);
    } else if (topic == "lookup") {
        if (guard_.locked(context.event.source.user_id)) {
            refuse_locked(context);
            return;
        }
        ask_notice(context);
    } else {
        show_menu(context);
    }
}

void TaxFlow::show_menu(FlowContext& context) {
    context.finished = true;
    auto message = text_message(text("tax_menu_prompt"));
    std::vector<PostbackChoice> choices;
    for (const auto& topic : kAnswerTopics) {
        const std::string label = text("tax_" + topic + "_label");
        choices.push_back({label, "tax=" + topic, label});
    }
    const std::string lookup = text("tax_lookup_label");
    choices.push_back({lookup, "tax=lookup", lookup});
    attach_postback_quick_reply(message, choices);
    context.out.send(json::to_string(message));
}

void TaxFlow::show_answer(FlowContext& context, const std::string& topic) {
    context.finished = true;
    auto values = tax_answer_values(config_, topic, tax::thai_date_at(clock_.now_ms()));
    values["lookup_label"] = text("tax_lookup_label");
    values["lookup_data"] = "tax=lookup";
    auto message = templates_.render("tax_answer", values);
    std::vector<PostbackChoice> choices;
    const std::string lookup = text("tax_lookup_label");
    choices.push_back({lookup, "tax=lookup", lookup});
    for (const auto& other : kAnswerTopics) {
        if (other == topic) continue;
        const std::string label = text("tax_" + other + "_label");
        choices.push_back({label, "tax=" + other, label});
    }
    attach_postback_quick_reply(message, choices);
    context.out.send(json::to_string(message));
}

std::string TaxFlow::question(const std::string& text_key, bool offer_back, const templates::Values& values) const {
    auto message = text_message(text(text_key, values));
    std::vector<config::MenuItem> items;
    if (offer_back) items.push_back({config_.text("flow_back_label"), config_.text("flow_back_label")});
    items.push_back({config_.text("flow_cancel_label"), config_.text("flow_cancel_label")});
    attach_quick_reply(message, items);
    return json::to_string(message);
}

void TaxFlow::reprompt(FlowContext& context) {
    if (!context.state.IsObject()) context.state.SetObject();
    if (state_string(context.state, "step") == "last4")
        ask_last4(context);
    else
        ask_notice(context);
}

void TaxFlow::ask_notice(FlowContext& context) {
    set_member(context.state, "step", "notice");
    context.finished = false;
    context.out.send(question("tax_ask_notice", false));
}

void TaxFlow::ask_last4(FlowContext& context) {
    set_member(context.state, "step", "last4");
    context.finished = false;
    context.out.send(question("tax_ask_last4", true, {{"notice", state_string(context.state, "notice")}}));
}

void TaxFlow::on_notice(FlowContext& context, const std::string& typed) {
    // As printed on the paper notice ("ภดส.6-๒๕๖๙/๐๐๐๑", "ภดส 6-2569/0001"), else as typed.
    auto printed = extract_entities(typed, config_.ticket_prefix).notice_number;
    std::string notice = printed ? *printed : clean_notice(typed);
    // A sentence with no digit is not a notice number ("ไม่มีใบค่ะ แค่อยากรู้ว่าต้องจ่ายเดือนไหน"):
    // the router may read it as a question; it never costs a try.
    const bool has_digit = std::any_of(notice.begin(), notice.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!printed && !has_digit && context.decline()) return;
    if (notice.empty() || !has_digit || text::utf16_length(notice) > kMaxNoticeLength) {
        say(context, "tax_notice_invalid");
        ask_notice(context);
        return;
    }
    set_member(context.state, "notice", notice);
    ask_last4(context);
}

void TaxFlow::on_last4(FlowContext& context, const std::string& typed) {
    auto last4 = parse_last4(typed);
    if (!last4 && context.decline()) return;
    if (!last4) {
        say(context, "tax_last4_invalid");
        ask_last4(context);
        return;
    }
    const std::string& user = context.event.source.user_id;
    if (guard_.locked(user)) {
        refuse_locked(context);
        return;
    }
    const std::string notice = state_string(context.state, "notice");
    auto record = store_.find(notice);
    if (!record || record->national_id_last4 != *last4) {
        // Not found and "not yours" get the same answer: a guesser learns nothing either way.
        int failures = guard_.record_failure(user);
        log::info("tax", "lookup failed", {{"user", log::mask_id(user)}, {"failures", std::to_string(failures)}});
        if (failures >= config_.tax_chat.lookup_max_failures) {
            refuse_locked(context);
            return;
        }
        context.finished = true;
        auto message = text_message(
            text("tax_lookup_not_found", {{"left", std::to_string(config_.tax_chat.lookup_max_failures - failures)}}));
        const std::string again = text("tax_lookup_again_label");
        attach_postback_quick_reply(message, {{again, "tax=lookup", again}});
        context.out.send(json::to_string(message));
        return;
    }
    log::info("tax", "notice shown", {{"user", log::mask_id(user)}, {"notice", record->notice_number}});
    show_bill(context, *record);
}

void TaxFlow::show_bill(FlowContext& context, const tax::TaxRecord& record) {
    context.finished = true;
    const tax::Date today = tax::thai_date_at(clock_.now_ms());
    const tax::AmountDue due = tax::amount_due(record, config_.tax, today);
    templates::Values values = tax_bill_values(config_, record, due, today);
    values["qr_valid_hours"] = std::to_string(config_.tax.promptpay.qr_link_ttl.count());
    const bool unpaid = !record.paid_date && due.total_satang > 0;
    std::optional<std::string> qr = unpaid ? qr_.qr_url(record, due.total_satang) : std::nullopt;
    values["how_to_pay"] = !unpaid ? text("tax_bill_paid_note")
                           : qr    ? text("tax_bill_pay_by_qr", values)
                                   : text("tax_bill_pay_at_office", values);
    auto bill = templates_.render("tax_bill", values);
    attach_quick_reply(bill, config_.main_menu);
    if (qr) {
        // The QR goes first so the bill, with the menu under it, is the last message on screen.
        json::Document image;
        image.SetObject();
        auto& a = image.GetAllocator();
        image.AddMember("type", "image", a);
        image.AddMember("originalContentUrl", json::make_string(*qr, a), a);
        image.AddMember("previewImageUrl", json::make_string(*qr, a), a);
        context.out.send(json::to_string(image));
    }
    context.out.send(json::to_string(bill));
}

void TaxFlow::refuse_locked(FlowContext& context) {
    context.finished = true;
    log::warn("tax", "lookup locked", {{"user", log::mask_id(context.event.source.user_id)}});
    say(context, "tax_lookup_locked");
}

void TaxFlow::say(FlowContext& context, const std::string& text_key, const templates::Values& values) {
    auto message = text_message(text(text_key, values));
    if (context.finished) attach_quick_reply(message, config_.main_menu);
    context.out.send(json::to_string(message));
}

std::string TaxFlow::text(const std::string& key, const templates::Values& values) const {
    return templates::fill_placeholders(config_.text(key), values);
}

}  // namespace thesaban::handlers
