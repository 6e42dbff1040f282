#pragma once

// One SQLite connection of the store with its prepared statements, reused across calls.
// Used by one thread at a time (the store's pool hands it out).

#include <netflix_charges/sqlite_export.hpp>
#include <netflix_charges/charge.hpp>
#include <netflix_charges/charge_store.hpp>
#include <netflix_charges/sqlite_store.hpp>

#include "../backlog_change.hpp"
#include "../stamped_cache.hpp"
#include "multi_row_statement.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace netflix_charges::sqlite_detail {

// A charge with its row id, as read inside a write.
struct stored_charge {
    std::int64_t id = 0;
    charge value;
};

// A charge of a write's snapshot as the write leaves it, and which of its columns it changed.
struct changed_charge {
    std::int64_t row = 0;
    const charge* after = nullptr;
    bool status = false;           // the status, its dates and the decision
    bool acknowledgement = false;  // acknowledged_on and its reference
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
    // Writes the changed columns of each charge (a charge at most once; one that changed
    // nothing is left alone), a statement for every 50 charges.
    void update_charges(const std::vector<changed_charge>& changes);
    // Gives each charge row its reference number; one already given is left as it is.
    void insert_references(std::int64_t operator_row, const std::vector<std::pair<std::string, std::int64_t>>& rows);

    std::optional<charge> charge_by_number(std::int64_t operator_row, const std::string& number);
    std::optional<charge> charge_by_reference(std::int64_t operator_row, const std::string& reference);
    // The unacknowledged charges of a status class in list order, after position `after`
    // (from the start when null), skipping `skip`, at most `limit`.
    std::vector<charge> list_unacknowledged(std::int64_t operator_row, status_class cls,
                                            const detail::list_position* after, std::int64_t skip, std::int64_t limit);
    bool is_token_revoked(const std::string& jti);

    // Gives `entries` the operator's next sequence numbers, in order, appends them, and counts
    // `change` into the operator's backlog.
    void record_write(std::int64_t operator_row, const std::vector<journal_entry>& entries,
                      const detail::backlog_change& change);
    std::vector<operator_backlog> backlogs();
    std::vector<journal_entry> journal(std::int64_t operator_row, std::int64_t after, std::int64_t limit);
    // Calls `each` with the charges received in [from, until), in list order, one row at a time.
    void for_each_received(std::int64_t operator_row, timestamp from, timestamp until,
                           const std::function<void(const charge&)>& each);

private:
    SQLite::Database db_;
    SQLite::Statement find_operator_;
    SQLite::Statement insert_operator_;
    SQLite::Statement charges_by_numbers_;
    SQLite::Statement owners_of_;
    SQLite::Statement insert_charge_;
    multi_row_statement update_statuses_;
    multi_row_statement update_acknowledgements_;
    multi_row_statement insert_references_;
    SQLite::Statement charge_by_number_;
    SQLite::Statement charge_by_reference_;
    SQLite::Statement list_unacknowledged_;
    SQLite::Statement list_unacknowledged_after_;
    SQLite::Statement is_token_revoked_;
    SQLite::Statement count_write_;
    multi_row_statement append_journal_;
    SQLite::Statement journal_;
    SQLite::Statement received_;
    SQLite::Statement backlogs_;
};

// The list queries, from the start and after a position (for a test that checks their plans are
// range scans of the list index).
NETFLIX_CHARGES_SQLITE_EXPORT std::string list_unacknowledged_sql();
NETFLIX_CHARGES_SQLITE_EXPORT std::string list_unacknowledged_after_sql();

// Opens `path` (creating it when absent) with the store's pragmas, ready for statements.
SQLite::Database open_database(const std::string& path, const sqlite_options& options);

}  // namespace netflix_charges::sqlite_detail
