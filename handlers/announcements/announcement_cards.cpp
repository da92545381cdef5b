#include "handlers/announcements/announcement_cards.h"

#include "core/text.h"
#include "core/thai_date.h"

namespace thesaban::handlers {
namespace {
constexpr std::size_t kCarouselBodyUnits = 400;
constexpr std::size_t kMaxCarouselBubbles = 12;
}  // namespace

AnnouncementCards::AnnouncementCards(const config::Config& config, const templates::TemplateLibrary& templates)
    : config_(config), templates_(templates) {}

int64_t announcement_date_ms(const announcements::Announcement& a) {
    return a.draft.send_at_ms ? a.draft.send_at_ms : a.created_at_ms;
}

json::Document AnnouncementCards::render(const announcements::Draft& draft, int64_t date_ms,
                                         std::size_t max_body_units) const {
    std::string body = draft.body;
    if (text::utf16_length(body) > max_body_units) body = text::truncate_utf16(body, max_body_units - 1) + "…";
    templates::Values values{
        {"municipality_name", config_.municipality_name},
        {"title", draft.title},
        {"body", body},
        {"label_date", config_.text("announcement_date_label")},
        {"date", thai_date(date_ms)},
        {"image_url", draft.image_url},
        {"link_url", draft.link_url},
        {"link_label", config_.text("announcement_link_label")},
        {"alt_text", templates::fill_placeholders(config_.text("announcement_alt"), {{"title", draft.title}})}};
    json::Document message = templates_.render("announcement", values);
    // The template carries every optional block; the ones without content go as a whole, so
    // LINE never sees an image or a button with an empty URL.
    json::Value& bubble = message["contents"];
    if (draft.image_url.empty()) bubble.RemoveMember("hero");
    if (draft.link_url.empty()) bubble.RemoveMember("footer");
    return message;
}

json::Document AnnouncementCards::message(const announcements::Draft& draft, int64_t date_ms) const {
    return render(draft, date_ms, announcements::kMaxBodyUnits);
}

json::Document AnnouncementCards::carousel(const std::vector<announcements::Announcement>& items) const {
    json::Document message;
    message.SetObject();
    auto& a = message.GetAllocator();
    json::Value contents(rapidjson::kArrayType);
    for (std::size_t i = 0; i < items.size() && i < kMaxCarouselBubbles; ++i) {
        json::Document one = render(items[i].draft, announcement_date_ms(items[i]), kCarouselBodyUnits);
        contents.PushBack(json::Value(one["contents"], a), a);
    }
    json::Value carousel(rapidjson::kObjectType);
    carousel.AddMember("type", "carousel", a);
    carousel.AddMember("contents", contents, a);
    std::string alt = templates::fill_placeholders(
        config_.text("news_latest_alt"), {{"count", std::to_string(std::min(items.size(), kMaxCarouselBubbles))}});
    message.AddMember("type", "flex", a);
    message.AddMember("altText", json::make_string(text::truncate_utf16(alt, 1500), a), a);
    message.AddMember("contents", carousel, a);
    return message;
}

}  // namespace thesaban::handlers
