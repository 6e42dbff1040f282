#pragma once

// One SQLite connection of the store with its prepared statements, reused across calls.
// Used by one thread at a time (the store's pool hands it out).

#include <netflix_charges/sqlite_export.hpp>
#include <netflix_charges/charge.hpp>
#include <netflix_charges/charge_store.hpp>
#include <netflix_charges/sqlite_store.hpp>

#include "read_cache.hpp"
#include "wal_index_watch.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace netflix_charges::sqlite_detail {

// A charge with its row id, as read inside a write.
struct stored_charge {
    std::int64_t id = 0;
    charge value;
};

class connection {
public:
    connection(const std::string& path, const sqlite_options& options);

    SQLite::Database& database() { return db_; }

    std::optional<std::int64_t> find_operator(const std::string& name);
    std::int64_t insert_operator(const std::string& name);

    std::vector<stored_charge> charges_by_numbers(std::int64_t operator_row, const std::vector<std::string>& numbers);
    std::vector<reference_owner> owners_of(std::int64_t operator_row, const std::vector<std::string>& references);
    std::int64_t insert_charge(std::int64_t operator_row, const charge& c);
    // Writes the columns `update` changed, from the charge as it is `after` it.
    void update_charge(std::int64_t charge_row, const charge_update& update, const charge& after);
    void insert_reference(std::int64_t operator_row, const std::string& reference, std::int64_t charge_row);

    std::optional<charge> charge_by_number(std::int64_t operator_row, const std::string& number);
    std::optional<charge> charge_by_reference(std::int64_t operator_row, const std::string& reference);
    // Answered from the read cache while the database is unchanged.
    shared_charge_page list_unacknowledged(std::int64_t operator_row, status_class cls, std::int64_t offset,
                                           std::int64_t limit);
    bool is_token_revoked(const std::string& jti);

    // Called before this connection writes: its own commits do not change its data_version.
    void forget_cached_reads()
    {
        cache_.clear();
        validated_in_request_ = 0;
    }

private:
    SQLite::Database db_;
    SQLite::Statement find_operator_;
    SQLite::Statement insert_operator_;
    SQLite::Statement charges_by_numbers_;
    SQLite::Statement owners_of_;
    SQLite::Statement insert_charge_;
    SQLite::Statement update_status_;
    SQLite::Statement update_acknowledgement_;
    SQLite::Statement insert_reference_;
    SQLite::Statement charge_by_number_;
    SQLite::Statement charge_by_reference_;
    SQLite::Statement list_unacknowledged_;
    SQLite::Statement list_unacknowledged_after_;
    SQLite::Statement is_token_revoked_;
    SQLite::Statement data_version_;
    std::optional<wal_index_watch> wal_index_;  // once the connection has mapped its WAL index
    bool wal_index_looked_for_ = false;         // at the connection's first check
    read_cache cache_;
    std::uint64_t validated_in_request_ = 0;  // the request_scope of the last check, 0: none

    void validate_cache();
    read_cache::database_state database_state();
    std::int64_t read_data_version();
};

// The list queries, from the start and from an anchor (for a test that checks their plans are
// range scans of the list index).
NETFLIX_CHARGES_SQLITE_EXPORT std::string list_unacknowledged_sql();
NETFLIX_CHARGES_SQLITE_EXPORT std::string list_unacknowledged_after_sql();

// Opens `path` (creating it when absent) with the store's pragmas, ready for statements.
SQLite::Database open_database(const std::string& path, const sqlite_options& options);

}  // namespace netflix_charges::sqlite_detail
