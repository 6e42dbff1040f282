#include <netflix_charges/authenticator.hpp>

namespace netflix_charges {

std::string_view to_string(token_rejection r)
{
    switch (r) {
    case token_rejection::none: return "accepted";
    case token_rejection::malformed: return "malformed";
    case token_rejection::wrong_part_count: return "not three parts";
    case token_rejection::bad_base64url: return "bad base64url";
    case token_rejection::unsupported_algorithm: return "algorithm other than HS256";
    case token_rejection::unknown_key: return "unknown signing key";
    case token_rejection::bad_signature: return "bad signature";
    case token_rejection::expired: return "expired";
    case token_rejection::issued_in_future: return "issued in the future";
    case token_rejection::revoked: return "released";
    }
    return "unknown";
}

error token_refusal(token_rejection r)
{
    switch (r) {
    case token_rejection::expired: return error{errc::unauthenticated, "token", "has expired: log in again"};
    case token_rejection::revoked: return error{errc::unauthenticated, "token", "was released: log in again"};
    default: return error{errc::unauthenticated, "token", "is not valid"};
    }
}

}  // namespace netflix_charges
