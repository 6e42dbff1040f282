#pragma once

#include <netflix_charges/export.hpp>
#include <netflix_charges/calendar.hpp>
#include <netflix_charges/operator_id.hpp>

#include <optional>
#include <string>
#include <vector>

namespace netflix_charges {

// A user of an operator who logs in with a password.
struct user_record {
    operator_id organisation;
    std::string username;
    std::string unit;
    std::string password_hash;  // a salted, slow hash (see jwt_authenticator), never the password
};

// An operator's Web API key, kept only as its SHA-256 digest.
struct api_key_record {
    std::string key_id;  // public: shown in lists, used to revoke
    operator_id organisation;
    std::string unit;
    std::string digest;  // hex SHA-256 of the key
    timestamp created_on;
    std::optional<timestamp> revoked_on;
};

// A secret that signs tokens, named by the `kid` in their header.
struct signing_key_record {
    std::string kid;
    std::string secret;  // raw bytes
    timestamp created_on;
};

// The storage port for accounts and tokens. The in-memory and SQLite stores implement it
// next to charge_store. Faults are `netflix_charges::error` with `errc::storage_failure`.
class NETFLIX_CHARGES_EXPORT credential_store {
public:
    virtual ~credential_store() = default;

    // False, and nothing changed, when the operator already has a user of that name.
    virtual bool insert_user(const user_record& user) = 0;
    virtual std::optional<user_record> find_user(const operator_id& op, const std::string& username) = 0;

    virtual void insert_api_key(const api_key_record& key) = 0;
    virtual std::optional<api_key_record> find_api_key(const std::string& digest) = 0;
    virtual std::vector<api_key_record> api_keys(const operator_id& op) = 0;
    // False when the operator has no such key; revoking a revoked key keeps the first time.
    virtual bool revoke_api_key(const operator_id& op, const std::string& key_id, timestamp on) = 0;

    // Remembers a released token until it would have expired anyway; forgets those that have.
    virtual void revoke_token(const std::string& jti, timestamp expires_on, timestamp now) = 0;
    virtual bool is_token_revoked(const std::string& jti) = 0;

    // Every signing key, newest first. When there is none, `first` is stored (atomically: of
    // several processes starting at once, one key wins) and returned.
    virtual std::vector<signing_key_record> signing_keys(const signing_key_record& first) = 0;
    // A new key: it signs from now on; the older ones still verify.
    virtual void add_signing_key(const signing_key_record& key) = 0;
};

}  // namespace netflix_charges
