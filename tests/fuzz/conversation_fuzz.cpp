// libFuzzer target for what a resident sends: postback data (a resident can send any data with a
// crafted client, not only what our buttons carry), text, locations and photos, as a conversation
// of up to eight steps through the real classifier, router, flows, config and templates over
// in-memory ports.
// Every answer must be one LINE accepts (message_limits), whatever was sent.
// Built as build/fuzz/conversation_fuzz with -DCMAKE_CXX_COMPILER=clang++ -DTHESABAN_FUZZ=ON; seeds
// in tests/fuzz/corpus/conversation/: steps separated by a newline, each "p:" postback data,
// "l:" a location, "i:" a photo, anything else text.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "config/config.h"
#include "core/log.h"
#include "core/word_segmenter.h"
#include "handlers/common/intent_model.h"
#include "handlers/common/resident_router.h"
#include "handlers/complaint/complaint_flow.h"
#include "handlers/officer/officer_handler.h"
#include "handlers/streetlight/streetlight_flow.h"
#include "handlers/tracking/tracking_flow.h"
#include "line/message_limits.h"
#include "templates/template_library.h"
#include "tests/unit/fakes/in_memory_ports.h"

namespace {

using namespace thesaban;

struct Bot {
    Bot()
        : config(config::load_config(THESABAN_SOURCE_DIR "/config/thesaban.example.jsonc", {}, false)),
          templates(templates::TemplateLibrary::load(THESABAN_SOURCE_DIR "/templates")),
          clock(1764054300000),
          segmenter(make_thai_word_segmenter()),
          classifier(handlers::ClassifierSettings::from(config), *segmenter),
          deps{config, templates, tickets, media, announcer, profiles, clock},
          complaint(deps),
          streetlight(deps),
          tracking(config, templates, tickets, media, clock) {}

    config::Config config;
    templates::TemplateLibrary templates;
    testing::InMemoryTicketStore tickets;
    testing::InMemoryMediaStore media;
    testing::RecordingAnnouncer announcer;
    testing::FixedProfiles profiles;
    testing::FixedClock clock;
    std::unique_ptr<WordSegmenter> segmenter;
    handlers::StatisticalIntentClassifier classifier;
    handlers::FlowDeps deps;
    handlers::ComplaintFlow complaint;
    handlers::StreetlightFlow streetlight;
    handlers::TrackingFlow tracking;
};

line::Event event_for(std::string_view step, int n) {
    line::Event e;
    e.source.type = line::Source::Type::user;
    e.source.user_id = "U0123456789abcdef0123456789abcdef";
    e.webhook_event_id = "01FUZZ" + std::to_string(n);
    e.reply_token = "reply-" + std::to_string(n);
    e.timestamp_ms = 1764054300000 + n * 1000;
    std::string_view rest = step.size() >= 2 ? step.substr(2) : std::string_view{};
    if (step.substr(0, 2) == "p:") {
        e.kind = line::EventKind::postback;
        e.payload = line::Postback{std::string(rest)};
    } else {
        e.kind = line::EventKind::message;
        line::MessageContent content;
        content.id = "m" + std::to_string(n);
        if (step.substr(0, 2) == "l:")
            content.body = line::LocationMessage{std::string(rest), "", 17.35 + static_cast<double>(rest.size()) * 1e-4, 103.9};
        else if (step.substr(0, 2) == "i:")
            content.body = line::ImageMessage{};
        else
            content.body = line::TextMessage{std::string(step), "", std::nullopt, {}};
        e.payload = std::move(content);
    }
    return e;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    log::set_min_level(log::Level::error);
    static Bot* bot = new Bot();  // config and templates loaded once; each input a fresh conversation
    std::string_view input(reinterpret_cast<const char*>(data), size);
    (void)handlers::parse_postback_data(input);

    testing::InMemoryConversationStore conversations;
    handlers::ResidentRouter router(conversations, bot->classifier,
                                    {&bot->complaint, &bot->streetlight, &bot->tracking}, bot->config, bot->clock);
    int n = 0;
    while (!input.empty() && n < 8) {
        auto end = input.find('\n');
        std::string_view step = input.substr(0, end);
        input = end == std::string_view::npos ? std::string_view{} : input.substr(end + 1);
        handlers::CollectingResponder out;
        // Not taken by the router (thanks, a greeting): the bot's other handlers answer it.
        if (!router.handle(event_for(step, ++n), out)) continue;
        if (out.messages.size() > 5) __builtin_trap();
        if (line::check_messages(out.messages)) __builtin_trap();
    }
    return 0;
}
