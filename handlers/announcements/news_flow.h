#pragma once
// Residents and the municipality's news, in one-message exchanges run by the ResidentRouter:
//   "ข่าวสาร" (any text of the "announcement" intent) → the latest announcements as a carousel;
//   "รับข่าว" → the topics not yet subscribed as quick reply buttons; "เลิกรับข่าว" → the subscribed ones.
// Postbacks: news=sub&topic=<key>, news=unsub&topic=<key>, news=menu_sub, news=menu_unsub.
// Nothing is kept between messages (the flow finishes at once).
#include <vector>

#include "config/config.h"
#include "handlers/announcements/announcement_cards.h"
#include "handlers/announcements/news_ports.h"
#include "handlers/common/flow.h"

namespace thesaban::handlers {

class NewsFlow final : public Flow {
public:
    NewsFlow(const config::Config& config, const templates::TemplateLibrary& templates, NewsAudience& audience,
             NewsArchive& archive);

    std::string name() const override { return "news"; }
    std::vector<std::string> intents() const override { return {"announcement", "subscribe"}; }
    bool accepts_postback(std::string_view data) const override;
    void start(FlowContext& context) override;
    void resume(FlowContext& context) override { start(context); }

private:
    void show_latest(const std::string& user, Responder& out);
    void offer_subscribe(const std::string& user, Responder& out);
    void offer_unsubscribe(const std::string& user, Responder& out);
    void change(const std::string& user, const std::string& topic, bool subscribe, Responder& out);
    std::string labels(const std::vector<std::string>& topic_keys) const;

    const config::Config& config_;
    AnnouncementCards cards_;
    NewsAudience& audience_;
    NewsArchive& archive_;
};

}  // namespace thesaban::handlers
