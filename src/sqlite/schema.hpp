#pragma once

// The SQLite schema and its migrations, by `PRAGMA user_version`.

#include <netflix_charges/sqlite_export.hpp>
#include <SQLiteCpp/Database.h>

#include <string>
#include <vector>

namespace netflix_charges::sqlite_detail {

struct migration {
    int version;      // the user_version after it
    std::string sql;  // run in one transaction with the version bump
};

// Every migration of this build, oldest first.
NETFLIX_CHARGES_SQLITE_EXPORT const std::vector<migration>& migrations();  // exported for the white-box tests

// Checks that `db` is empty or one of ours at a version this build knows, without writing to
// it; then switches it to WAL and applies the missing migrations, each in its own
// transaction. Throws netflix_charges::error (storage_failure) with a clear message.
// Exported for the white-box tests.
NETFLIX_CHARGES_SQLITE_EXPORT void prepare_database(SQLite::Database& db, const std::string& path,
                                                    const std::vector<migration>& to_apply = migrations());

}  // namespace netflix_charges::sqlite_detail
