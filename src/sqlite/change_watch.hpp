#pragma once

// The SQLite store's change stamp (see stamped_cache.hpp): a value that differs after every
// commit to the database file, by any connection of any process.
//
// The store keeps one connection of its own for it, which never writes. Its stamp is the
// header of the database's WAL index when it can be read (wal_index_watch.hpp: no lock, no
// read transaction), and else its `PRAGMA data_version`, which changes whenever a connection
// other than this one commits — and every commit is another connection's.

#include <netflix_charges/sqlite_store.hpp>

#include "wal_index_watch.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <variant>

namespace netflix_charges::sqlite_detail {

using change_stamp = std::variant<wal_index_header, std::int64_t>;

class change_watch {
public:
    // Opens its connection to the (prepared) database at `path`.
    change_watch(const std::string& path, const sqlite_options& options);

    // Thread-safe. Throws netflix_charges::error (storage_failure) when the database cannot be read.
    change_stamp stamp();

private:
    std::mutex mutex_;  // for data_version_, which the threads share
    SQLite::Database db_;
    SQLite::Statement data_version_;
    std::optional<wal_index_watch> wal_index_;

    std::int64_t read_data_version();
};

}  // namespace netflix_charges::sqlite_detail
