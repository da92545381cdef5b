// Fault tests (reliability issue), storage: the disk under DATA_DIR full, Redis out of memory
// (maxmemory under noeviction: OOM) and Redis unable to persist (a failing RDB snapshot under
// stop-writes-on-bgsave-error: MISCONF); and deploy/backup-redis.sh + deploy/restore-redis.sh onto
// an empty Redis. The real binary, real redis-server processes and the fake LINE API on loopback.
// Each test prints its figures ("[ figures  ]" lines) for the README's Reliability table.
#include <fcntl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>

#include "bot_fixture.h"
#include "store/redis_announcement_store.h"
#include "store/redis_pool.h"
#include "store/redis_ticket_store.h"
#include "support/resident.h"

namespace thesaban::testing {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

const std::regex kTicketId("(PNK-\\d{4}-\\d{6})");
const std::string kComplaint = "ขยะกองหน้าตลาดไม่มีคนมาเก็บหลายวันแล้วค่ะ ส่งกลิ่นเหม็นมาก";
// config/thesaban.example.jsonc: texts.storage_unavailable and texts.flow_photo_storage_unavailable.
const std::string kTryLater = "ยังบันทึกข้อความของท่านไม่ได้ กรุณาลองใหม่อีกครั้งภายหลังค่ะ";
const std::string kPhotoTryLater = "ขณะนี้ระบบบันทึกรูปไม่ได้ชั่วคราว";
const std::string kPhotoReceived = "ได้รับรูปที่ 1";

std::string resident_id(int i) {
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "Ufb%030d", i);
    return buffer;
}

long long ms_since(Clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
}

bool has_button(const std::vector<BotMessage>& turn, const std::string& label) {
    for (const auto& m : turn)
        for (const auto& a : m.actions)
            if (a.label.find(label) != std::string::npos) return true;
    return false;
}

std::string all_text(const std::vector<BotMessage>& turn) {
    std::string out;
    for (const auto& m : turn) out += m.visible_text + "\n";
    return out;
}

class StorageFaults : public BotTest {
protected:
    store::RedisPool& pool() {
        if (!pool_) {
            auto options = store::parse_redis_url(redis->url());
            options.pool_size = 2;
            pool_ = std::make_unique<store::RedisPool>(options);
        }
        return *pool_;
    }
    void TearDown() override {
        pool_.reset();
        BotTest::TearDown();
    }

    // A complaint up to its summary, whose ยืนยัน is not pressed yet.
    void to_summary(Resident& r) {
        auto turn = r.say(kComplaint);
        for (int i = 0; i < 10 && !has_button(turn, "ยืนยัน"); ++i) {
            if (has_button(turn, "ขยะ"))
                turn = r.tap("ขยะ");
            else if (has_button(turn, "ข้าม"))
                turn = r.tap("ข้าม");
            else
                turn = r.say(kComplaint);  // the description, when asked for
        }
        ASSERT_TRUE(has_button(turn, "ยืนยัน")) << all_text(turn);
    }

    std::vector<std::string> tickets_of(const std::string& user) {
        std::vector<std::string> ids;
        for (const auto& e : pool().command({"ZRANGE", "thesaban:tickets:reporter:" + user, "0", "-1"}).elements)
            ids.push_back(e.str);
        return ids;
    }

    // Every ticket number the bot sent into this resident's chat.
    static std::set<std::string> numbers_told(Resident& r) {
        std::set<std::string> out;
        for (const auto& m : r.messages())
            for (std::sregex_iterator it(m.json.begin(), m.json.end(), kTicketId), end; it != end; ++it)
                out.insert((*it)[1].str());
        return out;
    }

    // Polls /readyz until it answers `status`; the body of that answer, or nullopt after `timeout`.
    std::optional<std::string> wait_readyz(int status, std::chrono::milliseconds timeout = 20s) {
        std::optional<std::string> body;
        wait_until(
            [&] {
                auto r = bot->get("/readyz");
                if (r.status == status) body = r.body;
                return r.status == status;
            },
            timeout);
        return body;
    }

    // The bot's log says what failed, and nothing personal: no user id in clear, no message text.
    void expect_logged_without_personal_data(const std::string& what, const std::vector<std::string>& users) {
        const std::string log = bot->output();
        EXPECT_NE(log.find(what), std::string::npos) << "the log names " << what << ":\n" << log;
        for (const auto& user : users) EXPECT_EQ(log.find(user), std::string::npos) << user << " in the log";
        EXPECT_EQ(log.find(kComplaint), std::string::npos) << "a resident's text in the log";
    }

    std::unique_ptr<store::RedisPool> pool_;
};

// What the residents saw while Redis refused writes, and how the bot came back.
struct RefusalFigures {
    long long readyz_503_ms = 0, readyz_200_ms = 0;
    int residents = 0, answered_200 = 0, told_try_later = 0, tickets_during = 0, numbers_told_during = 0;
};

class RedisRefusesWrites : public StorageFaults {
protected:
    // `fault` makes Redis refuse writes, `clear` lifts it; residents act in between. Returns the figures.
    void run(const std::string& kind, const std::function<void()>& fault, const std::function<void()>& clear,
             RefusalFigures& f) {
        constexpr int kOthers = 10;
        f.residents = kOthers + 1;
        Resident confirming(*bot, *line, {resident_id(0), ""});
        to_summary(confirming);
        if (HasFatalFailure()) return;
        ASSERT_EQ(bot->get("/readyz").status, 200);

        auto fault_at = Clock::now();
        fault();
        if (HasFatalFailure()) return;
        auto body = wait_readyz(503);
        f.readyz_503_ms = ms_since(fault_at);
        EXPECT_TRUE(body) << "/readyz still 200 with Redis refusing writes";
        if (body) {
            EXPECT_NE(body->find(kind), std::string::npos) << "/readyz says why: " << *body;
        }

        // The resident presses ยืนยัน, ten others write in: each is told to try again later, by reply.
        auto confirmed = confirming.tap("ยืนยัน");
        f.told_try_later += all_text(confirmed).find(kTryLater) != std::string::npos;
        f.numbers_told_during += static_cast<int>(numbers_told(confirming).size());
        f.tickets_during += static_cast<int>(tickets_of(resident_id(0)).size());
        for (int i = 1; i <= kOthers; ++i) {
            Resident other(*bot, *line, {resident_id(i), ""});
            std::size_t seen = other.messages().size();
            auto status = send(text_event(other.source(), "แจ้งท่อระบายน้ำอุดตันค่ะ", reply_token_for(other.source())));
            f.answered_200 += status.status == 200;
            f.told_try_later += all_text(other.wait_for_messages_after(seen)).find(kTryLater) != std::string::npos;
            f.tickets_during += static_cast<int>(tickets_of(resident_id(i)).size());
        }
        EXPECT_EQ(f.told_try_later, f.residents) << "everyone is told, politely, to try again later";
        EXPECT_EQ(f.answered_200, kOthers) << "told, so LINE must not redeliver (the event would run later)";
        EXPECT_EQ(f.tickets_during, 0);
        EXPECT_EQ(f.numbers_told_during, 0) << "nothing confirmed that was not stored";
        std::vector<std::string> users;
        for (int i = 0; i <= kOthers; ++i) users.push_back(resident_id(i));
        expect_logged_without_personal_data(kind, users);
        expect_logged_without_personal_data("EVALSHA", users);

        // The condition clears: the bot takes writes again by itself, no restart.
        auto clear_at = Clock::now();
        clear();
        if (HasFatalFailure()) return;
        EXPECT_TRUE(wait_readyz(200)) << "not ready again";
        f.readyz_200_ms = ms_since(clear_at);
        auto again = confirming.tap("ยืนยัน");
        std::smatch id;
        std::string said = all_text(again);
        EXPECT_TRUE(std::regex_search(said, id, kTicketId)) << "ยืนยัน works again: " << said;
        auto tickets = tickets_of(resident_id(0));
        EXPECT_EQ(tickets.size(), 1u);
        if (!tickets.empty() && id.size() > 1) {
            EXPECT_EQ(tickets[0], id[1].str());
        }
        EXPECT_EQ(bot->get("/livez").status, 200);
    }

    static void print(const char* what, const RefusalFigures& f) {
        std::cout << "[ figures  ] " << what << ": /readyz 503 " << f.readyz_503_ms << " ms after the fault, 200 "
                  << f.readyz_200_ms << " ms after it cleared; " << f.residents << " residents wrote meanwhile, "
                  << f.told_try_later << " told to try again later, " << f.tickets_during << " tickets and "
                  << f.numbers_told_during << " numbers given during the fault; then ยืนยัน filed 1 ticket\n";
    }
};

// (f) Redis reaches maxmemory with noeviction (deploy/redis.conf): it refuses every write with OOM
// while PING still answers, so /readyz must try a write to tell.
TEST_F(RedisRefusesWrites, OutOfMemoryResidentsAreToldToTryLaterAndTheBotRecovers) {
    RefusalFigures f;
    std::size_t filler_keys = 0;
    long long limit = 0;
    run(
        "OOM",
        [&] {
            // Room for a little more than what is there, then filled up as a growing dataset would.
            auto used = pool().command({"MEMORY", "STATS"});
            long long used_bytes = 0;
            for (std::size_t i = 0; i + 1 < used.elements.size(); i += 2)
                if (used.elements[i].str == "total.allocated") used_bytes = used.elements[i + 1].integer;
            ASSERT_GT(used_bytes, 0);
            ASSERT_FALSE(pool().command({"CONFIG", "SET", "maxmemory-policy", "noeviction"}).is_error());
            limit = used_bytes + 2 * 1024 * 1024;
            ASSERT_FALSE(pool().command({"CONFIG", "SET", "maxmemory", std::to_string(limit)}).is_error());
            const std::string blob(16 * 1024, 'x');
            for (; filler_keys < 10000; ++filler_keys)
                if (pool().command({"SET", "filler:" + std::to_string(filler_keys), blob}).is_error()) break;
            ASSERT_EQ(store::classify_error(pool().command({"SET", "filler:last", blob})), store::RedisErrorKind::oom);
            // Right at the limit Redis still takes a small write whenever a buffer has just been
            // freed; a dataset that has grown past it refuses them all. The limit goes 1 MiB below
            // what is used, as when it grew on.
            auto info = pool().command({"INFO", "memory"}).str;
            auto at = info.find("used_memory:");
            ASSERT_NE(at, std::string::npos);
            long long now_used = std::stoll(info.substr(at + 12));
            ASSERT_FALSE(
                pool().command({"CONFIG", "SET", "maxmemory", std::to_string(now_used - 1024 * 1024)}).is_error());
            ASSERT_EQ(store::classify_error(pool().command({"SET", "probe", "1"})), store::RedisErrorKind::oom);
        },
        [&] {
            // The operator makes room: the filler goes, and the limit is where it was set first.
            for (std::size_t i = 0; i <= filler_keys; ++i) pool().command({"UNLINK", "filler:" + std::to_string(i)});
            ASSERT_FALSE(pool().command({"CONFIG", "SET", "maxmemory", std::to_string(limit)}).is_error());
        },
        f);
    print("redis OOM (maxmemory, noeviction)", f);
}

class RedisCannotPersist : public RedisRefusesWrites {
protected:
    // Redis 7 refuses CONFIG SET dir unless protected configs are enabled (here: from loopback).
    RedisServerOptions redis_options() override {
        RedisServerOptions o;
        o.extra_args = {"--enable-protected-configs", "local"};
        return o;
    }
};

// (f) The RDB snapshot fails (here: Redis's dir removed from under it, as a lost or full disk
// does) with stop-writes-on-bgsave-error yes, the default: every write and PING get MISCONF. When
// the disk is back Redis retries the snapshot by itself (save points) and takes writes again.
TEST_F(RedisCannotPersist, FailingSnapshotMisconfResidentsAreToldToTryLaterAndTheBotRecovers) {
    // CONFIG SET dir onto a directory that is then removed: unprivileged and identical in CI, and
    // it leaves Redis exactly where a full disk does (rdb_last_bgsave_status:err, writes refused).
    // Removing permissions would not do: CI runs as root, whom permissions do not stop.
    const std::string gone = redis->dir() + "/gone";
    RefusalFigures f;
    run(
        "MISCONF",
        [&] {
            std::filesystem::create_directories(gone);
            ASSERT_FALSE(pool().command({"CONFIG", "SET", "dir", gone}).is_error());
            std::filesystem::remove(gone);
            ASSERT_FALSE(pool().command({"CONFIG", "SET", "save", "1 1"}).is_error());
            pool().command({"BGSAVE"});
            ASSERT_TRUE(wait_until(
                [&] {
                    return store::classify_error(pool().command({"SET", "probe", "1"})) ==
                           store::RedisErrorKind::misconf;
                },
                10s))
                << "the snapshot did not fail";
        },
        [&] {
            // The disk is back; Redis's next snapshot (its retry after 5 s) succeeds by itself.
            ASSERT_FALSE(pool().command({"CONFIG", "SET", "dir", redis->dir()}).is_error());
        },
        f);
    print("redis MISCONF (snapshot failing, stop-writes-on-bgsave-error)", f);
}

// (f) The disk under DATA_DIR fills up while a resident sends a photo with a complaint.
class DataDirFull : public StorageFaults {
protected:
    void SetUp() override {
        data_dir_ = make_temp_dir("datadir");
        // A real full filesystem where the kernel lets us mount one: a 512 KiB tmpfs (root in a VM
        // or on bare metal, as CI's clean Debian 12 machine is). In a container without
        // CAP_SYS_ADMIN, DATA_DIR is instead swapped for a plain file when it should be full: every
        // write under it then fails (ENOTDIR), which the bot must handle the same way. The figures
        // say which one ran.
        tmpfs_ = ::mount("tmpfs", data_dir_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "size=512k,mode=0750") == 0;
        if (!tmpfs_) std::cerr << "no tmpfs (" << std::strerror(errno) << "): DATA_DIR made unwritable instead\n";
        StorageFaults::SetUp();
    }
    void TearDown() override {
        StorageFaults::TearDown();  // the bot first: it holds files there
        make_room();
        if (tmpfs_) ::umount2(data_dir_.c_str(), MNT_DETACH);
        std::error_code ignored;
        std::filesystem::remove_all(data_dir_, ignored);
    }
    std::map<std::string, std::string> bot_env() override { return {{"DATA_DIR", data_dir_}}; }

    // Fills the filesystem to the last byte (or swaps DATA_DIR for a file).
    void fill() {
        if (!tmpfs_) {
            std::filesystem::rename(data_dir_, data_dir_ + ".away");
            std::ofstream(data_dir_) << "not a directory";
            return;
        }
        int fd = ::open((data_dir_ + "/filler").c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        ASSERT_GE(fd, 0) << std::strerror(errno);
        const std::string chunk(4096, 'f');
        while (::write(fd, chunk.data(), chunk.size()) > 0) {
        }
        int why = errno;
        ::close(fd);
        ASSERT_EQ(why, ENOSPC) << std::strerror(why);
    }
    void make_room() {
        std::error_code ignored;
        if (!tmpfs_) {
            if (std::filesystem::is_regular_file(data_dir_, ignored)) {
                std::filesystem::remove(data_dir_, ignored);
                std::filesystem::rename(data_dir_ + ".away", data_dir_, ignored);
            }
            return;
        }
        std::filesystem::remove(data_dir_ + "/filler", ignored);
    }

    std::string data_dir_;
    bool tmpfs_ = false;
};

TEST_F(DataDirFull, PhotoIsRefusedPolitelyNothingAttachedThatWasNotStoredAndItWorksOnceThereIsRoom) {
    Resident resident(*bot, *line, {resident_id(100), ""});
    Resident::Plan to_photos;
    to_photos.text = kComplaint;
    to_photos.prefer = {"ขยะ"};
    to_photos.avoid = {"ยกเลิก", "แก้ไข", "ย้อนกลับ", "ข้าม"};
    std::string transcript;
    ASSERT_TRUE(resident.converse(std::regex("หากมีรูปถ่าย"), to_photos, &transcript)) << transcript;
    ASSERT_EQ(bot->get("/readyz").status, 200);

    auto fault_at = Clock::now();
    fill();
    auto body = wait_readyz(503);
    const long long readyz_503_ms = ms_since(fault_at);
    ASSERT_TRUE(body) << "/readyz still 200 with DATA_DIR full";
    EXPECT_NE(body->find("data_dir"), std::string::npos) << *body;
    if (tmpfs_) {
        EXPECT_NE(body->find("No space left on device"), std::string::npos) << *body;
    }

    // Two tries while full: a polite "not now", never "received".
    int told_try_later = 0, said_received = 0;
    for (int i = 0; i < 2; ++i) {
        std::string said = all_text(resident.send_image(sample_jpeg()));
        told_try_later += said.find(kPhotoTryLater) != std::string::npos;
        said_received += said.find("ได้รับรูป") != std::string::npos;
    }
    EXPECT_EQ(told_try_later, 2);
    EXPECT_EQ(said_received, 0) << "a photo that was not stored is never acknowledged";
    expect_logged_without_personal_data(tmpfs_ ? "No space left on device" : "cannot create media directory",
                                        {resident_id(100)});
    EXPECT_EQ(bot->get("/livez").status, 200);

    // Room again: ready by itself, and the same step takes the photo.
    auto room_at = Clock::now();
    make_room();
    EXPECT_TRUE(wait_readyz(200)) << "not ready again";
    const long long readyz_200_ms = ms_since(room_at);
    std::string said = all_text(resident.send_image(sample_jpeg()));
    EXPECT_NE(said.find(kPhotoReceived), std::string::npos) << said;

    // On to the summary (no location, no phone) and ยืนยัน.
    auto turn = resident.tap("เสร็จแล้ว");
    for (int i = 0; i < 6 && !has_button(turn, "ยืนยัน"); ++i) turn = resident.tap("ข้าม");
    std::smatch match;
    said = all_text(resident.tap("ยืนยัน"));
    ASSERT_TRUE(std::regex_search(said, match, kTicketId)) << said;
    const std::string id = match[1].str();
    store::RedisTicketStore tickets(pool(), "thesaban:", "PNK");
    auto ticket = tickets.get(id);
    ASSERT_TRUE(ticket);
    // Exactly the one photo that was stored, and its file is there.
    ASSERT_EQ(ticket->photo_tokens.size(), 1u);
    EXPECT_TRUE(std::filesystem::exists(data_dir_ + "/media/" + ticket->photo_tokens[0] + ".jpg"));
    std::cout << "[ figures  ] DATA_DIR full (" << (tmpfs_ ? "512 KiB tmpfs filled" : "DATA_DIR unwritable")
              << "): /readyz 503 " << readyz_503_ms << " ms after the fault, 200 " << readyz_200_ms
              << " ms after room was made; 2 photos sent while full, " << told_try_later << " told to try later, "
              << said_received << " acknowledged; then the photo was kept and the ticket filed with 1 photo\n";
}

// (g) deploy/backup-redis.sh while the bot runs, deploy/restore-redis.sh onto an empty Redis.
class BackupRestore : public StorageFaults {
protected:
    std::map<std::string, std::string> bot_env() override { return {{"TAX_ID_SALT", kSalt}}; }
    static constexpr const char* kSalt = "integration-test-salt-0123456789";

    static int run_script(const std::string& command_line, std::string& output) {
        output.clear();
        FILE* p = ::popen((command_line + " 2>&1").c_str(), "r");
        if (!p) return -1;
        char buffer[4096];
        while (std::size_t n = std::fread(buffer, 1, sizeof buffer, p)) output.append(buffer, n);
        int status = ::pclose(p);
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }

    // A key's content in a canonical form (members sorted: a set's DUMP depends on its hash table).
    static std::string content(store::RedisPool& pool, const std::string& key) {
        const std::string type = pool.command({"TYPE", key}).str;
        std::vector<std::string> items;
        auto add = [&](const store::RedisReply& reply) {
            for (const auto& e : reply.elements) items.push_back(e.str.empty() ? std::to_string(e.integer) : e.str);
        };
        if (type == "string") {
            items.push_back(pool.command({"GET", key}).str);
        } else if (type == "hash") {
            auto all = pool.command({"HGETALL", key});
            for (std::size_t i = 0; i + 1 < all.elements.size(); i += 2)
                items.push_back(all.elements[i].str + "=" + all.elements[i + 1].str);
            std::sort(items.begin(), items.end());
        } else if (type == "set") {
            add(pool.command({"SMEMBERS", key}));
            std::sort(items.begin(), items.end());
        } else if (type == "zset") {
            add(pool.command({"ZRANGE", key, "0", "-1", "WITHSCORES"}));
        } else if (type == "list") {
            add(pool.command({"LRANGE", key, "0", "-1"}));
        } else {
            items.push_back(pool.command({"DUMP", key}).str);
        }
        std::string out = type;
        for (const auto& item : items) out += "\n" + item;
        return out;
    }

    // Persistent keys (no TTL) and their content: what a restore must bring back exactly.
    static std::map<std::string, std::string> persistent_keys(store::RedisPool& pool) {
        std::map<std::string, std::string> out;
        std::string cursor = "0";
        do {
            auto page = pool.command({"SCAN", cursor, "COUNT", "1000"});
            cursor = page.elements.at(0).str;
            for (const auto& key : page.elements.at(1).elements)
                if (pool.command({"PTTL", key.str}).integer == -1) out[key.str] = content(pool, key.str);
        } while (cursor != "0");
        return out;
    }

    static std::string script(const char* name) { return std::string(THESABAN_SOURCE_DIR) + "/deploy/" + name; }
};

TEST_F(BackupRestore, TicketsTaxNoticesAndSubscriptionsAreBackOnAnEmptyRedis) {
    constexpr int kResidents = 3;
    // What a municipality has: tickets, imported tax notices, residents' subscriptions.
    std::vector<std::string> ticket_ids;
    for (int i = 0; i < kResidents; ++i) {
        Resident r(*bot, *line, {resident_id(200 + i), ""});
        Resident::Plan plan;
        plan.text = kComplaint;
        plan.prefer = {"ขยะ", "ข้าม", "ยืนยัน"};
        plan.avoid = {"ยกเลิก", "แก้ไข", "ย้อนกลับ"};
        std::string transcript;
        auto id = r.converse(kTicketId, plan, &transcript);
        ASSERT_TRUE(id) << transcript;
        ticket_ids.push_back(*id);
        r.say("รับข่าว");
        r.tap("ภาษี");
    }
    const std::string csv = make_temp_dir("tax") + "/notices.csv";
    std::ofstream(csv) << "notice_number,tax_year,tax_type,taxpayer_name,national_id,reference,amount,due_date\n"
                          "2569/00123,2569,land_building,นายสมชาย ใจดี,3-4599-00123-45-1,โฉนด 12345,1250,2099-04-30\n"
                          "2569/00124,2569,signboard,ร้านพรรณาการค้า,3459900123451,ป้ายหน้าร้าน,200,2099-04-30\n";
    std::string output;
    ASSERT_EQ(run_bot_command({"tax-import", csv, "--config", bot->config_path()}, output,
                              {{"REDIS_URL", redis->url()}, {"TAX_ID_SALT", kSalt}}),
              0)
        << output;
    store::RedisAnnouncementStore subscriptions(pool(), "thesaban:", {"general", "tax", "utilities", "disaster"});
    for (int i = 0; i < kResidents; ++i) ASSERT_EQ(subscriptions.subscriptions(resident_id(200 + i)).size(), 1u);

    // The backup, while Redis and the bot run.
    const std::string backups = make_temp_dir("backups");
    auto backup_at = Clock::now();
    ASSERT_EQ(run_script("REDIS_URL=" + redis->url() + " " + script("backup-redis.sh") + " " + backups, output), 0)
        << output;
    const long long backup_ms = ms_since(backup_at);
    std::string file;
    for (const auto& entry : std::filesystem::directory_iterator(backups)) file = entry.path().string();
    ASSERT_FALSE(file.empty()) << output;
    const auto before = persistent_keys(pool());
    EXPECT_EQ(bot->get("/readyz").status, 200) << "Redis kept serving";

    // An empty Redis, stopped: a machine rebuilt, or the data lost.
    RedisServer fresh;
    fresh.stop();
    const auto listing = [&] {
        std::set<std::string> names;
        for (const auto& e : std::filesystem::recursive_directory_iterator(fresh.dir())) names.insert(e.path());
        return names;
    };
    // Bad input first: a file that is not a Redis file is refused and nothing changes.
    const std::string not_rdb = backups + "/tickets.csv.rdb";
    std::ofstream(not_rdb) << "notice_number,tax_year\n";
    const auto untouched = listing();
    EXPECT_EQ(run_script(script("restore-redis.sh") + " " + not_rdb + " " + fresh.dir(), output), 1) << output;
    EXPECT_NE(output.find("not a Redis RDB file"), std::string::npos) << output;
    EXPECT_EQ(listing(), untouched);
    // And not while a redis-server runs in that directory.
    fresh.start();
    EXPECT_EQ(run_script(script("restore-redis.sh") + " " + file + " " + fresh.dir(), output), 1) << output;
    EXPECT_NE(output.find("stop it first"), std::string::npos) << output;
    fresh.stop();

    auto restore_at = Clock::now();
    ASSERT_EQ(run_script(script("restore-redis.sh") + " " + file + " " + fresh.dir(), output), 0) << output;
    fresh.start();
    const long long restore_ms = ms_since(restore_at);
    auto options = store::parse_redis_url(fresh.url());
    options.pool_size = 2;
    store::RedisPool restored(options);
    const auto after = persistent_keys(restored);
    EXPECT_EQ(after.size(), before.size());
    std::size_t same = 0;
    for (const auto& [key, value] : before) {
        auto it = after.find(key);
        if (it != after.end() && it->second == value)
            ++same;
        else
            ADD_FAILURE() << key << " not restored as it was";
    }

    // The bot on the restored Redis: every resident's ticket, the notices and the subscriptions.
    bot.reset();
    BotProcess::Options bot_options;
    bot_options.redis_url = fresh.url();
    bot_options.line_api_base_url = line->base_url();
    bot_options.env = {{"TAX_ID_SALT", kSalt}};
    bot = std::make_unique<BotProcess>(bot_options);
    bot->start();
    for (int i = 0; i < kResidents; ++i) {
        Resident r(*bot, *line, {resident_id(200 + i), ""});
        std::string said = all_text(r.say("ติดตามเรื่อง"));
        EXPECT_NE(said.find(ticket_ids[i]), std::string::npos) << "tracking shows " << ticket_ids[i] << ": " << said;
    }
    Resident taxpayer(*bot, *line, {resident_id(300), ""});
    taxpayer.say("ภาษี");
    taxpayer.tap("ตรวจยอด/ชำระ");
    taxpayer.say("2569/00123");
    std::string bill = all_text(taxpayer.say("3451"));
    EXPECT_NE(bill.find("1,250.00 บาท"), std::string::npos) << bill;
    store::RedisAnnouncementStore restored_subscriptions(restored,
                                                         "thesaban:", {"general", "tax", "utilities", "disaster"});
    int subscribed = 0;
    for (int i = 0; i < kResidents; ++i)
        subscribed += restored_subscriptions.subscriptions(resident_id(200 + i)).size() == 1;
    EXPECT_EQ(subscribed, kResidents);
    std::cout << "[ figures  ] backup while running " << backup_ms << " ms (" << std::filesystem::file_size(file)
              << " bytes), restore + start " << restore_ms << " ms; " << same << " of " << before.size()
              << " persistent keys back as they were; " << kResidents << " tickets tracked, 2 tax notices, "
              << subscribed << " subscriptions back; a non-RDB file and a running Redis refused\n";
}

}  // namespace
}  // namespace thesaban::testing
