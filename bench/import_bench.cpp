// The import a data load runs: `netflix-charges import` of a JSON Lines file of N charges into a
// new SQLite database, timed with its peak resident memory; against a hand-written loader in
// the same run (raw sqlite3: each line parsed with Boost.JSON and inserted into the store's
// charges table, one transaction, no journal, no checks). The two take turns, `--repetitions`
// times; the best time of each counts (this machine's speed varies from minute to minute).
//
//   import_bench --lines 1000000 --repetitions 3
#include <netflix_charges/sqlite_store.hpp>

#include <CLI/CLI.hpp>
#include <boost/json.hpp>
#include <sqlite3.h>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <stdexcept>
#include <string>

namespace {

using clock_type = std::chrono::steady_clock;

// Charges received every 2 seconds from 2026-01-01 (43,200 a day); one in ten APPROVED.
void write_file(const std::string& path, std::size_t lines)
{
    std::ofstream out{path};
    const std::time_t start = 1767225600;  // 2026-01-01T00:00:00Z
    char received[32];
    for (std::size_t i = 0; i < lines; ++i) {
        const std::time_t at = start + static_cast<std::time_t>(2 * i);
        std::tm utc{};
        gmtime_r(&at, &utc);
        std::strftime(received, sizeof received, "%Y-%m-%dT%H:%M:%S", &utc);
        out << R"({"number":"I)" << 10000000 + i << R"(","billing_system_customer_identifier":"customer-)" << i % 50000
            << R"(","amount":)" << 5 + i % 20 << R"(.99,"currency":"EUR","paid_through_date":"2026-02-28","received_on":")"
            << received << '"';
        if (i % 10 == 0) out << R"(,"charge_status":"APPROVED","set_as_approved_on":")" << received << '"';
        out << "}\n";
    }
}

struct child_run {
    double seconds;
    long peak_kib;
    int status;
};

child_run run_import(const std::string& cli, const std::string& db, const std::string& file)
{
    std::fflush(stdout);  // or the child would print what is buffered again
    const auto started = clock_type::now();
    const pid_t pid = ::fork();
    if (pid == 0) {
        std::freopen("/dev/null", "w", stdout);
        ::execl(cli.c_str(), cli.c_str(), "import", "--db", db.c_str(), "--org", "bench", file.c_str(), nullptr);
        ::_exit(127);
    }
    int status = 0;
    rusage usage{};
    ::wait4(pid, &status, 0, &usage);
    return {std::chrono::duration<double>(clock_type::now() - started).count(), usage.ru_maxrss, status};
}

void exec(sqlite3* db, const char* sql)
{
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) throw std::runtime_error(sqlite3_errmsg(db));
}

// The baseline: read, parse and insert each line, nothing else.
double raw_load(const std::string& db_path, const std::string& file)
{
    { netflix_charges::sqlite_store schema{db_path}; }  // the store's schema and indexes, empty
    const auto started = clock_type::now();
    sqlite3* db = nullptr;
    sqlite3_open(db_path.c_str(), &db);
    exec(db, "PRAGMA synchronous = FULL");
    exec(db, "BEGIN IMMEDIATE");
    exec(db, "INSERT INTO operators (name) VALUES ('bench')");
    const auto operator_row = sqlite3_last_insert_rowid(db);
    sqlite3_stmt* insert = nullptr;
    sqlite3_prepare_v2(db,
                       "INSERT INTO charges (operator_id, number, billing_system_customer_identifier, amount, currency, "
                       "paid_through_date, received_on, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                       -1, &insert, nullptr);
    std::ifstream in{file};
    std::size_t i = 0;
    for (std::string line; std::getline(in, line); ++i) {
        const auto object = boost::json::parse(line).as_object();
        sqlite3_bind_int64(insert, 1, operator_row);
        const auto& number = object.at("number").as_string();
        sqlite3_bind_text(insert, 2, number.data(), static_cast<int>(number.size()), SQLITE_TRANSIENT);
        const auto& customer = object.at("billing_system_customer_identifier").as_string();
        sqlite3_bind_text(insert, 3, customer.data(), static_cast<int>(customer.size()), SQLITE_TRANSIENT);
        const auto amount = boost::json::serialize(object.at("amount"));
        sqlite3_bind_text(insert, 4, amount.data(), static_cast<int>(amount.size()), SQLITE_TRANSIENT);
        sqlite3_bind_text(insert, 5, "EUR", 3, SQLITE_STATIC);
        sqlite3_bind_text(insert, 6, "2026-02-28", -1, SQLITE_STATIC);
        sqlite3_bind_int64(insert, 7, 1767225600 + static_cast<std::int64_t>(2 * i));
        sqlite3_bind_int(insert, 8, object.contains("charge_status") ? 1 : 0);
        if (sqlite3_step(insert) != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db));
        sqlite3_reset(insert);
    }
    sqlite3_finalize(insert);
    exec(db, "COMMIT");
    sqlite3_close(db);
    return std::chrono::duration<double>(clock_type::now() - started).count();
}

}  // namespace

int main(int argc, char** argv)
{
    CLI::App app{"netflix-charges import against a hand-written raw sqlite3 loader"};
    std::size_t lines = 1000000;
    int repetitions = 3;
    std::string cli = NETFLIX_CHARGES_CLI;
    std::string dir = (std::filesystem::temp_directory_path() / "netflix_charges_import_bench").string();
    app.add_option("--lines", lines, "Charges in the file")->capture_default_str();
    app.add_option("--repetitions", repetitions, "Runs of each, alternating")->capture_default_str();
    app.add_option("--cli", cli, "The netflix-charges program")->capture_default_str();
    app.add_option("--dir", dir, "Working directory (emptied)")->capture_default_str();
    CLI11_PARSE(app, argc, argv);

    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const auto file = dir + "/charges.jsonl";
    write_file(file, lines);

    double raw = 0;
    child_run imported{0, 0, 0};
    for (int run = 0; run < repetitions; ++run) {
        for (const auto* db : {"/raw.db", "/import.db"})
            for (const auto* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(dir + db + suffix);
        const double raw_seconds = raw_load(dir + "/raw.db", file);
        const auto this_import = run_import(cli, dir + "/import.db", file);
        if (!WIFEXITED(this_import.status) || WEXITSTATUS(this_import.status) != 0) {
            std::cerr << "import failed\n";
            return 1;
        }
        std::printf("run %d: raw sqlite3 %.2f s, import %.2f s, %.1f MiB\n", run + 1, raw_seconds, this_import.seconds,
                    static_cast<double>(this_import.peak_kib) / 1024.0);
        if (run == 0 || raw_seconds < raw) raw = raw_seconds;
        if (run == 0 || this_import.seconds < imported.seconds) imported.seconds = this_import.seconds;
        imported.peak_kib = std::max(imported.peak_kib, this_import.peak_kib);
    }
    std::printf("lines %zu\n", lines);
    std::printf("raw_sqlite_seconds %.2f\n", raw);
    std::printf("import_seconds %.2f (%.0f lines/s)\n", imported.seconds, static_cast<double>(lines) / imported.seconds);
    std::printf("import_peak_resident_mib %.1f\n", static_cast<double>(imported.peak_kib) / 1024.0);
    std::printf("ratio import_vs_raw_sqlite %.3f\n", raw / imported.seconds);
    std::filesystem::remove_all(dir);
    return 0;
}
