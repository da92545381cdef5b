#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "line/messaging_api.h"
#include "line/profile_cache.h"
#include "media/line_media_store.h"
#include "media/media_endpoint.h"
#include "media/media_files.h"
#include "support/child_process.h"

namespace thesaban {
namespace {

namespace fs = std::filesystem;

// Only get_content and get_profile matter here; get_content honours max_bytes as the real
// HttpMessagingApi does (nullopt when the body is over the cap).
class FakeMessagingApi : public line::MessagingApi {
public:
    line::ApiResult reply(const std::string&, const std::vector<std::string>&) override { return {}; }
    line::ApiResult push(const std::string&, const std::vector<std::string>&, const std::string&) override {
        return {};
    }
    line::ApiResult multicast(const std::vector<std::string>&, const std::vector<std::string>&,
                              const std::string&) override {
        return {};
    }
    line::ApiResult broadcast(const std::vector<std::string>&, const std::string&) override { return {}; }
    line::ApiResult show_loading(const std::string&, int) override { return {}; }

    std::optional<line::Profile> get_profile(const std::string& user_id) override {
        ++profile_calls;
        auto it = names.find(user_id);
        if (it == names.end()) return std::nullopt;
        return line::Profile{user_id, it->second, {}, "th"};
    }

    std::optional<line::Content> get_content(const std::string& message_id, std::size_t max_bytes) override {
        last_max_bytes = max_bytes;
        auto it = contents.find(message_id);
        if (it == contents.end() || it->second.bytes.size() > max_bytes) return std::nullopt;
        return it->second;
    }

    std::map<std::string, line::Content> contents;
    std::map<std::string, std::string> names;
    std::atomic<int> profile_calls{0};
    std::size_t last_max_bytes = 0;
};

const std::string kJpeg = std::string("\xFF\xD8\xFF\xE0\x00\x10JFIF\x00", 11) + std::string(200, '\x42');
const std::string kPng = std::string("\x89PNG\r\n\x1A\n\x00\x00\x00\x0DIHDR", 16) + std::string(100, '\x07');
const std::string kGif = "GIF89a" + std::string(50, '\x01');
const std::string kHtml = "<html><script>alert(1)</script></html>";

constexpr std::size_t kMaxBytes = 1024;

class MediaStoreTest : public ::testing::Test {
protected:
    void SetUp() override { data_dir = testing::make_temp_dir("media"); }
    void TearDown() override { fs::remove_all(data_dir); }

    std::vector<fs::path> media_files() const {
        std::vector<fs::path> out;
        if (!fs::exists(fs::path(data_dir) / "media")) return out;
        for (const auto& e : fs::directory_iterator(fs::path(data_dir) / "media")) out.push_back(e.path());
        return out;
    }

    http::Response get(const std::string& path) const { return media::serve_media(data_dir, path); }

    std::string data_dir;
    FakeMessagingApi api;
    media::LineMediaStore make_store() {
        return media::LineMediaStore(api, data_dir, "https://bot.example.go.th/", kMaxBytes);
    }
};

std::string header(const http::Response& r, std::string_view name) {
    for (const auto& [k, v] : r.headers)
        if (k == name) return v;
    return {};
}

TEST_F(MediaStoreTest, JpegIsSavedAsJpgAndServedBack) {
    api.contents["100"] = {"image/jpeg", kJpeg};
    auto s = make_store();
    auto token = s.save_line_image("100");
    ASSERT_TRUE(token);
    EXPECT_EQ(api.last_max_bytes, kMaxBytes);
    auto path = s.path_for(*token);
    ASSERT_TRUE(path);
    EXPECT_EQ(path->filename().string(), *token + ".jpg");
    EXPECT_EQ(path->parent_path(), fs::path(data_dir) / "media");

    auto r = get("/media/" + *token);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.content_type, "image/jpeg");
    EXPECT_EQ(r.body, kJpeg);
    EXPECT_EQ(header(r, "Cache-Control"), "private, max-age=86400");
    EXPECT_EQ(header(r, "X-Content-Type-Options"), "nosniff");
}

TEST_F(MediaStoreTest, PngIsSavedAsPngAndServedBack) {
    api.contents["200"] = {"image/png", kPng};
    auto s = make_store();
    auto token = s.save_line_image("200");
    ASSERT_TRUE(token);
    EXPECT_EQ(s.path_for(*token)->filename().string(), *token + ".png");
    auto r = get("/media/" + *token);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.content_type, "image/png");
    EXPECT_EQ(r.body, kPng);
}

TEST_F(MediaStoreTest, GifAndHtmlAreRefusedWhateverTheDeclaredType) {
    api.contents["gif"] = {"image/gif", kGif};
    api.contents["html"] = {"text/html", kHtml};
    api.contents["html-claims-jpeg"] = {"image/jpeg", kHtml};
    api.contents["empty"] = {"image/jpeg", ""};
    api.contents["short-png"] = {"image/png", kPng.substr(0, 7)};
    auto s = make_store();
    EXPECT_FALSE(s.save_line_image("gif"));
    EXPECT_FALSE(s.save_line_image("html"));
    EXPECT_FALSE(s.save_line_image("html-claims-jpeg"));
    EXPECT_FALSE(s.save_line_image("empty"));
    EXPECT_FALSE(s.save_line_image("short-png"));
    EXPECT_TRUE(media_files().empty());
}

TEST_F(MediaStoreTest, BytesDecideTheExtensionNotTheDeclaredType) {
    api.contents["png-as-jpeg"] = {"image/jpeg", kPng};
    auto s = make_store();
    auto token = s.save_line_image("png-as-jpeg");
    ASSERT_TRUE(token);
    EXPECT_EQ(s.path_for(*token)->extension(), ".png");
    EXPECT_EQ(get("/media/" + *token).content_type, "image/png");
}

TEST_F(MediaStoreTest, OversizeIsRefusedAndTheCapReachesTheClient) {
    api.contents["big"] = {"image/jpeg", kJpeg + std::string(kMaxBytes, 'x')};
    api.contents["exact"] = {"image/jpeg", kJpeg + std::string(kMaxBytes - kJpeg.size(), 'x')};
    auto s = make_store();
    EXPECT_FALSE(s.save_line_image("big"));
    EXPECT_EQ(api.last_max_bytes, kMaxBytes);
    EXPECT_TRUE(s.save_line_image("exact"));
    EXPECT_FALSE(s.save_bytes(kPng + std::string(kMaxBytes, 'x')));
    EXPECT_EQ(media_files().size(), 1u);
}

TEST_F(MediaStoreTest, FetchFailureGivesNothing) {
    auto s = make_store();
    EXPECT_FALSE(s.save_line_image("missing"));
    EXPECT_TRUE(media_files().empty());
}

TEST_F(MediaStoreTest, TokensAreUrlSafeFixedLengthAndDistinct) {
    auto s = make_store();
    std::set<std::string> seen;
    for (int i = 0; i < 20; ++i) {
        auto token = s.save_bytes(kJpeg);
        ASSERT_TRUE(token);
        EXPECT_EQ(token->size(), 32u);  // 24 random bytes, base64url without padding
        EXPECT_EQ(token->find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
                  std::string::npos);
        EXPECT_TRUE(media::is_media_token(*token));
        seen.insert(*token);
    }
    EXPECT_EQ(seen.size(), 20u);
    // Only the final files: no temp files left behind by the atomic write.
    EXPECT_EQ(media_files().size(), 20u);
    for (const auto& p : media_files()) EXPECT_NE(p.filename().string().front(), '.');
}

TEST_F(MediaStoreTest, SaveBytesKeepsGeneratedPngs) {
    auto s = make_store();
    auto token = s.save_bytes(kPng);
    ASSERT_TRUE(token);
    EXPECT_EQ(get("/media/" + *token).body, kPng);
    EXPECT_FALSE(s.save_bytes(kHtml));
}

TEST_F(MediaStoreTest, PublicUrlJoinsBaseAndToken) {
    auto s = make_store();
    EXPECT_EQ(s.public_url("abc"), "https://bot.example.go.th/media/abc");
    media::LineMediaStore no_slash(api, data_dir, "https://bot.example.go.th", kMaxBytes);
    EXPECT_EQ(no_slash.public_url("abc"), "https://bot.example.go.th/media/abc");
}

TEST_F(MediaStoreTest, PathForRefusesMalformedAndUnknownTokens) {
    auto s = make_store();
    EXPECT_FALSE(s.path_for("../../etc/passwd"));
    EXPECT_FALSE(s.path_for(std::string(32, 'A')));
    EXPECT_FALSE(s.path_for(""));
}

TEST_F(MediaStoreTest, ServeMediaRefusesTraversalAndMalformedTokens) {
    auto s = make_store();
    auto token = s.save_bytes(kJpeg);
    ASSERT_TRUE(token);
    // A file just outside media/ that a traversal would reach.
    { std::ofstream(fs::path(data_dir) / "secret.jpg") << "secret"; }

    const std::vector<std::string> bad = {
        "/media/../etc/passwd",
        "/media/../../../../etc/passwd",
        "/media/../secret",
        "/media/%2e%2e/secret",
        "/media/%2e%2e%2fsecret",
        "/media/" + std::string(32, 'A'),  // well-formed but never stored
        "/media/" + token->substr(0, 31),  // too short
        "/media/" + *token + "A",          // too long
        "/media/" + *token + ".jpg",
        "/media/" + *token + "/",
        "/media/" + token->substr(0, 30) + "..",
        "/media/" + token->substr(0, 31) + ".",
        "/media/" + token->substr(0, 31) + "/",
        "/media/" + token->substr(0, 31) + "=",
        "/media/",
        "/media",
        "/" + *token,
        "/other/" + *token,
        "media/" + *token,
    };
    for (const auto& path : bad) {
        auto r = get(path);
        EXPECT_EQ(r.status, 404) << path;
        EXPECT_EQ(r.content_type.rfind("image/", 0), std::string::npos) << path;
        EXPECT_EQ(header(r, "X-Content-Type-Options"), "nosniff") << path;
    }
    EXPECT_EQ(get("/media/" + *token).status, 200);
}

TEST_F(MediaStoreTest, ServeMediaIgnoresSymlinksPlantedInTheMediaDir) {
    auto s = make_store();
    ASSERT_TRUE(s.save_bytes(kJpeg));  // creates media/
    { std::ofstream(fs::path(data_dir) / "secret") << "secret"; }
    std::string token(32, 'B');
    fs::create_symlink(fs::path(data_dir) / "secret", fs::path(data_dir) / "media" / (token + ".jpg"));
    EXPECT_EQ(get("/media/" + token).status, 404);
}

TEST(MediaFiles, SniffsOnlyJpegAndPng) {
    EXPECT_EQ(media::sniff_image(kJpeg), media::ImageKind::jpeg);
    EXPECT_EQ(media::sniff_image(kPng), media::ImageKind::png);
    EXPECT_FALSE(media::sniff_image(kGif));
    EXPECT_FALSE(media::sniff_image(kHtml));
    EXPECT_FALSE(media::sniff_image(std::string("\xFF\xD8", 2)));
    EXPECT_FALSE(media::sniff_image("RIFF....WEBP"));
}

// ---- CachedProfileLookup ----

class ProfileCacheTest : public ::testing::Test {
protected:
    line::CachedProfileLookup make(line::CachedProfileLookup::Options options = {}) {
        return line::CachedProfileLookup(api, options, [this] { return now; });
    }
    FakeMessagingApi api;
    std::chrono::steady_clock::time_point now{};
};

TEST_F(ProfileCacheTest, SecondLookupDoesNotCallTheApi) {
    api.names["U1"] = "สมชาย";
    auto cache = make();
    EXPECT_EQ(cache.display_name("U1"), "สมชาย");
    EXPECT_EQ(cache.display_name("U1"), "สมชาย");
    EXPECT_EQ(api.profile_calls, 1);
}

TEST_F(ProfileCacheTest, EntriesExpireAfterAnHour) {
    api.names["U1"] = "old";
    auto cache = make();
    EXPECT_EQ(cache.display_name("U1"), "old");
    api.names["U1"] = "new";
    now += std::chrono::minutes(59);
    EXPECT_EQ(cache.display_name("U1"), "old");
    now += std::chrono::minutes(2);
    EXPECT_EQ(cache.display_name("U1"), "new");
    EXPECT_EQ(api.profile_calls, 2);
}

TEST_F(ProfileCacheTest, FailureGivesEmptyNameAndIsRetriedSooner) {
    auto cache = make();
    EXPECT_EQ(cache.display_name("U404"), "");
    EXPECT_EQ(cache.display_name("U404"), "");
    EXPECT_EQ(api.profile_calls, 1);
    api.names["U404"] = "added later";
    now += std::chrono::minutes(6);
    EXPECT_EQ(cache.display_name("U404"), "added later");
    EXPECT_EQ(api.profile_calls, 2);
}

TEST_F(ProfileCacheTest, StaysWithinMaxEntriesDroppingTheLeastRecentlyUsed) {
    for (int i = 0; i < 5; ++i) api.names["U" + std::to_string(i)] = "n" + std::to_string(i);
    auto cache = make({std::chrono::hours(1), std::chrono::minutes(5), 3});
    cache.display_name("U0");
    cache.display_name("U1");
    cache.display_name("U2");
    cache.display_name("U0");  // U1 is now the least recently used
    cache.display_name("U3");
    EXPECT_EQ(cache.size(), 3u);
    EXPECT_EQ(api.profile_calls, 4);
    cache.display_name("U0");
    EXPECT_EQ(api.profile_calls, 4);
    cache.display_name("U1");
    EXPECT_EQ(api.profile_calls, 5);
}

TEST_F(ProfileCacheTest, ConcurrentLookupsAreSafe) {
    for (int i = 0; i < 50; ++i) api.names["U" + std::to_string(i)] = "n" + std::to_string(i);
    line::CachedProfileLookup cache(api, {std::chrono::hours(1), std::chrono::minutes(5), 20});
    std::vector<std::thread> threads;
    std::atomic<int> wrong{0};
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&, t] {
            for (int i = 0; i < 2000; ++i) {
                int u = (i * 7 + t) % 50;
                if (cache.display_name("U" + std::to_string(u)) != "n" + std::to_string(u)) ++wrong;
            }
        });
    for (auto& th : threads) th.join();
    EXPECT_EQ(wrong, 0);
    EXPECT_LE(cache.size(), 20u);
}

}  // namespace
}  // namespace thesaban
