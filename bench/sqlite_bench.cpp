// Benchmarks of the SQLite store, each against a baseline measured in the same run:
//  - acknowledge throughput in 50-item batches on a database of the largest size, against the
//    same updates and journal inserts made with the raw sqlite3 C API and the same pragmas, and
//    what those inserts cost raw sqlite3;
//  - list latency at offset 0, read after a commit, for databases of each size, against the smallest;
//  - sequential pages near the end of the largest database, against pages near its start;
//  - the reconciliation report of a month holding the largest database, against raw sqlite3
//    reading the columns it sums.
// Prints `ratio <name> <value>` lines. See BENCHMARKS.md for figures and how to run.
#include <netflix_charges/netflix_charges.hpp>
#include <netflix_charges/sqlite_store.hpp>

#include "raw_sqlite.hpp"

#include <CLI/CLI.hpp>

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
const nc::identity caller = nc::identity::vouched_for_by_host("bench-billing", op, "");
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

std::vector<nc::charge_item> batch_of(std::size_t first)
{
    std::vector<nc::charge_item> batch;
    for (const auto& c : nc::sample_charges(first, 50, start))
        batch.push_back({c.number, c.billing_system_customer_identifier, "REF-" + c.number});
    return batch;
}

struct acknowledge_rates {
    double store = 0;        // batches per second
    double raw = 0;          // raw sqlite3 with the journal's inserts, as the store writes them
    double raw_without = 0;  // raw sqlite3 without them
};

// Acknowledges `batches` batches through the store and as many through each raw baseline,
// alternating so all see the same machine; returns batches per second of each.
acknowledge_rates acknowledge_throughput(const std::string& path, std::size_t size, std::size_t batches)
{
    nc::sqlite_store store{path};
    nc::charges_service service{store};
    bench::raw_sqlite raw{path};
    double seconds[3] = {0, 0, 0};
    const auto now = start.time_since_epoch().count() + 86400;
    // Rounds of 20 batches each side, alternating, so all see the same machine while each keeps
    // its connection's page cache warm within a round (as a server's own connection would).
    constexpr std::size_t round = 20;
    for (std::size_t first = 0; first < batches; first += round) {
        const std::size_t last = std::min(batches, first + round);
        // Spread over the whole database: slot b holds the store's batch, then raw's, then raw's
        // without the journal.
        const auto slot = [&](std::size_t b) { return (b * 7919) % (size / 150) * 150; };
        std::vector<std::vector<nc::charge_item>> sides[3];
        for (std::size_t b = first; b < last; ++b)
            for (std::size_t side = 0; side < 3; ++side) sides[side].push_back(batch_of(slot(b) + 50 * side));
        auto t0 = steady_clock::now();
        for (const auto& batch : sides[0])
            if (!service.acknowledge(caller, batch).failed.empty()) throw std::runtime_error("acknowledge failed");
        seconds[0] += seconds_since(t0);
        t0 = steady_clock::now();
        for (const auto& batch : sides[1]) raw.acknowledge(op.value(), batch, now);
        seconds[1] += seconds_since(t0);
        t0 = steady_clock::now();
        for (const auto& batch : sides[2]) raw.acknowledge(op.value(), batch, now, bench::raw_sqlite::journal::left_out);
        seconds[2] += seconds_since(t0);
    }
    const auto rate = [&](int side) { return static_cast<double>(batches) / seconds[side]; };
    return {rate(0), rate(1), rate(2)};
}

// Median seconds of a list of 50 at offset 0 read right after a commit, as a poller reads it
// after its own acknowledgement: the store's cache cannot answer it. The commit (a charge
// issued at the end of the list, so the page itself is unchanged) is not timed.
double list_latency(const std::string& path, int repetitions)
{
    nc::sqlite_store store{path};
    nc::charges_service service{store};
    std::vector<double> samples;
    auto late = nc::sample_charges(0, 1, start + std::chrono::hours{24 * 3650}).front();
    for (int i = 0; i < repetitions + 10; ++i) {
        late.number = "LATE" + std::to_string(i);
        service.issue(op, late);
        const auto t0 = steady_clock::now();
        const auto listed = service.list(caller, {nc::status_class::not_processed, 0, 50});
        const double elapsed = seconds_since(t0);
        if (listed.size() != 50) throw std::runtime_error("list returned too little");
        if (i >= 10) samples.push_back(elapsed);  // the first ones warm SQLite's page cache
    }
    std::sort(samples.begin(), samples.end());
    return samples[samples.size() / 2];
}

struct report_cost {
    double store_seconds = 0;  // charges_service::report over the period
    double raw_seconds = 0;    // raw sqlite3 reading the same rows' three columns
    std::size_t charges = 0;
};

// The report of January 2026, which holds every charge of the database, against raw sqlite3
// reading the columns it sums; the better of three runs of each.
report_cost report_month(const std::string& path)
{
    nc::sqlite_store store{path};
    nc::charges_service service{store};
    bench::raw_sqlite raw{path};
    report_cost cost{1e9, 1e9, 0};
    const auto from = *nc::parse_timestamp("2026-01-01T00:00:00");
    const auto until = *nc::parse_timestamp("2026-02-01T00:00:00");
    for (int run = 0; run < 3; ++run) {
        auto t0 = steady_clock::now();
        const auto rows = service.report(op, {2026, 1, 1}, {2026, 1, 31});
        cost.store_seconds = std::min(cost.store_seconds, seconds_since(t0));
        cost.charges = 0;
        for (const auto& row : rows) cost.charges += row.charges;
        t0 = steady_clock::now();
        if (raw.scan_received(op.value(), from.time_since_epoch().count(), until.time_since_epoch().count()) !=
            cost.charges)
            throw std::runtime_error("the report and the raw scan disagree");
        cost.raw_seconds = std::min(cost.raw_seconds, seconds_since(t0));
    }
    return cost;
}

struct paging_cost {
    double median_page = 0;  // seconds per page
    double first_page = 0;   // seconds of the first page, which jumps there
    double slowest_other = 0;  // seconds of the slowest page after the first
};

// `pages` sequential pages of 50 from `offset` on (each starting where the last ended), none
// read before: the cost of a page, and of the first one.
paging_cost sequential_pages(nc::charges_service& service, std::size_t offset, int pages)
{
    std::vector<double> samples;
    for (int i = 0; i < pages; ++i) {
        const auto t0 = steady_clock::now();
        const auto listed = service.list(caller, {nc::status_class::not_processed, offset + static_cast<std::size_t>(i) * 50, 50});
        samples.push_back(seconds_since(t0));
        if (listed.size() != 50) throw std::runtime_error("a page returned too little");
    }
    paging_cost cost;
    cost.first_page = samples.front();
    cost.slowest_other = samples.size() > 1 ? *std::max_element(samples.begin() + 1, samples.end()) : 0;
    std::sort(samples.begin(), samples.end());
    cost.median_page = samples[samples.size() / 2];
    return cost;
}

}  // namespace

int main(int argc, char** argv)
{
    CLI::App app{"netflix_charges SQLite store benchmarks"};
    std::string folder = (std::filesystem::temp_directory_path() / "netflix_charges_bench").string();
    std::vector<std::size_t> sizes{10000, 100000, 1000000};
    std::size_t batches = 400;
    int repetitions = 500;
    int pages = 600;
    app.add_option("--dir", folder, "Where the benchmark databases are made");
    app.add_option("--sizes", sizes, "Database sizes for list latency; the largest also serves acknowledge")
        ->delimiter(',');
    app.add_option("--batches", batches, "Acknowledge batches of 50 per side");
    app.add_option("--repetitions", repetitions, "List calls per size");
    app.add_option("--pages", pages, "Sequential pages near the start and near the end of the largest database");
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
    paging_cost near_start, near_end;
    {
        nc::sqlite_store store{largest};
        nc::charges_service service{store};
        const std::size_t window = static_cast<std::size_t>(pages) * 50;
        near_start = sequential_pages(service, 0, pages);
        near_end = sequential_pages(service, sizes.back() > window ? sizes.back() - window : 0, pages);
    }
    std::printf("sequential pages on %zu charges: median %.1f us near the start, %.1f us near the end "
                "(its first page, the jump there: %.1f ms; the slowest after it: %.1f us)\n",
                sizes.back(), near_start.median_page * 1e6, near_end.median_page * 1e6, near_end.first_page * 1e3,
                near_end.slowest_other * 1e6);
    const auto report = report_month(largest);
    std::printf("report of a month of %zu charges: %.2f s (raw sqlite3 reading its columns: %.2f s)\n",
                report.charges, report.store_seconds, report.raw_seconds);
    const auto rates = acknowledge_throughput(largest, sizes.back(), batches);
    std::printf("acknowledge on %zu charges: store %.0f batches/s, raw sqlite3 %.0f batches/s "
                "(%.0f without the journal's inserts)\n",
                sizes.back(), rates.store, rates.raw, rates.raw_without);

    std::printf("ratio acknowledge_vs_raw_sqlite %.3f\n", rates.store / rates.raw);
    std::printf("ratio raw_sqlite_with_journal_vs_without %.3f\n", rates.raw / rates.raw_without);
    std::printf("ratio report_vs_raw_sqlite %.3f\n", report.raw_seconds / report.store_seconds);
    std::printf("ratio store_list_deep_vs_first %.3f\n", near_end.median_page / near_start.median_page);
    for (std::size_t i = 1; i < sizes.size(); ++i)
        std::printf("ratio list_%zu_vs_%zu %.3f\n", sizes[i], sizes.front(), latencies[i] / latencies.front());
    for (const auto size : sizes) std::filesystem::remove(folder + "/bench-" + std::to_string(size) + ".db");
    return 0;
}
