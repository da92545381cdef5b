#pragma once
// Officers announce from LINE: in the configured admin group, an allowlisted officer types
// "ประกาศ <ข้อความ>" (several lines: the first is the title; "ประกาศ #ภาษี ..." for one topic's
// subscribers) and gets a preview of the card exactly as residents will see it, with ส่ง / ยกเลิก.
// ส่ง queues it through the publisher (once, however often it is tapped): a broadcast, or a
// multicast to the topic. Anyone not on the list is refused politely.
// Postbacks: announce=send&draft=<id>, announce=cancel&draft=<id>. The draft waits in the
// conversation store (key "announce-draft:<id>") for the configured idle time.
#include <optional>
#include <string>

#include "config/config.h"
#include "handlers/announcements/announcement_cards.h"
#include "handlers/announcements/news_ports.h"
#include "handlers/common/conversation.h"
#include "handlers/common/ports.h"

namespace thesaban::handlers {

class AnnounceHandler final : public EventHandler {
public:
    AnnounceHandler(const config::Config& config, const templates::TemplateLibrary& templates,
                    ConversationStore& drafts, AnnouncementPublisher& publisher, const Clock& clock);
    bool handle(const line::Event& event, Responder& out) override;

    // "ประกาศ [#หัวข้อข่าว] หัวข้อ\nเนื้อหา" → the draft; nullopt when the text is not an announce command.
    std::optional<announcements::Draft> parse_command(std::string_view text) const;

private:
    void on_command(const line::Event& event, const announcements::Draft& draft, Responder& out);
    void on_postback(const line::Event& event, std::string_view data, Responder& out);
    void say(Responder& out, const std::string& text_key, const templates::Values& values = {});
    std::string topic_labels() const;  // "#ข่าวทั่วไป #ภาษี ..." for the officers' help

    const config::Config& config_;
    const templates::TemplateLibrary& templates_;
    AnnouncementCards cards_;
    ConversationStore& drafts_;
    AnnouncementPublisher& publisher_;
    const Clock& clock_;
};

}  // namespace thesaban::handlers
