// Group commit (sqlite_options::group_commit) on against off, in one run: 1, 4 and 16 threads
// acknowledging distinct batches of 50 through charges_service, on the plain disk and on a disk
// whose every sync takes 2 ms longer — network block storage, simulated by a test VFS that
// sleeps in each xSync (tests/sqlite/faulty_vfs.hpp), not measured on one. Acknowledgements/s
// on ÷ off, per thread count, is `ratio group_commit_<threads>_vs_off[_sync2ms]`.
//
// Every run acknowledges the same `--batches` batches, shared among its threads, so that the
// lone writer's figure is measured over as many commits as the others' (over a fifth of a
// second it varied by 20% from one run to the next). Each figure is the median of `--rounds`
// runs, off and on taking turns, each first in every other round (a run right after another is
// slower). Beside each, the syncs per batch (commits and checkpoints): with group commit on,
// about one over the batches a commit held.
//
// With 16 threads on the slow disk it also runs group commit on with `synchronous = NORMAL` on
// the plain disk, commits that wait for no sync: the rate writes alone allow, since SQLite takes
// one writer at a time. That rate ÷ the slow disk's rate off is `ceiling
// group_commit_16_vs_off_sync2ms`, the most any group commit could reach on this CPU in this run.
//
//   group_commit_bench --batches 3200 --rounds 3
#include "faulty_vfs.hpp"

#include <netflix_charges/netflix_charges.hpp>
#include <netflix_charges/sqlite_store.hpp>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace nc = netflix_charges;

namespace {

const nc::operator_id op{"bench"};
const nc::identity billing = nc::identity::vouched_for_by_host("billing", op);

std::string number(std::size_t i)
{
    char text[32];
    std::snprintf(text, sizeof text, "N%08zu", i);
    return text;
}

// A new database holding `charges` PENDING charges, N00000000 on.
void prepare(const std::string& path, std::size_t charges)
{
    nc::sqlite_store store{path};
    nc::charges_service service{store};
    std::vector<nc::new_charge> chunk;
    for (std::size_t i = 0; i < charges; ++i) {
        nc::new_charge c;
        c.number = number(i);
        c.billing_system_customer_identifier = "customer";
        c.amount = nc::decimal::parse("9.99").value();
        c.currency = "EUR";
        c.paid_through_date = nc::date{2026, 1, 31};
        chunk.push_back(std::move(c));
        if (chunk.size() == 10000 || i + 1 == charges) {
            service.issue_many(op, chunk);
            chunk.clear();
        }
    }
}

// Batches per second with `threads` threads acknowledging `batches` batches of 50 between them,
// each its own share of the charges.
double acknowledge_rate(const std::string& path, nc::sqlite_options options, std::size_t threads, std::size_t batches)
{
    const std::size_t per_thread = batches / threads;
    options.connections = threads + 1;
    nc::sqlite_store store{path, options};
    nc::charges_service service{store};
    const auto started = std::chrono::steady_clock::now();
    std::vector<std::thread> workers;
    for (std::size_t t = 0; t < threads; ++t)
        workers.emplace_back([&, t] {
            for (std::size_t b = 0; b < per_thread; ++b) {
                std::vector<nc::charge_item> items;
                const std::size_t first = (t * per_thread + b) * 50;
                for (std::size_t i = first; i < first + 50; ++i) items.push_back({number(i), "customer", "R" + number(i)});
                if (!service.acknowledge(billing, items).failed.empty()) throw std::runtime_error("a batch failed");
            }
        });
    for (auto& w : workers) w.join();
    const std::chrono::duration<double> spent = std::chrono::steady_clock::now() - started;
    return static_cast<double>(threads * per_thread) / spent.count();
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv)
{
    CLI::App app{"netflix_charges group commit: on against off"};
    std::size_t batches = 3200;
    std::size_t rounds = 3;
    int sync_delay_ms = 2;
    std::string dir = (std::filesystem::temp_directory_path() / "netflix_charges_group_commit_bench").string();
    app.add_option("--batches", batches, "Batches of 50 in each run, shared among its threads")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_option("--rounds", rounds, "Runs of each, off and on in turn (the median counts)")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_option("--sync-delay-ms", sync_delay_ms, "What the slow disk adds to each sync")->capture_default_str();
    app.add_option("--dir", dir, "Working directory (emptied)")->capture_default_str();
    CLI11_PARSE(app, argc, argv);
    const std::vector<std::size_t> thread_counts{1, 4, 16};
    if (batches % thread_counts.back() != 0) {
        std::fprintf(stderr, "--batches: a multiple of %zu, so that 1, 4 and 16 threads share them evenly\n",
                     thread_counts.back());
        return 2;
    }

    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const std::size_t charges = batches * 50;
    const auto prepared = dir + "/prepared.db";
    prepare(prepared, charges);
    std::printf("database: %zu charges; %zu batches of 50 in each run\n", charges, batches);

    sqlite_tests::faulty_vfs vfs{false};  // passes everything through until told to slow syncs down
    for (const bool slow_disk : {false, true}) {
        const std::string disk = slow_disk ? "_sync" + std::to_string(sync_delay_ms) + "ms" : "";
        for (const auto threads : thread_counts) {
            // Off and on; with 16 threads on the slow disk, also on without syncs on the plain disk.
            enum run_kind : std::size_t { off_run, on_run, no_sync_run };
            const bool with_ceiling = slow_disk && threads == thread_counts.back();
            const std::size_t kinds = with_ceiling ? 3 : 2;
            std::vector<double> rates[3];  // by run_kind
            std::vector<double> syncs_per_batch[3];
            for (std::size_t round = 0; round < rounds; ++round)
                for (std::size_t turn = 0; turn < kinds; ++turn) {
                    // Who goes first changes every round.
                    const auto kind = static_cast<run_kind>((turn + round) % kinds);
                    nc::sqlite_options options;
                    options.group_commit = kind != off_run;
                    if (kind == no_sync_run) options.synchronous = nc::sqlite_synchronous::normal;
                    const auto path = dir + "/run.db";
                    for (const auto* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
                    std::filesystem::copy_file(prepared, path);
                    vfs.reset();
                    if (slow_disk && kind != no_sync_run) vfs.delay_syncs(std::chrono::milliseconds{sync_delay_ms});
                    rates[kind].push_back(acknowledge_rate(path, options, threads, batches));
                    syncs_per_batch[kind].push_back(static_cast<double>(vfs.count(sqlite_tests::io_kind::sync)) /
                                                    static_cast<double>(batches));
                    vfs.reset();
                }
            const double off = median(rates[off_run]);
            const double on = median(rates[on_run]);
            std::printf("%2zu thread(s)%s: %8.0f batches/s off, %8.0f on (syncs a batch: %.2f off, %.2f on)\n",
                        threads, slow_disk ? (", syncs +" + std::to_string(sync_delay_ms) + " ms").c_str() : "", off, on,
                        median(syncs_per_batch[off_run]), median(syncs_per_batch[on_run]));
            std::printf("ratio group_commit_%zu_vs_off%s %.3f\n", threads, disk.c_str(), on / off);
            if (with_ceiling) {
                const double no_sync = median(rates[no_sync_run]);
                std::printf("%2zu thread(s), on, commits waiting for no sync (synchronous = NORMAL, this disk): %8.0f "
                            "batches/s (syncs a batch: %.2f)\n",
                            threads, no_sync, median(syncs_per_batch[no_sync_run]));
                std::printf("ceiling group_commit_%zu_vs_off%s %.3f\n", threads, disk.c_str(), no_sync / off);
            }
        }
    }
    std::filesystem::remove_all(dir);
    return 0;
}
