// Fuzz target: any bytes as a token, through jwt_authenticator::verify (base64url, the JWT
// header and claims as JSON, the signature, expiry, release). Invariant: only the token the
// target issued itself is accepted, and then for its own user and operator.
#include "fuzz_support.hpp"

#include <cstdint>

namespace nc = netflix_charges;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    static nc::memory_store store;
    static nc::jwt_authenticator auth{store, fuzz_support::options(), fuzz_support::fixed_time()};
    const std::string token = fuzz_support::with_token(std::string{reinterpret_cast<const char*>(data), size});
    const auto checked = auth.verify(token);
    if (!checked.who) {
        fuzz_support::require(checked.rejection != nc::token_rejection::none, "a refusal says why");
        return 0;
    }
    fuzz_support::require(token == fuzz_support::token(), "only the issued token verifies");
    fuzz_support::require(checked.who->organisation() == nc::operator_id{"ps_dev"} && checked.who->user() == "billing",
                          "a verified token names its own user");
    return 0;
}
