// Sanitizer builds only (CMakeLists.txt defines BOOST_USE_UCONTEXT with BOOST_USE_ASAN): Boost.Context's
// ucontext fibers are header-only but for the per-thread "current fiber" record, which Boost
// compiles into libboost_context only when the library itself is built for ucontext. Debian's is
// built for fcontext, so the record is defined here, as in Boost 1.81's libs/context/src/fiber.cpp.
#if defined(BOOST_USE_UCONTEXT)
#include <boost/context/fiber.hpp>

namespace boost::context::detail {

namespace {
thread_local fiber_activation_record* current_record = nullptr;
thread_local std::size_t initializers = 0;
}  // namespace

fiber_activation_record_initializer::fiber_activation_record_initializer() noexcept {
    if (0 == initializers++) current_record = new fiber_activation_record();
}

fiber_activation_record_initializer::~fiber_activation_record_initializer() {
    if (0 == --initializers) {
        delete current_record;
        current_record = nullptr;
    }
}

fiber_activation_record*& fiber_activation_record::current() noexcept {
    // The thread's own (main) context is created the first time a fiber is used on the thread.
    thread_local static fiber_activation_record_initializer initializer;
    return current_record;
}

}  // namespace boost::context::detail
#endif
