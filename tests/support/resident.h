#pragma once
// A resident (or officer) in the LINE app, for integration tests: reads what the bot sent to
// their chat through the fake LINE API and taps its buttons as the app would, so tests do not
// depend on postback encodings or on the order of the bot's questions.
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "support/bot_process.h"
#include "support/fake_line.h"
#include "support/line_events.h"

namespace thesaban::testing {

struct Action {
    std::string type;   // message, postback, location, camera, cameraRoll, uri, ...
    std::string label;
    std::string text;   // message actions
    std::string data;   // postback actions
    std::string uri;
};

struct BotMessage {
    std::string json;                 // the whole message object
    std::string visible_text;         // every "text"/"altText" string in it, joined by newlines
    std::vector<Action> actions;      // quick reply items and flex buttons
};

class Resident {
public:
    Resident(BotProcess& bot, FakeLine& line, EventSource source) : Resident({&bot}, line, std::move(source)) {}
    // Several bot processes behind one channel (as behind a load balancer): each event goes to the
    // next one in turn.
    Resident(std::vector<BotProcess*> bots, FakeLine& line, EventSource source)
        : bots_(std::move(bots)), line_(line), source_(std::move(source)) {}

    const EventSource& source() const { return source_; }
    // Every event this resident sent, oldest first (to replay a conversation as other residents).
    const std::vector<std::string>& sent_events() const { return sent_events_; }
    // Everything the bot sent into this chat (replies and pushes), oldest first.
    std::vector<BotMessage> messages();
    // Waits until more than `seen` messages are in the chat and the bot has been quiet 300 ms.
    std::vector<BotMessage> wait_for_messages_after(std::size_t seen, std::chrono::milliseconds timeout = std::chrono::seconds(5));

    // Each sends one event (with a fresh reply token registered for this chat) and returns the
    // bot's new messages.
    std::vector<BotMessage> say(const std::string& text);
    std::vector<BotMessage> postback(const std::string& data);
    std::vector<BotMessage> send_location(double latitude, double longitude, const std::string& title = "จุดที่แจ้ง");
    std::vector<BotMessage> send_sticker();
    std::vector<BotMessage> send_image(const std::string& bytes, const std::string& content_type = "image/jpeg");
    // Taps the newest button whose label contains `label` (a location/camera button sends the
    // given location/photo); throws when the chat shows no such button.
    std::vector<BotMessage> tap(const std::string& label);

    // Plays a resident who wants `goal`: taps preferred buttons, answers location and photo
    // questions, else taps the first button not avoided, else says `text`. Returns the first
    // match of `goal` in what the bot says, or nullopt after `max_turns`.
    struct Plan {
        std::vector<std::string> prefer;
        std::vector<std::string> avoid;
        std::string text;
        std::optional<std::pair<double, double>> location;
        std::string image_bytes;
        int max_turns = 15;
    };
    std::optional<std::string> converse(const std::regex& goal, const Plan& plan, std::string* transcript = nullptr);

private:
    std::vector<BotMessage> send(const std::string& event_json);
    std::vector<BotMessage> act(const Action& action, const Plan* plan);

    std::vector<BotProcess*> bots_;
    std::size_t sent_ = 0;
    std::vector<std::string> sent_events_;
    FakeLine& line_;
    EventSource source_;
};

// A tiny valid JPEG header + padding, enough for content-type sniffing.
std::string sample_jpeg();

}  // namespace thesaban::testing
