#pragma once
// For an HTTP endpoint (a C++20 coroutine on a loop) whose work is synchronous store code: runs the
// work as a fiber on the same loop, so its Redis calls go out on the loop's connection, and resumes
// the endpoint when it is done. No thread hop, no pool.
#include <boost/asio/awaitable.hpp>

#include <functional>

namespace thesaban::runtime {

// Rethrows the work's exception in the awaiting coroutine. Must be awaited on a loop's thread.
boost::asio::awaitable<void> on_fiber(std::function<void()> work);

}  // namespace thesaban::runtime
