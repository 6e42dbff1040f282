#pragma once

#include <netflix_charges/operator_id.hpp>

#include <string>
#include <utility>

namespace netflix_charges {

class authenticator;

// Who makes an operator call, as a verified token says: the claims `usr`, `org` and `oun`.
// The operator calls of `charges_service` take it, so the operator always comes from the
// token and never from a request body, and the journal records this user and unit as the
// actor of every change the call makes.
//
// An identity cannot be brace-built from loose strings: an `authenticator` makes one when a
// token or password verifies, and a host that authenticated its caller by its own means (its
// sessions, a client certificate) says so by name with `vouched_for_by_host`.
class identity {
public:
    // The identity of a caller the host itself has authenticated; also what tests use.
    static identity vouched_for_by_host(std::string user, operator_id organisation, std::string unit = {})
    {
        return identity{std::move(user), std::move(organisation), std::move(unit)};
    }

    const std::string& user() const { return user_; }  // the user name, or the Web API key's id
    const operator_id& organisation() const { return organisation_; }
    const std::string& unit() const { return unit_; }  // the organisational unit; empty when none

    friend bool operator==(const identity& a, const identity& b)
    {
        return a.user_ == b.user_ && a.organisation_ == b.organisation_ && a.unit_ == b.unit_;
    }
    friend bool operator!=(const identity& a, const identity& b) { return !(a == b); }

private:
    friend class authenticator;  // its `verified` makes the identities of checked tokens

    identity(std::string user, operator_id organisation, std::string unit)
        : user_(std::move(user)), organisation_(std::move(organisation)), unit_(std::move(unit))
    {
    }

    std::string user_;
    operator_id organisation_;
    std::string unit_;
};

}  // namespace netflix_charges
