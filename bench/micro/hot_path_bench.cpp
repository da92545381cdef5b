// Times, per call, the CPU-bound pieces one webhook ("สวัสดี" answered with the help message) goes
// through. Each case runs a warm-up, then 7 rounds; the median and the fastest round are reported in
// ns per call. Usage: hot_path_bench [filter-substring]
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "core/log.h"
#include "handlers/common/conversation.h"
#include "handlers/common/greeting_handler.h"
#include "line/message_limits.h"
#include "line/signature.h"
#include "line/webhook.h"
#include "templates/template_library.h"

namespace {

using namespace thesaban;
using Clock = std::chrono::steady_clock;

template <typename T>
void keep(T&& value) {
    asm volatile("" : : "g"(&value) : "memory");
}

void run_case(std::string_view filter, const char* name, const std::function<void()>& body) {
    if (!filter.empty() && std::string_view(name).find(filter) == std::string_view::npos) return;
    // Calibrate: enough iterations for a round of about 20 ms.
    long iterations = 1;
    for (;;) {
        auto start = Clock::now();
        for (long i = 0; i < iterations; ++i) body();
        auto elapsed = Clock::now() - start;
        if (elapsed > std::chrono::milliseconds(20) || iterations > (1L << 28)) break;
        iterations *= 2;
    }
    std::vector<double> ns;
    for (int round = 0; round < 7; ++round) {
        auto start = Clock::now();
        for (long i = 0; i < iterations; ++i) body();
        auto elapsed = std::chrono::duration<double, std::nano>(Clock::now() - start).count();
        ns.push_back(elapsed / static_cast<double>(iterations));
    }
    std::sort(ns.begin(), ns.end());
    std::printf("%-52s median %10.1f ns   min %10.1f ns   (%ld calls/round)\n", name, ns[ns.size() / 2], ns.front(),
                iterations);
    std::fflush(stdout);
}

std::string one_event_text_webhook() {
    // The shape LINE sends for a resident typing "สวัสดี" in a 1:1 chat.
    return R"({"destination":"Uf3c1a9e0b7d54f2c8a6e4d2b0c9f8e7d","events":[{"type":"message","message":{"type":"text",)"
           R"("id":"534173982734897123","quoteToken":"q3Plxr4AgKd0v_Kmw6MmTlRBfSRkZ3BtX1w3v1hXQ9X7c1ZkqH1oYk6T0bq8Ymn)"
           R"(WZ1pWkb5g8hW7P0sJ1p1m7L9xA","text":"สวัสดี"},"webhookEventId":"01HQZ3K4R8V6N2P7T1X9B5C3D0",)"
           R"("deliveryContext":{"isRedelivery":false},"timestamp":1765090000123,"source":{"type":"user",)"
           R"("userId":"U4af4980629a1b2c3d4e5f60718293a4b"},"replyToken":"b60d432864f44d079f6d8efe86cf404b",)"
           R"("mode":"active"}]})";
}

}  // namespace

int main(int argc, char** argv) {
    std::string_view filter = argc > 1 ? argv[1] : "";
    auto config = config::load_config(THESABAN_SOURCE_DIR "/config/thesaban.example.jsonc", {}, false);
    auto templates = templates::TemplateLibrary::load(THESABAN_SOURCE_DIR "/templates");

    const std::string secret = "8c570fa6dd201bb328f1c1eac23a96d8";
    std::string body_1k = one_event_text_webhook();
    while (body_1k.size() < 1024) body_1k += ' ';
    body_1k.resize(1024);
    const std::string header_1k = line::compute_signature(secret, body_1k);

    run_case(filter, "verify_signature (1 KiB body)", [&] {
        bool ok = line::verify_signature(secret, body_1k, header_1k);
        keep(ok);
    });

    const line::SignatureVerifier verifier(secret);
    run_case(filter, "SignatureVerifier::verify (1 KiB body)", [&] {
        bool ok = verifier.verify(body_1k, header_1k);
        keep(ok);
    });

    const std::string webhook = one_event_text_webhook();
    run_case(filter, "parse_webhook (one text event)", [&] {
        line::WebhookBody parsed;
        auto status = line::parse_webhook(webhook, parsed);
        keep(status);
        keep(parsed);
    });

    line::WebhookBody parsed;
    line::parse_webhook(webhook, parsed);
    const line::Event& event = parsed.events.at(0);
    handlers::GreetingHandler greeting(config, templates);
    run_case(filter, "GreetingHandler help answer + check_messages", [&] {
        handlers::CollectingResponder out;
        greeting.handle(event, out);
        auto problem = line::check_messages(out.messages);
        keep(problem);
        keep(out);
    });

    handlers::CollectingResponder help;
    greeting.handle(event, help);
    run_case(filter, "check_messages (the help message)", [&] {
        auto problem = line::check_messages(help.messages);
        keep(problem);
    });

    templates::Values values{{"municipality_name", config.municipality_name},
                             {"municipality_short_name", config.municipality_short_name},
                             {"municipality_phone", config.municipality_phone},
                             {"title", "เรื่องของท่าน"},
                             {"body", "เรื่องเลขที่ 2026-000123 ได้รับแล้ว เจ้าหน้าที่จะติดต่อกลับภายใน 3 วันทำการ"},
                             {"menu_prompt", config.text("menu_prompt")},
                             {"alt_text", "เรื่องของท่าน"}};
    run_case(filter, "TemplateLibrary::render_text (help, per-event values)", [&] {
        std::string text = templates.render_text("help", values);
        keep(text);
    });
    const std::vector<std::string> dynamic{templates.render_text("help", values)};
    run_case(filter, "check_messages (help-sized flex, not pre-checked)", [&] {
        auto problem = line::check_messages(dynamic);
        keep(problem);
    });

    const std::string user_id = "U4af4980629a1b2c3d4e5f60718293a4b";
    // A log line goes to stderr; sent to /dev/null here so the write costs a syscall but no terminal.
    int saved_stderr = dup(2);
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 2);
    log::set_min_level(log::Level::info);
    run_case(filter, "log::info, 3 fields (enabled)", [&] {
        log::info("webhook", "event accepted",
                  {{"webhook_event_id", event.webhook_event_id}, {"user", log::mask_id(user_id)}, {"count", "1"}});
    });
    run_case(filter, "log::debug, 3 fields (disabled)", [&] {
        log::debug("webhook", "event accepted",
                   {{"webhook_event_id", event.webhook_event_id}, {"user", log::mask_id(user_id)}, {"count", "1"}});
    });
    run_case(filter, "log::debug, 3 fields (disabled, log::enabled guard)", [&] {
        if (log::enabled(log::Level::debug)) {
            log::debug("webhook", "event accepted",
                       {{"webhook_event_id", event.webhook_event_id}, {"user", log::mask_id(user_id)}, {"count", "1"}});
        }
    });
    dup2(saved_stderr, 2);
    close(devnull);
    close(saved_stderr);
    return 0;
}
