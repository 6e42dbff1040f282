#pragma once

#include <netflix_charges/export.hpp>

#include <cstdint>

namespace netflix_charges {

// Marks the calls the calling thread makes while it lives as one request (the HTTP adapter
// opens one per request). A store may then check once per request, not once per call, that what
// it has cached is still current: the request sees the store as it was when it began, or later.
// Scopes nest: an inner one changes nothing.
class NETFLIX_CHARGES_EXPORT request_scope {
public:
    request_scope();
    ~request_scope();
    request_scope(const request_scope&) = delete;
    request_scope& operator=(const request_scope&) = delete;

    // The calling thread's current request (never reused), or 0 outside any.
    static std::uint64_t current() noexcept;

private:
    bool outermost_;
};

}  // namespace netflix_charges
