// Processes killed with SIGKILL mid-batch on PostgreSQL, again and again: one acknowledging
// through the store directly, and a server under HTTP load (crash_under_load.hpp). PostgreSQL
// rolls back what was not committed, so no batch is ever there in part, and every batch that
// was answered is there.
#include "test_database.hpp"

#include "child_process.hpp"
#include "crash_under_load.hpp"

#include <netflix_charges/netflix_charges.hpp>
#include <netflix_charges/postgres_store.hpp>
#include <netflix_charges/testing.hpp>

#include <catch2/catch.hpp>

#include <random>
#include <sstream>
#include <thread>

using namespace netflix_charges;

namespace {

const operator_id op{"op"};
constexpr int batch_size = 50;
constexpr int batch_count = 400;

std::string number_of(int i) { return "K" + std::to_string(100000 + i); }

// How many charges of batches [from, to) are acknowledged, each with its own reference.
int acknowledged_in(pqxx::connection& db, int from, int to)
{
    pqxx::work tx{db};
    const auto count = tx.exec_params1("SELECT count(*) FROM charges WHERE acknowledged_on IS NOT NULL "
                                       "AND acknowledgement_reference = 'R-' || number AND number >= $1 AND number < $2",
                                       number_of(from * batch_size), number_of(to * batch_size));
    return count[0].as<int>();
}

}  // namespace

TEST_CASE("a process killed mid-batch on PostgreSQL leaves no batch in part, and loses none it saw committed",
          "[postgres][crash]")
{
    test_support::test_database database;
    {
        postgres_store store{database.url()};
        charges_service service{store};
        std::vector<new_charge> all;
        for (int i = 0; i < batch_size * batch_count; ++i) all.push_back(testing::a_charge(number_of(i)));
        service.issue_many(op, all);
    }

    std::mt19937 random{20261124};
    int committed = 0;  // batches reported after their acknowledge returned
    int kills = 0;
    for (int round = 0; round < 15 && committed < batch_count; ++round) {
        const int first = committed;
        test_support::child_process child{[&](int report_fd) {
            postgres_store store{database.url()};
            charges_service service{store};
            const identity billing = identity::vouched_for_by_host("billing", op, "");
            for (int b = first; b < batch_count; ++b) {
                std::vector<charge_item> batch;
                for (int k = 0; k < batch_size; ++k) {
                    const auto number = number_of(b * batch_size + k);
                    batch.push_back({number, "customer-1", "R-" + number});
                }
                if (!service.acknowledge(billing, batch).failed.empty()) return 3;  // a replay answers OK too
                if (!test_support::write_report(report_fd, std::to_string(b) + "\n")) return 4;
            }
            return 0;
        }};
        std::this_thread::sleep_for(std::chrono::microseconds{std::uniform_int_distribution<int>{20000, 150000}(random)});
        child.kill_now();
        const int status = child.wait();
        if (WIFSIGNALED(status)) ++kills;
        std::istringstream reports{child.reports()};
        for (std::string line; std::getline(reports, line); ++committed) REQUIRE(std::stoi(line) == committed);

        pqxx::connection db{database.url()};
        CHECK(acknowledged_in(db, 0, committed) == committed * batch_size);
        const int next = acknowledged_in(db, committed, committed + 1);  // committed, not yet reported
        CHECK((next == 0 || next == batch_size));
        CHECK(acknowledged_in(db, committed + 1, batch_count + 1) == 0);
    }
    WARN("PostgreSQL: batches committed " << committed << ", kills survived " << kills);
    CHECK(kills >= 10);
    CHECK(committed > 0);
}

TEST_CASE("a server on PostgreSQL killed with SIGKILL while clients acknowledge keeps every answered acknowledgement",
          "[postgres][crash]")
{
    test_support::test_database database;
    http_tests::crash::server_killed_under_load<postgres_store>(
        "PostgreSQL", [&] { return std::make_unique<postgres_store>(database.url()); });
}
