#pragma once

#include <netflix_charges/export.hpp>
#include <netflix_charges/authenticator.hpp>
#include <netflix_charges/clock.hpp>
#include <netflix_charges/credential_store.hpp>
#include <netflix_charges/log.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

namespace netflix_charges {

// A signing secret given by configuration.
struct signing_key {
    std::string kid;
    std::string secret;  // at least 32 bytes
};

struct jwt_options {
    // Configured secrets: the first signs, all verify (list the previous one second while
    // rotating). Empty: a 32-byte secret is generated once and kept in the store, so restarts
    // and other processes on the same store accept the same tokens.
    std::vector<signing_key> signing_keys;
    // How long a token lives from issue, used or not (CRM.COM: two hours).
    std::chrono::seconds lifetime{7200};
    // How far in the future a token's `iat` may be (other clocks run ahead a little).
    std::chrono::seconds clock_skew{60};
    // PBKDF2-HMAC-SHA256 iterations for new password hashes (OWASP 2023: 600,000). Stored in
    // each hash, so raising it later keeps old passwords working.
    int password_iterations = 600000;
    // How many password checks (each a PBKDF2 hash) may run at once; a login beyond them is
    // refused at once with `errc::server_busy`, so that wrong passwords sent in a loop cannot
    // take every thread of a server. 0: half the machine's hardware threads, at least 1.
    std::size_t password_checks_at_once = 0;
    log_sink log;
};

// A Web API key, shown once when it is made; only its digest is kept.
struct new_api_key {
    std::string key_id;
    std::string key;
};

// The built-in authenticator: HS256 JWTs with the claims `usr`, `org`, `oun`, `iat`, `exp`,
// `jti` (as CRM.COM's), users with salted PBKDF2 password hashes, Web API keys kept as SHA-256
// digests, and released tokens remembered in the store until they expire.
//
// **Example**:
//   netflix_charges::sqlite_store store{"charges.db"};
//   netflix_charges::jwt_authenticator auth{store};
//   auth.add_user(netflix_charges::operator_id{"ps_dev"}, "billing", "1", "a long password");
//   auto token = auth.login("billing", "a long password", "ps_dev", std::nullopt).token;
class NETFLIX_CHARGES_EXPORT jwt_authenticator final : public authenticator {
public:
    // Neither the store nor the clock is owned.
    explicit jwt_authenticator(credential_store& store, jwt_options options = {},
                               const clock& time_source = default_clock());
    ~jwt_authenticator() override;
    jwt_authenticator(const jwt_authenticator&) = delete;
    jwt_authenticator& operator=(const jwt_authenticator&) = delete;

    issued_token login(const std::string& username, const std::string& password, const std::string& organisation,
                       const std::optional<std::string>& unit) override;
    issued_token login_with_key(const std::string& web_api_key, const std::optional<std::string>& unit) override;
    token_check verify(std::string_view token) override;
    void release(std::string_view token) override;

    // --- accounts (the sample server's `user add` and `key add|list|revoke`) ---

    // Throws error{errc::invalid_parameter} for a malformed name or unit, a password shorter
    // than 8 bytes, or a user name the operator already has.
    void add_user(const operator_id& op, const std::string& username, const std::string& unit,
                  const std::string& password);
    new_api_key create_api_key(const operator_id& op, const std::string& unit);
    std::vector<api_key_record> api_keys(const operator_id& op);
    // False when the operator has no such key.
    bool revoke_api_key(const operator_id& op, const std::string& key_id);

    // A new generated signing key, kept in the store; tokens signed before still verify.
    // Only for stored keys: with configured keys, rotate them in the configuration.
    void rotate_signing_key();

private:
    static const clock& default_clock();

    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace netflix_charges
