#include "handlers/common/flood_guard.h"

#include "core/json.h"
#include "core/log.h"
#include "core/metrics.h"
#include "handlers/common/main_menu.h"  // text_message
#include "templates/template_library.h"

namespace thesaban::handlers {

FloodGuard::FloodGuard(const config::Config& config, MessageRateLimiter& limiter) : limiter_(limiter) {
    notice_ = json::to_string(text_message(templates::fill_placeholders(
        config.text("flood_notice"),
        {{"minutes", std::to_string(config.limits.flood_quiet.count())}, {"phone", config.municipality_phone}})));
}

bool FloodGuard::handle(const line::Event& event, Responder& out) {
    if (event.source.type != line::Source::Type::user || event.source.user_id.empty()) return false;
    if (event.kind != line::EventKind::message && event.kind != line::EventKind::postback) return false;
    switch (limiter_.check(event.source.user_id)) {
        case MessageRateLimiter::Verdict::allowed:
            return false;
        case MessageRateLimiter::Verdict::notice:
            metrics::registry()
                .counter("thesaban_flood_messages_total", "Residents' messages stopped by the flood limit",
                         {{"action", "notice"}})
                .inc();
            log::warn("abuse", "resident sending too fast; quiet period starts",
                      {{"user", log::mask_id(event.source.user_id)}});
            out.send(notice_);
            return true;
        case MessageRateLimiter::Verdict::ignore:
            metrics::registry()
                .counter("thesaban_flood_messages_total", "Residents' messages stopped by the flood limit",
                         {{"action", "ignored"}})
                .inc();
            return true;
    }
    return false;
}

}  // namespace thesaban::handlers
