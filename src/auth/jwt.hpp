#pragma once

// HS256 JSON Web Tokens with CRM.COM's claims: encoding, and the checks of form, algorithm
// and signature. Expiry and revocation are the authenticator's.

#include <netflix_charges/export.hpp>
#include <netflix_charges/authenticator.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace netflix_charges::jwt {

struct claims {
    std::string usr;
    std::string org;
    std::string oun;
    std::int64_t iat = 0;  // Unix seconds
    std::int64_t exp = 0;
    std::string jti;
};

std::string encode(const claims& c, std::string_view kid, std::string_view secret);

struct decoded {
    token_rejection rejection = token_rejection::none;
    claims values;  // read only when the signature matched
};

// The secret for a header's `kid` (nothing when the header has none), or nothing when unknown.
using key_lookup = std::function<std::optional<std::string>(const std::optional<std::string>& kid)>;

// Three base64url parts; a JSON header with `alg` exactly "HS256"; a known key; a matching
// signature (constant-time); then the claims: `usr`, `org`, `jti` non-empty strings, `oun` a
// string or number, `iat` and `exp` numbers or numeric strings.
decoded decode(std::string_view token, const key_lookup& key_for);

// The claims of a token whose signature is not checked: for tests and diagnostics only.
NETFLIX_CHARGES_EXPORT std::optional<claims> read_claims_unverified(std::string_view token);  // exported for the white-box tests

}  // namespace netflix_charges::jwt
