#pragma once
// The announcement as residents see it (templates/announcement.json: title, body, date in พ.ศ.,
// optional hero image and link button) and the "ข่าวสาร" carousel of the latest ones.
#include <string>
#include <vector>

#include "announcements/announcement.h"
#include "config/config.h"
#include "core/json.h"
#include "templates/template_library.h"

namespace thesaban::handlers {

class AnnouncementCards {
public:
    AnnouncementCards(const config::Config& config, const templates::TemplateLibrary& templates);

    // A flex message; `date_ms` is the date shown (when it goes out).
    json::Document message(const announcements::Draft& draft, int64_t date_ms) const;
    // A carousel of at most 12 bubbles, newest first; bodies are shortened to keep within 50 KB.
    json::Document carousel(const std::vector<announcements::Announcement>& items) const;

private:
    json::Document render(const announcements::Draft& draft, int64_t date_ms, std::size_t max_body_units) const;

    const config::Config& config_;
    const templates::TemplateLibrary& templates_;
};

// The date an announcement carries: its send_at, else when it was created.
int64_t announcement_date_ms(const announcements::Announcement& announcement);

}  // namespace thesaban::handlers
