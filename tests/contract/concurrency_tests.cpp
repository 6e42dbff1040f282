// Many threads on one store: every charge acknowledged or decided exactly once.
// Catch2's assertions are not thread-safe: threads only collect, the test thread checks.
#include "fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

using namespace contract;

namespace {

constexpr int thread_count = 8;
constexpr int charge_count = 200;

std::string number_of(int i) { return "I" + std::to_string(1000 + i); }

}  // namespace

TEST_CASE_METHOD(fixture, "8 threads acknowledging overlapping batches acknowledge every charge exactly once",
                 "[contract][concurrency]")
{
    for (int i = 0; i < charge_count; ++i) issue(a_charge(number_of(i)));

    // Thread t acknowledges every charge in batches of 40 that overlap the other threads' batches,
    // each with its own reference numbers, so a charge acknowledged by two threads would show.
    std::map<std::string, int> successes;  // number -> how many threads were told "applied"
    std::map<std::string, std::string> winner_reference;
    std::vector<errc> failure_codes;
    std::mutex results_mutex;
    std::vector<std::thread> threads;
    for (int t = 0; t < thread_count; ++t) {
        threads.emplace_back([&, t] {
            for (int start = (t * 25) % charge_count, done = 0; done < charge_count; done += 40) {
                std::vector<charge_item> batch;
                for (int k = 0; k < 40; ++k) {
                    const auto number = number_of((start + done + k) % charge_count);
                    batch.push_back(item(number, "customer-1", "T" + std::to_string(t) + "-" + number));
                }
                const auto result = service.acknowledge(caller, batch);
                std::set<std::string> failed;
                std::lock_guard lock{results_mutex};
                for (const auto& f : result.failed) {
                    failure_codes.push_back(f.code);
                    failed.insert(f.number);
                }
                for (const auto& i : batch)
                    if (failed.count(i.number) == 0) {
                        ++successes[i.number];
                        winner_reference[i.number] = *i.reference_number;
                    }
            }
        });
    }
    for (auto& thread : threads) thread.join();

    // Every charge is acknowledged once and refused (code 3) to the seven other threads.
    CHECK(failure_codes.size() == static_cast<std::size_t>(charge_count * (thread_count - 1)));
    CHECK(std::count(failure_codes.begin(), failure_codes.end(), errc::acknowledged_with_other_reference) ==
          static_cast<std::ptrdiff_t>(failure_codes.size()));
    for (int i = 0; i < charge_count; ++i) {
        const auto number = number_of(i);
        CAPTURE(number);
        CHECK(successes[number] == 1);
        const auto c = stored(number);
        REQUIRE(c.acknowledged);
        CHECK(c.acknowledged->reference_number == winner_reference[number]);
    }
    CHECK(listed(status_class::not_processed).empty());
}

TEST_CASE_METHOD(fixture, "threads accepting and declining the same charges decide each exactly once",
                 "[contract][concurrency]")
{
    for (int i = 0; i < charge_count; ++i) issue(a_charge(number_of(i)));
    std::atomic<int> accepted{0};
    std::atomic<int> declined{0};
    std::atomic<int> unexpected_failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < thread_count; ++t) {
        threads.emplace_back([&, t] {
            for (int start = 0; start < charge_count; start += 50) {
                std::vector<charge_item> batch;
                for (int k = 0; k < 50; ++k) batch.push_back(item(number_of(start + k)));
                const bool accepting = t % 2 == 0;
                const auto result = accepting ? service.accept(caller, batch) : service.decline(caller, batch);
                // A loser sees code 5 (decided the other way); a same-way replay succeeds but
                // changes nothing, so count successes from the stored state below instead.
                for (const auto& f : result.failed)
                    if (f.code != errc::charge_not_pending) ++unexpected_failures;
                (accepting ? accepted : declined) += static_cast<int>(batch.size() - result.failed.size());
            }
        });
    }
    for (auto& thread : threads) thread.join();

    CHECK(unexpected_failures.load() == 0);
    int approved_now = 0;
    for (int i = 0; i < charge_count; ++i) {
        const auto c = stored(number_of(i));
        REQUIRE(c.decision);
        CHECK(c.status == (c.decision->kind == decision_kind::accept ? charge_status::approved : charge_status::declined));
        approved_now += c.status == charge_status::approved ? 1 : 0;
    }
    // Every accept call told "applied" for a charge that ended APPROVED, and only those:
    // 4 accepting threads each saw success exactly for the approved charges.
    CHECK(accepted.load() == approved_now * (thread_count / 2));
    CHECK(declined.load() == (charge_count - approved_now) * (thread_count / 2));
}
