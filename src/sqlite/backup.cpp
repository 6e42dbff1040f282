// sqlite_store::backup: SQLite's online backup API into a new file, in one step, then check the
// copy. (`VACUUM INTO` would be one statement, but SQLite 3.40 refuses it on a table with a
// generated column, as `charges` has: "table vacuum_db.charges has 20 columns but 21 values
// were supplied".)
#include <netflix_charges/errors.hpp>
#include <netflix_charges/sqlite_store.hpp>

#include <fmt/format.h>
#include <SQLiteCpp/Backup.h>
#include <SQLiteCpp/Database.h>
#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <system_error>
#include <thread>

namespace netflix_charges {

namespace {

[[noreturn]] void fail(const std::string& to, const std::string& why)
{
    std::error_code ignored;
    std::filesystem::remove(to, ignored);
    throw error{errc::storage_failure, "", "backup to " + to + ": " + why};
}

std::uint64_t count(SQLite::Database& db, const char* table)
{
    return static_cast<std::uint64_t>(db.execAndGet(std::string{"SELECT count(*) FROM "} + table).getInt64());
}

}  // namespace

sqlite_backup_summary sqlite_store::backup(const std::string& from, const std::string& to, const sqlite_options& options)
{
    if (std::filesystem::exists(to)) throw error{errc::storage_failure, "", "backup to " + to + ": the file exists"};
    try {
        SQLite::Database source{from, SQLite::OPEN_READONLY, static_cast<int>(options.busy_timeout.count())};
        const int version = source.execAndGet("PRAGMA user_version").getInt();
        if (version < 1 || version > schema_version())
            throw error{errc::storage_failure, "",
                        fmt::format("{}: not a netflix_charges database this build knows (schema {})", from, version)};
        SQLite::Database copy{to, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE};
        SQLite::Backup pages{copy, source};
        // All pages in one step: one read transaction on the source, so one consistent state.
        for (int attempt = 1; pages.executeStep(-1) != SQLITE_DONE; ++attempt) {
            if (attempt == 50) fail(to, "the database stayed busy");
            std::this_thread::sleep_for(std::chrono::milliseconds{100});
        }
    } catch (const SQLite::Exception& e) {
        fail(to, e.what());
    }
    try {
        SQLite::Database copy{to, SQLite::OPEN_READONLY};
        const auto check = copy.execAndGet("PRAGMA integrity_check").getString();
        if (check != "ok") fail(to, "the copy does not pass integrity_check: " + check);
        sqlite_backup_summary summary;
        summary.schema_version = copy.execAndGet("PRAGMA user_version").getInt();
        summary.operators = count(copy, "operators");
        summary.charges = count(copy, "charges");
        if (copy.tableExists("journal")) summary.journal_entries = count(copy, "journal");
        summary.bytes = static_cast<std::uint64_t>(std::filesystem::file_size(to));
        return summary;
    } catch (const SQLite::Exception& e) {
        fail(to, e.what());
    }
}

}  // namespace netflix_charges
