#pragma once

// The store a --db value names: a postgresql:// (or postgres://) URL opens the PostgreSQL
// store, anything else is a SQLite database file (the default).

#include <netflix_charges/charge_store.hpp>
#include <netflix_charges/credential_store.hpp>

#include <memory>
#include <string>

namespace sample_server {

// Whether a --db value is a PostgreSQL URL rather than a SQLite file.
bool is_postgres_url(const std::string& db);

class opened_store {
public:
    explicit opened_store(const std::string& db);
    ~opened_store();

    netflix_charges::charge_store& charges() { return *charges_; }
    netflix_charges::credential_store& credentials() { return *credentials_; }

private:
    std::shared_ptr<void> owner_;  // the store, whichever it is
    netflix_charges::charge_store* charges_ = nullptr;
    netflix_charges::credential_store* credentials_ = nullptr;
};

}  // namespace sample_server
