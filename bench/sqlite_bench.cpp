// Benchmarks of the SQLite store, each against a baseline measured in the same run:
//  - acknowledge throughput in 50-item batches on a database of the largest size, against the
//    same updates made with the raw sqlite3 C API and the same pragmas;
//  - list latency at offset 0 for databases of each size, against the smallest.
// Prints `ratio <name> <value>` lines. See BENCHMARKS.md for figures and how to run.
#include <netflix_charges/netflix_charges.hpp>
#include <netflix_charges/sqlite_store.hpp>

#include <CLI/CLI.hpp>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace nc = netflix_charges;
using std::chrono::steady_clock;

namespace {

const nc::operator_id op{"bench-operator"};
const nc::identity caller{"bench-billing", op, ""};
const nc::timestamp start = *nc::parse_timestamp("2026-01-01T00:00:00");

double seconds_since(steady_clock::time_point t0)
{
    return std::chrono::duration<double>(steady_clock::now() - t0).count();
}

void fill(const std::string& path, std::size_t count)
{
    std::filesystem::remove(path);
    std::filesystem::remove(path + "-wal");
    std::filesystem::remove(path + "-shm");
    nc::sqlite_store store{path};
    nc::charges_service service{store};
    const auto t0 = steady_clock::now();
    for (std::size_t first = 0; first < count; first += 10000)
        service.issue_many(op, nc::sample_charges(first, std::min<std::size_t>(10000, count - first), start));
    std::printf("filled %s with %zu charges in %.1f s\n", path.c_str(), count, seconds_since(t0));
}

// The baseline: the same acknowledgements, written directly with the sqlite3 C API.
class raw_sqlite {
public:
    explicit raw_sqlite(const std::string& path)
    {
        if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK)
            throw std::runtime_error("open failed");
        sqlite3_busy_timeout(db_, 5000);
        exec("PRAGMA journal_mode = WAL");
        exec("PRAGMA synchronous = FULL");
        exec("PRAGMA foreign_keys = ON");
        update_ = prepare("UPDATE charges SET acknowledged_on = ?1, acknowledgement_reference = ?2 "
                          "WHERE operator_id = (SELECT id FROM operators WHERE name = ?3) AND number = ?4");
        reference_ = prepare("INSERT INTO reference_numbers (operator_id, reference_number, charge_id) "
                             "SELECT operator_id, ?1, id FROM charges WHERE number = ?2 AND operator_id = "
                             "(SELECT id FROM operators WHERE name = ?3)");
    }
    ~raw_sqlite()
    {
        sqlite3_finalize(update_);
        sqlite3_finalize(reference_);
        sqlite3_close(db_);
    }

    [[gnu::noinline]] void acknowledge(const std::vector<nc::charge_item>& batch, std::int64_t now)  // a profile shows it
    {
        exec("BEGIN IMMEDIATE");
        for (const auto& item : batch) {
            sqlite3_bind_int64(update_, 1, now);
            sqlite3_bind_text(update_, 2, item.reference_number->c_str(), -1, SQLITE_STATIC);
            sqlite3_bind_text(update_, 3, op.value().c_str(), -1, SQLITE_STATIC);
            sqlite3_bind_text(update_, 4, item.number.c_str(), -1, SQLITE_STATIC);
            step(update_);
            sqlite3_bind_text(reference_, 1, item.reference_number->c_str(), -1, SQLITE_STATIC);
            sqlite3_bind_text(reference_, 2, item.number.c_str(), -1, SQLITE_STATIC);
            sqlite3_bind_text(reference_, 3, op.value().c_str(), -1, SQLITE_STATIC);
            step(reference_);
        }
        exec("COMMIT");
    }

private:
    void exec(const char* sql)
    {
        if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) throw std::runtime_error(sqlite3_errmsg(db_));
    }
    sqlite3_stmt* prepare(const char* sql)
    {
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr) != SQLITE_OK)
            throw std::runtime_error(sqlite3_errmsg(db_));
        return statement;
    }
    void step(sqlite3_stmt* statement)
    {
        if (sqlite3_step(statement) != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db_));
        sqlite3_reset(statement);
    }

    sqlite3* db_ = nullptr;
    sqlite3_stmt* update_ = nullptr;
    sqlite3_stmt* reference_ = nullptr;
};

std::vector<nc::charge_item> batch_of(std::size_t first)
{
    std::vector<nc::charge_item> batch;
    for (const auto& c : nc::sample_charges(first, 50, start))
        batch.push_back({c.number, c.billing_system_customer_identifier, "REF-" + c.number});
    return batch;
}

// Acknowledges `batches` batches through the store and as many through the raw baseline,
// alternating so both see the same machine; returns batches per second of each.
std::pair<double, double> acknowledge_throughput(const std::string& path, std::size_t size, std::size_t batches)
{
    nc::sqlite_store store{path};
    nc::charges_service service{store};
    raw_sqlite raw{path};
    double store_seconds = 0;
    double raw_seconds = 0;
    const auto now = start.time_since_epoch().count() + 86400;
    // Rounds of 20 batches each side, alternating, so both see the same machine while each keeps
    // its connection's page cache warm within a round (as a server's own connection would).
    constexpr std::size_t round = 20;
    for (std::size_t first = 0; first < batches; first += round) {
        const std::size_t last = std::min(batches, first + round);
        // Spread over the whole database: slot b holds the store's batch and then raw's.
        const auto slot = [&](std::size_t b) { return (b * 7919) % (size / 100) * 100; };
        std::vector<std::vector<nc::charge_item>> for_store;
        std::vector<std::vector<nc::charge_item>> for_raw;
        for (std::size_t b = first; b < last; ++b) {
            for_store.push_back(batch_of(slot(b)));
            for_raw.push_back(batch_of(slot(b) + 50));
        }
        auto t0 = steady_clock::now();
        for (const auto& batch : for_store)
            if (!service.acknowledge(caller, batch).failed.empty()) throw std::runtime_error("acknowledge failed");
        store_seconds += seconds_since(t0);
        t0 = steady_clock::now();
        for (const auto& batch : for_raw) raw.acknowledge(batch, now);
        raw_seconds += seconds_since(t0);
    }
    return {static_cast<double>(batches) / store_seconds, static_cast<double>(batches) / raw_seconds};
}

// Median seconds of a list of 50 at offset 0.
double list_latency(const std::string& path, int repetitions)
{
    nc::sqlite_store store{path};
    nc::charges_service service{store};
    std::vector<double> samples;
    for (int i = 0; i < repetitions + 50; ++i) {
        const auto t0 = steady_clock::now();
        const auto listed = service.list(caller, {nc::status_class::not_processed, 0, 50});
        const double elapsed = seconds_since(t0);
        if (listed.size() != 50) throw std::runtime_error("list returned too little");
        if (i >= 50) samples.push_back(elapsed);  // the first 50 warm the cache
    }
    std::sort(samples.begin(), samples.end());
    return samples[samples.size() / 2];
}

}  // namespace

int main(int argc, char** argv)
{
    CLI::App app{"netflix_charges SQLite store benchmarks"};
    std::string folder = (std::filesystem::temp_directory_path() / "netflix_charges_bench").string();
    std::vector<std::size_t> sizes{10000, 100000, 1000000};
    std::size_t batches = 400;
    int repetitions = 2000;
    app.add_option("--dir", folder, "Where the benchmark databases are made");
    app.add_option("--sizes", sizes, "Database sizes for list latency; the largest also serves acknowledge")
        ->delimiter(',');
    app.add_option("--batches", batches, "Acknowledge batches of 50 per side");
    app.add_option("--repetitions", repetitions, "List calls per size");
    CLI11_PARSE(app, argc, argv);
    std::sort(sizes.begin(), sizes.end());
    if (sizes.empty() || sizes.front() < 100) {
        std::fprintf(stderr, "--sizes: each at least 100\n");
        return 2;
    }
    std::filesystem::create_directories(folder);

    std::vector<double> latencies;
    for (const auto size : sizes) {
        const auto path = folder + "/bench-" + std::to_string(size) + ".db";
        fill(path, size);
        latencies.push_back(list_latency(path, repetitions));
        std::printf("list %zu charges: median %.1f us\n", size, latencies.back() * 1e6);
    }

    const auto largest = folder + "/bench-" + std::to_string(sizes.back()) + ".db";
    const auto [store_rate, raw_rate] = acknowledge_throughput(largest, sizes.back(), batches);
    std::printf("acknowledge on %zu charges: store %.0f batches/s, raw sqlite3 %.0f batches/s\n", sizes.back(),
                store_rate, raw_rate);

    std::printf("ratio acknowledge_vs_raw_sqlite %.3f\n", store_rate / raw_rate);
    for (std::size_t i = 1; i < sizes.size(); ++i)
        std::printf("ratio list_%zu_vs_%zu %.3f\n", sizes[i], sizes.front(), latencies[i] / latencies.front());
    for (const auto size : sizes) std::filesystem::remove(folder + "/bench-" + std::to_string(size) + ".db");
    return 0;
}
