#pragma once

// Notices commits to a database in WAL mode without a read transaction.
//
// Every commit, by any connection of any process, rewrites the header of the database's WAL
// index: the shared memory (the "-shm" file) that SQLite maps next to the database. SQLite's
// own readers read that header without a lock, before they take one: it is written twice, and
// two equal copies are a consistent header (https://www.sqlite.org/walformat.html, "The
// WAL-Index Header"). Its 48 bytes hold, among others, a counter of transactions, the last
// valid frame and the salts of the WAL, so a commit always changes them; a checkpoint may too.
//
// Reading `PRAGMA data_version` tells the same, but it is a read transaction: two `fcntl` locks
// and unlocks on the WAL index and most of the cost of a cached request. A watch reads the
// connection's own mapping of the WAL index, which SQLite keeps for as long as the connection
// is open (and no other process can truncate it while one is).
//
// Built for GCC or Clang on a POSIX system only (it reads the memory with their atomic
// builtins, and knows the unix VFS's mapping); elsewhere `of` finds no watch and the store
// reads data_version. Internal to the SQLite library: not exported.

#include <sqlite3.h>

#include <array>
#include <optional>

namespace netflix_charges::sqlite_detail {

using wal_index_header = std::array<unsigned char, 48>;

class wal_index_watch {
public:
    // The watch of `db`'s main database, once the connection is in WAL mode and has mapped its
    // WAL index (after its first read); otherwise nothing.
    static std::optional<wal_index_watch> of(sqlite3* db);

    // The header as it is now, or nothing when a writer is rewriting it this instant (or it is
    // not one this code knows): ask SQLite instead then.
    std::optional<wal_index_header> read() const;

private:
    explicit wal_index_watch(const volatile void* shared) : shared_(shared) {}

    const volatile void* shared_;  // the first page of the WAL index, mapped by SQLite
};

}  // namespace netflix_charges::sqlite_detail
