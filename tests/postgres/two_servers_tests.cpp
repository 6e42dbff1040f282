// Several servers on one PostgreSQL database: two server processes behind "a load balancer"
// (clients spread over both) acknowledging overlapping charges at the same moments.
#include "api_client.hpp"
#include "http_fixture.hpp"
#include "server_process.hpp"
#include "test_database.hpp"

#include "child_process.hpp"
#include "loopback_port.hpp"

#include <netflix_charges/http/handler.hpp>
#include <netflix_charges/http/server.hpp>
#include <netflix_charges/jwt_authenticator.hpp>
#include <netflix_charges/netflix_charges.hpp>
#include <netflix_charges/postgres_store.hpp>
#include <netflix_charges/testing.hpp>

#include <catch2/catch.hpp>

#include <map>
#include <mutex>
#include <thread>

using namespace netflix_charges;
using http_tests::api_client;
using http_tests::api_item;
using postgres_tests::server_on;

namespace {

const operator_id op{"op"};

std::string number_of(int i) { return "N" + std::to_string(10000 + i); }

}  // namespace

TEST_CASE("two server processes on one database: overlapping acknowledgements through both apply each charge once",
          "[postgres][servers]")
{
    constexpr int charge_count = 400;
    constexpr int client_count = 8;
    test_support::test_database database;
    std::string token;
    {
        postgres_store store{database.url()};
        charges_service service{store};
        std::vector<new_charge> charges;
        for (int i = 0; i < charge_count; ++i) charges.push_back(testing::a_charge(number_of(i)));
        service.issue_many(op, charges);
        jwt_authenticator auth{store, http_tests::fixture::auth_options()};
        auth.add_user(op, "billing", "", "correct horse");
        token = auth.login("billing", "correct horse", "op", std::nullopt).token;  // valid on both servers
    }
    const unsigned short ports[2] = {test_support::free_port(), test_support::free_port()};
    test_support::child_process first{server_on(database.url(), ports[0])};
    test_support::child_process second{server_on(database.url(), ports[1])};
    REQUIRE(test_support::wait_until_listening(ports[0]));
    REQUIRE(test_support::wait_until_listening(ports[1]));

    // Every client walks all charges from its own starting point in batches of 10, each item with
    // its own reference "K<client>-<number>": every charge is wanted by every client at some time.
    std::mutex mutex;
    std::map<std::string, std::vector<std::string>> told_applied;  // number -> references answered OK
    std::vector<std::string> problems;
    std::vector<std::thread> clients;
    for (int c = 0; c < client_count; ++c) {
        clients.emplace_back([&, c] {
            api_client client{ports[c % 2], token};
            for (int done = 0; done < charge_count; done += 10) {
                std::vector<api_item> batch;
                for (int k = 0; k < 10; ++k) {
                    const auto number = number_of((c * 53 + done + k) % charge_count);
                    batch.push_back({number, "customer-1", "K" + std::to_string(c) + "-" + number});
                }
                const auto failed = client.batch("acknowledge", batch);
                std::lock_guard lock{mutex};
                if (!failed) {
                    problems.push_back("a batch got no answer");
                    return;
                }
                for (const auto& item : batch) {
                    const auto refused = std::find_if(failed->begin(), failed->end(),
                                                      [&](const auto& f) { return f.first == item.number; });
                    if (refused == failed->end()) told_applied[item.number].push_back(item.reference);
                    else if (refused->second != "3") problems.push_back(item.number + " refused with " + refused->second);
                }
            }
        });
    }
    for (auto& t : clients) t.join();
    first.kill_now();
    second.kill_now();
    first.wait();
    second.wait();

    INFO((problems.empty() ? std::string{} : problems.front()));
    CHECK(problems.empty());
    postgres_store store{database.url()};
    charges_service service{store};
    for (int i = 0; i < charge_count; ++i) {
        const auto number = number_of(i);
        INFO(number);
        REQUIRE(told_applied[number].size() == 1);  // exactly one client was told "applied"
        const auto c = service.find(op, number);
        REQUIRE(c->acknowledged);
        CHECK(c->acknowledged->reference_number == told_applied[number].front());
    }

    // Both servers numbered one journal: every number once, in commit order, one acknowledged
    // entry per charge with the reference its client was told was applied.
    const auto entries = service.journal(op, 0, limits::max_journal_entries);
    REQUIRE(entries.size() == 2 * charge_count);  // issued, then acknowledged
    std::map<std::string, int> acknowledged;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        CHECK(entries[i].sequence == static_cast<std::int64_t>(i + 1));
        if (entries[i].kind != journal_kind::acknowledged) continue;
        ++acknowledged[entries[i].number];
        CHECK(entries[i].reference_number == told_applied[entries[i].number].front());
    }
    CHECK(acknowledged.size() == static_cast<std::size_t>(charge_count));
    for (const auto& [number, count] : acknowledged) CHECK(count == 1);
    REQUIRE(service.backlogs().size() == 1);
    CHECK(service.backlogs()[0].not_processed == 0);
}
