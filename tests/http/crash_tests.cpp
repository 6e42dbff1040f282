// The server killed under load (crash_under_load.hpp), on a SQLite file; and the file's own
// integrity after it all.
#include "crash_under_load.hpp"
#include "temporary_directory.hpp"

#include <netflix_charges/sqlite_store.hpp>

#include <SQLiteCpp/Database.h>

TEST_CASE("a server killed with SIGKILL while clients acknowledge keeps every answered acknowledgement, nothing else",
          "[http][crash]")
{
    test_support::temporary_directory folder;
    const auto path = folder.file("crash.db");
    http_tests::crash::server_killed_under_load<netflix_charges::sqlite_store>(
        "SQLite", [&] { return std::make_unique<netflix_charges::sqlite_store>(path); });
    SQLite::Database raw{path, SQLite::OPEN_READONLY};
    CHECK(raw.execAndGet("PRAGMA integrity_check").getString() == "ok");
}
