// backup: a consistent, checked copy of a live SQLite database (sqlite_store::backup).
#include "commands.hpp"
#include "store_choice.hpp"

#include <netflix_charges/sqlite_store.hpp>

#include <iostream>

namespace sample_server {

int backup(const std::string& db, const std::string& to)
{
    if (is_postgres_url(db)) {
        std::cerr << "netflix-charges: back up PostgreSQL with its own tools (pg_dump -Fc, or base backups "
                     "and WAL archiving; docs/deploy.md)\n";
        return 2;
    }
    const auto summary = netflix_charges::sqlite_store::backup(db, to);
    std::cout << "backed up " << db << " to " << to << ": schema " << summary.schema_version << ", "
              << summary.operators << " operator(s), " << summary.charges << " charge(s), " << summary.journal_entries
              << " journal entries, " << summary.bytes << " bytes; integrity_check ok\n";
    return 0;
}

}  // namespace sample_server
