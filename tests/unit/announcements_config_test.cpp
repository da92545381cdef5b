// The "announcements" section of the configuration and the admin API's token check.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/admin_endpoint.h"
#include "config/config.h"

namespace thesaban {
namespace {

// The corpus files the example names relative to itself, named from wherever the copy is written.
std::string relocate_corpus(std::string text) {
    for (const char* file : {"intent_corpus.tsv", "thai_rewrites.tsv"}) {
        const std::string quoted = std::string("\"") + file + "\"";
        auto at = text.find(quoted);
        if (at != std::string::npos)
            text.replace(at, quoted.size(), std::string("\"") + THESABAN_SOURCE_DIR "/config/" + file + "\"");
    }
    return text;
}

std::string example_text() {
    std::ifstream in(THESABAN_SOURCE_DIR "/config/thesaban.example.jsonc");
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Loads the example with `from` replaced by `to`; the ConfigError's key, or "" when it loads.
std::string load_with(const std::string& from, const std::string& to) {
    std::string text = example_text();
    auto pos = text.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    text.replace(pos, from.size(), to);
    // Elsewhere, with the templates found where they are.
    const std::string templates = R"("templates_dir": "../templates")";
    auto t = text.find(templates);
    EXPECT_NE(t, std::string::npos);
    text.replace(t, templates.size(), R"("templates_dir": ")" THESABAN_SOURCE_DIR R"(/templates")");
    text = relocate_corpus(text);
    std::string path = (std::filesystem::temp_directory_path() /
                        ("announcements_config_test_" + std::to_string(::getpid()) + ".jsonc"))
                           .string();
    std::ofstream(path) << text;
    std::string key;
    try {
        config::load_config(path, {}, false);
    } catch (const config::ConfigError& e) {
        key = e.key();
    }
    std::filesystem::remove(path);
    return key;
}

TEST(AnnouncementsConfig, ExampleHasTopicsAndAnAllowlist) {
    auto config = config::load_config(THESABAN_SOURCE_DIR "/config/thesaban.example.jsonc", {}, false);
    const auto& a = config.announcements;
    EXPECT_EQ(a.topic_keys(), (std::vector<std::string>{"general", "tax", "utilities", "disaster"}));
    ASSERT_NE(a.topic("utilities"), nullptr);
    EXPECT_EQ(a.topic("utilities")->label, "น้ำประปาและไฟฟ้า");
    EXPECT_NE(a.officer("U4a2b3c4d5e6f708192a3b4c5d6e7f804"), nullptr);
    EXPECT_EQ(a.officer("U1a2b3c4d5e6f708192a3b4c5d6e7f801"), nullptr);
    EXPECT_EQ(a.broadcasts_per_hour, 60);
    EXPECT_EQ(a.multicast_chunk_size, 500u);
}

TEST(AnnouncementsConfig, MistakesNameTheKey) {
    EXPECT_EQ(load_with(R"("admin_group_id": "C3a2b3c4d5e6f708192a3b4c5d6e7f803")", R"("admin_group_id": "C123")"),
              "announcements.admin_group_id");
    EXPECT_EQ(load_with(R"({"key": "tax", "label": "ภาษี"})", R"({"key": "tax", "label": "ภาษีและค่าธรรมเนียมทุกประเภท"})"),
              "announcements.topics[1].label");
    EXPECT_EQ(load_with(R"({"key": "tax", "label": "ภาษี"})", R"({"key": "general", "label": "ภาษี"})"),
              "announcements.topics[1].key");
    EXPECT_EQ(load_with(R"("multicast_chunk_size": 500)", R"("multicast_chunk_size": 501)"),
              "announcements.multicast_chunk_size");
    EXPECT_EQ(load_with(R"("history_size": 20,)", R"("history_size": 20, "histroy": 1,)"), "announcements.histroy");
}

// Departments read their officers with the same reader as the announcements section.
TEST(DepartmentsConfig, OfficerMistakesNameTheKey) {
    EXPECT_EQ(load_with(R"({"user_id": "U2a2b3c4d5e6f708192a3b4c5d6e7f802", "name": "นายช่างวิชัย"})",
                        R"({"user_id": "U2", "name": "นายช่างวิชัย"})"),
              "departments[0].officers[1].user_id");
    EXPECT_EQ(load_with(R"("name": "คุณสุดา"})", R"("name": ""})"), "departments[1].officers[0].name");
    EXPECT_EQ(load_with(R"("name": "คุณสุดา"})", R"("name": "คุณสุดา", "phone": "0812345678"})"),
              "departments[1].officers[0].phone");
    auto config = config::load_config(THESABAN_SOURCE_DIR "/config/thesaban.example.jsonc", {}, false);
    ASSERT_NE(config.department("engineering"), nullptr);
    ASSERT_EQ(config.department("engineering")->officers.size(), 2u);
    EXPECT_EQ(config.department("engineering")->officers[1].name, "นายช่างวิชัย");
    EXPECT_NE(config.department("engineering")->officer("U2a2b3c4d5e6f708192a3b4c5d6e7f802"), nullptr);
    EXPECT_EQ(config.department("engineering")->officer("U3a2b3c4d5e6f708192a3b4c5d6e7f803"), nullptr);
    ASSERT_NE(config.department_by_group("C2a2b3c4d5e6f708192a3b4c5d6e7f802"), nullptr);
    EXPECT_EQ(config.department_by_group("C2a2b3c4d5e6f708192a3b4c5d6e7f802")->key, "public_health");
    EXPECT_EQ(config.department_by_group("C9a2b3c4d5e6f708192a3b4c5d6e7f809"), nullptr);
}

TEST(AdminToken, BearerComparedExactly) {
    const std::string token = "s3cret-admin-token";
    EXPECT_TRUE(app::bearer_matches("Bearer s3cret-admin-token", token));
    EXPECT_TRUE(app::bearer_matches("bearer s3cret-admin-token", token));
    EXPECT_FALSE(app::bearer_matches("Bearer s3cret-admin-tokeN", token));
    EXPECT_FALSE(app::bearer_matches("Bearer s3cret-admin-token ", token));
    EXPECT_FALSE(app::bearer_matches("Bearer s3cret", token));
    EXPECT_FALSE(app::bearer_matches("Basic s3cret-admin-token", token));
    EXPECT_FALSE(app::bearer_matches("", token));
    EXPECT_FALSE(app::bearer_matches("Bearer ", ""));  // no token configured: nothing matches
}

}  // namespace
}  // namespace thesaban
