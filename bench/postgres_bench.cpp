// The PostgreSQL store next to the SQLite store, in the same run, on the same machine:
//  - acknowledge throughput: a fixed number of 50-item batches of distinct charges, each item
//    with its own reference, by one and by two "server instances" (each its own store object
//    and connection pool, two threads each), on databases of the same size;
//  - list latency: the median of list calls (50 charges) at offsets 0, 50, 100, ... 4,950 in
//    turn, so that the SQLite store's read cache (which would answer a repeated page from
//    memory) does not hide the query.
// Prints `ratio <name> <value>` lines, PostgreSQL ÷ SQLite. See BENCHMARKS.md.
#include <netflix_charges/netflix_charges.hpp>
#include <netflix_charges/postgres_store.hpp>
#include <netflix_charges/sqlite_store.hpp>

#include <CLI/CLI.hpp>
#include <pqxx/pqxx>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

namespace nc = netflix_charges;
using std::chrono::steady_clock;

namespace {

const nc::operator_id op{"bench-operator"};
const nc::identity caller = nc::identity::vouched_for_by_host("bench-billing", op, "");

using store_factory = std::function<std::shared_ptr<nc::charge_store>()>;

void fill(nc::charge_store& store, const std::vector<nc::new_charge>& all)
{
    nc::charges_service service{store};
    for (std::size_t first = 0; first < all.size(); first += 5000)
        service.issue_many(op, {all.begin() + static_cast<std::ptrdiff_t>(first),
                                all.begin() + static_cast<std::ptrdiff_t>(std::min(first + 5000, all.size()))});
}

// Batches per second for `batches` batches by `instances` store objects with two threads each;
// every thread takes the next run of 50 charges, so every batch applies 50 new acknowledgements.
double acknowledge_rate(const store_factory& open, int instances, long batches_wanted,
                        std::atomic<std::size_t>& next_charge, const std::vector<nc::new_charge>& all)
{
    std::vector<std::shared_ptr<nc::charge_store>> stores;
    for (int i = 0; i < instances; ++i) stores.push_back(open());
    std::atomic<long> batches{0};
    const std::size_t end = std::min(all.size(), next_charge.load() + static_cast<std::size_t>(batches_wanted) * 50);
    std::vector<std::thread> threads;
    for (int t = 0; t < instances * 2; ++t) {
        threads.emplace_back([&, t] {
            nc::charges_service service{*stores[static_cast<std::size_t>(t / 2)]};
            for (;;) {
                const auto first = next_charge.fetch_add(50);
                if (first + 50 > end) return;
                std::vector<nc::charge_item> batch;
                for (std::size_t i = first; i < first + 50; ++i)
                    batch.push_back({all[i].number, all[i].billing_system_customer_identifier, "B-" + all[i].number});
                service.acknowledge(caller, batch);
                ++batches;
            }
        });
    }
    const auto t0 = steady_clock::now();
    for (auto& t : threads) t.join();
    return static_cast<double>(batches.load()) / std::chrono::duration<double>(steady_clock::now() - t0).count();
}

double median_list_micros(nc::charge_store& store, int calls)
{
    nc::charges_service service{store};
    std::vector<double> times;
    for (int i = 0; i < calls + 20; ++i) {
        const auto t0 = steady_clock::now();
        service.list(caller, {nc::status_class::not_processed, static_cast<std::size_t>(i % 100) * 50, 50});
        if (i >= 20) times.push_back(std::chrono::duration<double, std::micro>(steady_clock::now() - t0).count());
    }
    std::sort(times.begin(), times.end());
    return times[times.size() / 2];
}

}  // namespace

int main(int argc, char** argv)
{
    CLI::App app{"netflix_charges: the PostgreSQL store next to the SQLite store"};
    std::string admin_url;
    std::string folder = (std::filesystem::temp_directory_path() / "netflix_charges_postgres_bench").string();
    std::size_t charges = 100000;
    long batches = 1000;
    int list_calls = 2000;
    app.add_option("--url", admin_url, "A PostgreSQL URL of database 'postgres'; the bench makes its own database")
        ->required();
    app.add_option("--dir", folder, "Where the SQLite database is made");
    app.add_option("--charges", charges, "Charges in each database");
    app.add_option("--batches", batches, "Batches of each acknowledge run (each store needs 2 x 50 x this charges)");
    app.add_option("--list-calls", list_calls, "List calls measured");
    CLI11_PARSE(app, argc, argv);

    const auto at = admin_url.find("/postgres");
    if (at == std::string::npos) {
        std::fprintf(stderr, "--url must name the database postgres\n");
        return 2;
    }
    const std::string name = "netflix_charges_bench";
    const std::string url = admin_url.substr(0, at) + "/" + name + admin_url.substr(at + 9);
    auto admin = [&](const std::string& sql) {
        pqxx::connection c{admin_url};
        pqxx::nontransaction tx{c};
        tx.exec0(sql);
    };
    admin("DROP DATABASE IF EXISTS " + name);
    admin("CREATE DATABASE " + name);
    std::filesystem::remove_all(folder);
    std::filesystem::create_directories(folder);
    const auto db = folder + "/bench.db";

    const store_factory sqlite = [&] { return std::make_shared<nc::sqlite_store>(db); };
    const store_factory postgres = [&] { return std::make_shared<nc::postgres_store>(url); };
    const auto all = nc::sample_charges(0, charges, *nc::parse_timestamp("2026-01-01T00:00:00"));
    fill(*sqlite(), all);
    fill(*postgres(), all);
    {  // as autovacuum would soon after a bulk load (docs/deploy.md); without statistics the
       // planner scans the whole table
        pqxx::connection c{url};
        pqxx::nontransaction tx{c};
        tx.exec0("ANALYZE");
    }
    std::printf("databases: %zu charges each\n", charges);
    if (charges < static_cast<std::size_t>(batches) * 100) {
        std::fprintf(stderr, "--charges must be at least 100 x --batches\n");
        return 2;
    }

    const double list_sqlite = median_list_micros(*sqlite(), list_calls);
    const double list_postgres = median_list_micros(*postgres(), list_calls);
    std::printf("list 50, median: SQLite %.1f us, PostgreSQL %.1f us\n", list_sqlite, list_postgres);

    std::atomic<std::size_t> sqlite_next{0}, postgres_next{0};
    double rates[2][2];  // [store][instances - 1]
    for (int instances = 1; instances <= 2; ++instances) {
        rates[0][instances - 1] = acknowledge_rate(sqlite, instances, batches, sqlite_next, all);
        rates[1][instances - 1] = acknowledge_rate(postgres, instances, batches, postgres_next, all);
        std::printf("acknowledge 50, %d instance(s): SQLite %.0f batches/s, PostgreSQL %.0f batches/s\n", instances,
                    rates[0][instances - 1], rates[1][instances - 1]);
    }
    std::printf("ratio list_postgres_vs_sqlite %.3f\n", list_postgres / list_sqlite);
    std::printf("ratio acknowledge_1_postgres_vs_sqlite %.3f\n", rates[1][0] / rates[0][0]);
    std::printf("ratio acknowledge_2_postgres_vs_sqlite %.3f\n", rates[1][1] / rates[0][1]);
    std::printf("ratio acknowledge_postgres_2_vs_1 %.3f\n", rates[1][1] / rates[1][0]);
    std::printf("ratio acknowledge_sqlite_2_vs_1 %.3f\n", rates[0][1] / rates[0][0]);

    admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    std::filesystem::remove_all(folder);
    return 0;
}
