// netflix-charges journal and report on a SQLite database, run as a user would.
#include "journal_report_commands.hpp"

#include <netflix_charges/sqlite_store.hpp>

TEST_CASE("journal and report on SQLite: JSON Lines by cursor, pruning, exact CSV totals and detail", "[cli][journal]")
{
    test_support::temporary_directory folder;
    const auto db = folder.file("charges.db");
    netflix_charges::sqlite_store store{db};
    netflix_charges::charges_service service{store};
    test_support::check_journal_and_report_commands(NETFLIX_CHARGES_CLI, db, service);
}
