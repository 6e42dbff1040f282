#pragma once

#include <netflix_charges/export.hpp>
#include <netflix_charges/calendar.hpp>
#include <netflix_charges/errors.hpp>
#include <netflix_charges/identity.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace netflix_charges {

// Why a token was refused. Callers answer every one the same way (UNAUTHENTICATED); the
// reason is for logs and tests.
enum class token_rejection {
    none,                   // accepted
    malformed,              // not a JWT of ours: bad JSON, a claim missing or of the wrong type
    wrong_part_count,       // not three dot-separated parts
    bad_base64url,          // a part is not canonical base64url
    unsupported_algorithm,  // `alg` other than HS256, `none` included
    unknown_key,            // a `kid` no signing key has
    bad_signature,          // the HMAC does not match
    expired,                // `exp` has passed
    issued_in_future,       // `iat` is later than now plus the allowed clock skew
    revoked,                // released
};

NETFLIX_CHARGES_EXPORT std::string_view to_string(token_rejection r);

// The UNAUTHENTICATED error for a refused token, about the field `token`, as a client may be
// told it: an expired or released token says so (log in again); any other reason is "is not
// valid", so that a forger learns nothing from the answer.
NETFLIX_CHARGES_EXPORT error token_refusal(token_rejection r);

struct token_check {
    std::optional<identity> who;  // set exactly when accepted
    token_rejection rejection = token_rejection::none;
};

struct issued_token {
    std::string token;
    identity who;
    timestamp expires_on;
};

// The three ways in of CRM.COM (authentication/token, authentication/web_api_key/token,
// authentication/token/release) and the check of a token on every call. A host CRM with its
// own identity system implements this; `jwt_authenticator` is the built-in one.
class NETFLIX_CHARGES_EXPORT authenticator {
public:
    virtual ~authenticator() = default;

    // User name, password and organisation (the operator), and optionally the unit.
    // Throws error{errc::invalid_credentials} when any of them is wrong.
    virtual issued_token login(const std::string& username, const std::string& password,
                               const std::string& organisation, const std::optional<std::string>& unit) = 0;

    // An operator's Web API key (HTTP Basic user name). Throws error{errc::invalid_credentials}
    // for an unknown or revoked key, or a unit other than the key's.
    virtual issued_token login_with_key(const std::string& web_api_key, const std::optional<std::string>& unit) = 0;

    virtual token_check verify(std::string_view token) = 0;

    // The token stops working at once. Throws error{errc::unauthenticated} when it does not
    // verify (already released, expired, forged).
    virtual void release(std::string_view token) = 0;

protected:
    // The identity of claims this authenticator has just verified.
    static identity verified(std::string user, operator_id organisation, std::string unit)
    {
        return identity{std::move(user), std::move(organisation), std::move(unit)};
    }
};

}  // namespace netflix_charges
