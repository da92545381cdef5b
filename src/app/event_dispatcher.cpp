#include "app/event_dispatcher.h"

#include "core/log.h"

namespace thesaban::app {

EventDispatcher::EventDispatcher(std::size_t threads, Process process) : process_(std::move(process)) {
    for (std::size_t i = 0; i < threads; ++i) workers_.emplace_back([this] { worker_loop(); });
}

EventDispatcher::~EventDispatcher() { stop(); }

void EventDispatcher::dispatch(std::vector<line::Event> events) {
    {
        std::lock_guard lock(mutex_);
        for (auto& event : events) {
            if (!event.webhook_event_id.empty() && !known_event_ids_.insert(event.webhook_event_id).second) continue;
            // An event without a chat (e.g. a channel-level event) gets a queue of its own.
            std::string chat = event.source.chat_id();
            if (chat.empty()) chat = "event:" + event.webhook_event_id;
            auto& queue = chats_[chat];
            // A chat is in ready_ or being worked on exactly when its queue is non-empty.
            if (queue.empty()) ready_.push_back(chat);
            queue.push_back(std::move(event));
            ++outstanding_;
        }
    }
    work_ready_.notify_all();
}

void EventDispatcher::worker_loop() {
    std::unique_lock lock(mutex_);
    while (true) {
        work_ready_.wait(lock, [this] { return stopping_ || !ready_.empty(); });
        if (stopping_) return;
        std::string chat = std::move(ready_.front());
        ready_.pop_front();
        auto& queue = chats_[chat];
        const line::Event* event = &queue.front();
        lock.unlock();
        try {
            process_(*event);
        } catch (const std::exception& e) {
            // The event stays in the inbox; the next sweep tries again.
            log::error("dispatch", "event processing failed",
                       {{"event", event->webhook_event_id}, {"type", event->type}, {"error", e.what()}});
        }
        lock.lock();
        auto& same_queue = chats_[chat];
        known_event_ids_.erase(same_queue.front().webhook_event_id);
        same_queue.pop_front();
        if (same_queue.empty()) {
            chats_.erase(chat);
        } else {
            ready_.push_back(chat);  // to the back: one busy chat cannot starve the others
            work_ready_.notify_one();
        }
        if (--outstanding_ == 0) idle_.notify_all();
    }
}

bool EventDispatcher::drain(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return idle_.wait_for(lock, timeout, [this] { return outstanding_ == 0; });
}

void EventDispatcher::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ && workers_.empty()) return;
        stopping_ = true;
    }
    work_ready_.notify_all();
    for (auto& worker : workers_)
        if (worker.joinable()) worker.join();
    workers_.clear();
}

std::size_t EventDispatcher::queued() const {
    std::lock_guard lock(mutex_);
    return outstanding_;
}

}  // namespace thesaban::app
