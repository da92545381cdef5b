#include "app/lease_keeper.h"

#include <boost/asio/post.hpp>

#include <algorithm>

#include "app/webhook_endpoint.h"
#include "core/log.h"
#include "runtime/event_loops.h"
#include "runtime/fiber.h"

namespace thesaban::app {
namespace {
constexpr std::size_t kTakeOverBatch = 200;
}

LeaseKeeper::LeaseKeeper(runtime::EventLoops& loops, std::vector<Queue> queues)
    : loops_(loops), queues_(std::move(queues)) {}

void LeaseKeeper::start() {
    auto& loop = loops_.at(0);
    boost::asio::post(loop.ioc, [this, &loop] { runtime::spawn_fiber(loop, [this] { keep(); }); });
}

void LeaseKeeper::keep() {
    auto shortest = std::chrono::milliseconds::max();
    for (const auto& q : queues_) shortest = std::min(shortest, q.queue->lease_ttl());
    const auto interval = std::max(shortest / 4, std::chrono::milliseconds(50));
    bool reachable = true;
    bool adopted = false;
    while (!stopping_) {
        try {
            for (auto& q : queues_) q.queue->heartbeat();
            if (!adopted) {
                for (auto& q : queues_) {
                    if (!q.adopt_legacy) continue;
                    std::size_t moved = 0;
                    while (std::size_t n = q.adopt_legacy()) moved += n;
                    if (moved)
                        log::info("events", "work from the previous release adopted",
                                  {{"queue", q.name}, {"count", std::to_string(moved)}});
                }
                adopted = true;
            }
            beating_ = true;
            if (!reachable) log::info("events", "leased queues reachable again");
            reachable = true;
            for (auto& q : queues_) take_over(q);
        } catch (const std::exception& e) {
            beating_ = false;
            if (reachable) log::warn("events", "leased queues not reachable", {{"error", e.what()}});
            reachable = false;
        }
        runtime::sleep_for(interval);
    }
}

void LeaseKeeper::take_over(Queue& q) {
    for (;;) {
        auto items = q.queue->take_over(now_ms(), kTakeOverBatch);
        if (items.empty()) return;
        log::info("events", "taking over work left unfinished", {{"queue", q.name}, {"count", std::to_string(items.size())}});
        for (auto& leased : items) {
            auto& loop = loops_.next();
            boost::asio::post(loop.ioc, [&q, &loop, leased = std::move(leased)]() mutable {
                q.resume(loop, std::move(leased));
            });
        }
        if (items.size() < kTakeOverBatch) return;
    }
}

void LeaseKeeper::stop_and_resign() {
    stopping_ = true;
    for (auto& q : queues_) {
        try {
            // Off the loops (shutdown thread): the blocking connection serves it.
            q.queue->resign();
        } catch (const std::exception& e) {
            log::warn("events", "could not give up the leases; they lapse by themselves",
                      {{"queue", q.name}, {"error", e.what()}});
        }
    }
}

}  // namespace thesaban::app
