#pragma once
// A ticket as one JSON blob, the form it is kept in Redis. Every field round-trips, history,
// followers and location included; Thai text, quotes and control characters are escaped by RapidJSON.
#include <optional>
#include <string>
#include <string_view>

#include "tickets/ticket.h"

namespace thesaban::store {

// The "id" member is always written first: the create script splices the id it allocates into
// a blob serialised with an empty id (see kTicketJsonEmptyIdHead).
std::string ticket_to_json(const tickets::Ticket& ticket);
// nullopt when the text is not a ticket (not JSON, no id, unknown status).
std::optional<tickets::Ticket> ticket_from_json(std::string_view text);

inline constexpr std::string_view kTicketJsonEmptyIdHead = R"({"id":"")";

}  // namespace thesaban::store
