#pragma once
// What every handler sees: the event (plain typed data) and a Responder to answer the chat with
// LINE message objects. No sockets, no HTTP, no Redis client: handlers are pure conversation logic.
#include <string>
#include <vector>

#include "line/webhook.h"

namespace thesaban::handlers {

class Responder {
public:
    virtual ~Responder() = default;
    // Answers the chat the event came from (the reply token is used once for all answers).
    virtual void send(std::string message_json) = 0;
};

// Collects answers in order; the application delivers them after the handler returns.
class CollectingResponder final : public Responder {
public:
    void send(std::string message_json) override { messages.push_back(std::move(message_json)); }
    std::vector<std::string> messages;
};

class EventHandler {
public:
    virtual ~EventHandler() = default;
    // True when this handler took the event; the next handler is asked otherwise.
    virtual bool handle(const line::Event& event, Responder& out) = 0;
};

}  // namespace thesaban::handlers
