#pragma once

// What the fuzz targets share: a failed invariant aborts (libFuzzer then keeps the input), and
// the operator, user and token that inputs may use through the placeholder {T}.

#include <netflix_charges/jwt_authenticator.hpp>
#include <netflix_charges/memory_store.hpp>
#include <netflix_charges/testing.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace fuzz_support {

inline void require(bool condition, const char* what)
{
    if (condition) return;
    std::fprintf(stderr, "invariant broken: %s\n", what);
    std::abort();
}

// A clock stopped at a fixed moment, and a configured signing key: the same token verifies in
// every fresh credential store, so each input can start from clean stores.
inline const netflix_charges::testing::fixed_clock& fixed_time()
{
    static const netflix_charges::testing::fixed_clock time{netflix_charges::testing::at("2026-03-01T10:00:00")};
    return time;
}

inline netflix_charges::jwt_options options()
{
    netflix_charges::jwt_options o;
    o.signing_keys = {{"fuzz", std::string(32, 'k')}};
    o.password_iterations = 1000;
    return o;
}

// The operator "ps_dev" with its user "billing" (password "correct horse"), in `store`.
inline void add_billing_user(netflix_charges::memory_store& store)
{
    static const std::string hash = [] {
        netflix_charges::memory_store scratch;
        netflix_charges::jwt_authenticator auth{scratch, options(), fixed_time()};
        auth.add_user(netflix_charges::operator_id{"ps_dev"}, "billing", "1", "correct horse");
        return scratch.find_user(netflix_charges::operator_id{"ps_dev"}, "billing")->password_hash;
    }();
    store.insert_user({netflix_charges::operator_id{"ps_dev"}, "billing", "1", hash});
}

// A valid token of that user.
inline const std::string& token()
{
    static const std::string issued = [] {
        netflix_charges::memory_store store;
        add_billing_user(store);
        netflix_charges::jwt_authenticator auth{store, options(), fixed_time()};
        return auth.login("billing", "correct horse", "ps_dev", std::nullopt).token;
    }();
    return issued;
}

inline std::string with_token(std::string text)
{
    for (auto at = text.find("{T}"); at != std::string::npos; at = text.find("{T}", at + token().size()))
        text.replace(at, 3, token());
    return text;
}

}  // namespace fuzz_support
