#pragma once

#include <netflix_charges/operator_id.hpp>

#include <string>

namespace netflix_charges {

// Who makes an operator call, as a verified token says: the claims `usr`, `org` and `oun`.
// The operator calls of `charges_service` take it, so the operator always comes from the
// token and never from a request body.
struct identity {
    std::string user;
    operator_id organisation;
    std::string unit;  // the organisational unit; empty when the account has none
};

}  // namespace netflix_charges
