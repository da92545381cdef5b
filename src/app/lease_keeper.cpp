#include "app/lease_keeper.h"

#include <boost/asio/post.hpp>

#include "app/chat_runner.h"
#include "app/webhook_endpoint.h"
#include "core/log.h"
#include "runtime/event_loops.h"
#include "runtime/fiber.h"

namespace thesaban::app {
namespace {
constexpr std::size_t kTakeOverBatch = 200;
}

LeaseKeeper::LeaseKeeper(runtime::EventLoops& loops, store::LeasedInbox& inbox, ChatRunner& runner)
    : loops_(loops), inbox_(inbox), runner_(runner) {}

void LeaseKeeper::start() {
    auto& loop = loops_.at(0);
    boost::asio::post(loop.ioc, [this, &loop] { runtime::spawn_fiber(loop, [this] { keep(); }); });
}

void LeaseKeeper::keep() {
    const auto interval = std::max(inbox_.lease_ttl() / 4, std::chrono::milliseconds(50));
    bool reachable = true;
    bool adopted = false;
    while (!stopping_) {
        try {
            inbox_.heartbeat();
            if (!adopted) {
                std::size_t moved = 0;
                while (std::size_t n = inbox_.adopt_legacy(500)) moved += n;
                if (moved) log::info("events", "events from the previous release's inbox adopted",
                                     {{"count", std::to_string(moved)}});
                adopted = true;
            }
            beating_ = true;
            if (!reachable) log::info("events", "inbox reachable again");
            reachable = true;
            for (;;) {
                auto chats = inbox_.take_over(now_ms(), kTakeOverBatch);
                if (chats.empty()) break;
                log::info("events", "taking over chats left unfinished", {{"count", std::to_string(chats.size())}});
                for (auto& leased : chats) {
                    auto& loop = loops_.next();
                    boost::asio::post(loop.ioc, [this, &loop, leased = std::move(leased)]() mutable {
                        runner_.resume(loop, std::move(leased));
                    });
                }
                if (chats.size() < kTakeOverBatch) break;
            }
        } catch (const std::exception& e) {
            beating_ = false;
            if (reachable) log::warn("events", "inbox not reachable", {{"error", e.what()}});
            reachable = false;
        }
        runtime::sleep_for(interval);
    }
}

void LeaseKeeper::stop_and_resign() {
    stopping_ = true;
    try {
        // Off the loops (shutdown thread): the blocking connection serves it.
        inbox_.resign();
    } catch (const std::exception& e) {
        log::warn("events", "could not give up the leases; they lapse by themselves", {{"error", e.what()}});
    }
}

}  // namespace thesaban::app
