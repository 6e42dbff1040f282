#pragma once

#include <netflix_charges/export.hpp>
#include <netflix_charges/clock.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

namespace netflix_charges {

struct login_throttle_options {
    // Failed logins of one user from one address before it waits: after the 5th, its next
    // login waits `first_delay`, and after each further failure twice as long, up to
    // `longest_delay`.
    std::size_t free_failures_per_user = 5;
    // The same for one address, whatever the users (password spraying).
    std::size_t free_failures_per_address = 20;
    std::chrono::seconds first_delay{1};
    std::chrono::seconds longest_delay{300};
    // A count is forgotten this long after its last failure.
    std::chrono::seconds forget_after{900};
    // Counts kept (pairs and addresses together); past it the stalest is forgotten first.
    std::size_t most_counts = 10000;
};

// Slows down repeated failed password logins: by user from one address, and by address. It
// never counts a user alone, so nobody can lock a user out from elsewhere: the real user,
// from another address, logs in as always. A login that must wait is refused without checking
// the password. Thread-safe. The HTTP handler uses one for its password logins.
//
// **Example**:
//   netflix_charges::login_throttle throttle;
//   if (auto wait = throttle.wait_before("ps_dev/billing", "203.0.113.9")) { /* refuse: retry after *wait */ }
class NETFLIX_CHARGES_EXPORT login_throttle {
public:
    // The clock is not owned.
    explicit login_throttle(login_throttle_options options = {}, const clock& time_source = default_clock());
    ~login_throttle();
    login_throttle(const login_throttle&) = delete;
    login_throttle& operator=(const login_throttle&) = delete;

    // Nothing when a login of `user` from `address` may be tried now; otherwise how long until
    // it may (at least a second).
    std::optional<std::chrono::seconds> wait_before(const std::string& user, const std::string& address);

    // A login of `user` from `address` was refused for its credentials.
    void failed(const std::string& user, const std::string& address);

    // A login of `user` from `address` succeeded: that pair's count is forgotten (the
    // address's is not, or one valid account would clear a sprayer's count).
    void succeeded(const std::string& user, const std::string& address);

    static const clock& default_clock();

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace netflix_charges
