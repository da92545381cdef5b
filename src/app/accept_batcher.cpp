#include "app/accept_batcher.h"

#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "runtime/event_loops.h"
#include "store/async_redis.h"

namespace thesaban::app {
namespace net = boost::asio;

AcceptBatcher::AcceptBatcher(runtime::Loop& loop, store::LeasedQueue& inbox, NowMs now_ms)
    : loop_(loop), inbox_(inbox), now_ms_(now_ms) {}

net::awaitable<std::vector<store::Admission>> AcceptBatcher::accept(std::vector<store::InboxRecord> records) {
    co_return co_await net::async_initiate<decltype(net::use_awaitable),
                                           void(std::exception_ptr, std::vector<store::Admission>)>(
        [this](auto handler, std::vector<store::InboxRecord> r) { enqueue(std::move(r), Handler(std::move(handler))); },
        net::use_awaitable, std::move(records));
}

void AcceptBatcher::enqueue(std::vector<store::InboxRecord> records, Handler handler) {
    waiters_.push_back({records_.size(), records.size(), std::move(handler)});
    for (auto& r : records) records_.push_back(std::move(r));
    if (flush_posted_) return;
    // Whatever else this loop turn accepts joins the same call.
    flush_posted_ = true;
    net::post(loop_.ioc, [this] { flush(); });
}

void AcceptBatcher::flush() {
    flush_posted_ = false;
    auto records = std::move(records_);
    auto waiters = std::make_shared<std::vector<Waiter>>(std::move(waiters_));
    records_.clear();
    waiters_.clear();
    if (!loop_.redis || !loop_.redis->connected()) {
        auto error = std::make_exception_ptr(store::RedisUnavailable("redis not connected"));
        for (auto& w : *waiters) std::move(w.handler)(error, std::vector<store::Admission>{});
        return;
    }
    ++calls_;
    auto call = inbox_.accept_call(records, now_ms_());
    std::size_t count = records.size();
    loop_.redis->eval(*call.script, std::move(call.keys), std::move(call.args),
                      [this, waiters, count](boost::system::error_code ec, store::RedisReply reply) {
                          std::exception_ptr error;
                          std::vector<store::Admission> admissions;
                          try {
                              if (ec) throw store::RedisUnavailable("redis: " + ec.message());
                              admissions = store::LeasedQueue::read_accept(reply, count, &pending_seen_);
                              pending_seen_at_ms_ = now_ms_();
                          } catch (...) {
                              error = std::current_exception();
                          }
                          for (auto& w : *waiters) {
                              std::vector<store::Admission> slice;
                              if (!error)
                                  slice.assign(admissions.begin() + static_cast<long>(w.first),
                                               admissions.begin() + static_cast<long>(w.first + w.count));
                              std::move(w.handler)(error, std::move(slice));
                          }
                      });
}

}  // namespace thesaban::app
