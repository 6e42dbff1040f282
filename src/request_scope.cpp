#include <netflix_charges/request_scope.hpp>

#include <atomic>

namespace netflix_charges {

namespace {

std::atomic<std::uint64_t> last_request{0};
thread_local std::uint64_t current_request = 0;

}  // namespace

request_scope::request_scope() : outermost_(current_request == 0)
{
    if (outermost_) current_request = ++last_request;
}

request_scope::~request_scope()
{
    if (outermost_) current_request = 0;
}

std::uint64_t request_scope::current() noexcept { return current_request; }

}  // namespace netflix_charges
