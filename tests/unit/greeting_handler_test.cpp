#include "handlers/common/greeting_handler.h"

#include <gtest/gtest.h>

#include "config/config.h"
#include "line/message_limits.h"

namespace thesaban::handlers {
namespace {

struct Greeting : ::testing::Test {
    config::Config config = config::load_config(THESABAN_SOURCE_DIR "/config/thesaban.example.jsonc", {}, false);
    templates::TemplateLibrary templates = templates::TemplateLibrary::load(THESABAN_SOURCE_DIR "/templates");
};

line::Event user_event(line::EventKind kind) {
    line::Event event;
    event.kind = kind;
    event.source.type = line::Source::Type::user;
    event.source.user_id = "U4af4980629a1b2c3d4e5f60718293a4b";
    if (kind == line::EventKind::message) event.payload = line::MessageContent{"1", line::TextMessage{"สวัสดี"}};
    return event;
}

TEST_F(Greeting, PreparedMessagesAreFilledAndWithinLimits) {
    GreetingHandler greeting(config, templates);
    for (const std::string* message :
         {&greeting.welcome_message(), &greeting.help_message(false), &greeting.help_message(true)}) {
        EXPECT_EQ(message->find("{{"), std::string::npos) << *message;
        EXPECT_NE(message->find("\"quickReply\""), std::string::npos);
        EXPECT_EQ(line::check_messages({*message}), std::nullopt);
    }
    EXPECT_NE(greeting.help_message(false), greeting.help_message(true));
    EXPECT_NE(greeting.help_message(false).find(config.municipality_short_name), std::string::npos);
}

TEST_F(Greeting, AnswersFollowWithWelcomeAndTextWithHelp) {
    GreetingHandler greeting(config, templates);
    CollectingResponder out;
    EXPECT_TRUE(greeting.handle(user_event(line::EventKind::follow), out));
    EXPECT_TRUE(greeting.handle(user_event(line::EventKind::message), out));
    ASSERT_EQ(out.messages.size(), 2u);
    EXPECT_EQ(out.messages[0], greeting.welcome_message());
    EXPECT_EQ(out.messages[1], greeting.help_message(false));
}

TEST_F(Greeting, RefusesAtConstructionAMessageLineWouldRefuse) {
    config.texts["help_body"] = std::string(31 * 1024, 'x');  // the bubble alone is over LINE's 30 KB
    EXPECT_THROW(GreetingHandler(config, templates), std::runtime_error);
}

}  // namespace
}  // namespace thesaban::handlers
