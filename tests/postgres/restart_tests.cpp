// PostgreSQL restarted (a fast shutdown, as a minor-version upgrade or a failover does) while
// clients acknowledge through two servers: calls wait for the database and run again on fresh
// connections, so no request fails once the restart has returned, /readyz is OK again at once,
// and every acknowledgement answered OK is stored exactly once. Restarts the tests' cluster, so
// it runs alone (RUN_SERIAL).
#include "api_client.hpp"
#include "http_fixture.hpp"
#include "server_process.hpp"
#include "test_database.hpp"

#include "child_process.hpp"
#include "loopback_port.hpp"
#include "raw_http_client.hpp"

#include <netflix_charges/http/handler.hpp>
#include <netflix_charges/http/server.hpp>
#include <netflix_charges/jwt_authenticator.hpp>
#include <netflix_charges/netflix_charges.hpp>
#include <netflix_charges/postgres_store.hpp>
#include <netflix_charges/testing.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <map>
#include <mutex>
#include <thread>

using namespace netflix_charges;
using http_tests::api_client;
using http_tests::api_item;
using postgres_tests::server_on;
using std::chrono::steady_clock;

namespace {

const operator_id op{"op"};

// The tests' cluster folder, from its URL (host=<folder>&...).
std::string cluster_folder()
{
    const std::string url = std::getenv("NETFLIX_CHARGES_TEST_POSTGRES");
    const auto at = url.find("host=") + 5;
    return url.substr(at, url.find('&', at) - at);
}

void restart_cluster()
{
    const auto command = std::string{NETFLIX_CHARGES_TEST_CLUSTER_SCRIPT} + " restart " + cluster_folder();
    REQUIRE(std::system(command.c_str()) == 0);
}

bool ready(unsigned short port)
{
    try {
        test_support::raw_connection c{port};
        c.send(test_support::get_request("/readyz", true));
        const auto r = c.read_response();
        return r && r->status == 200;
    } catch (const std::exception&) {
        return false;
    }
}

std::string number_of(int client, int i) { return "R" + std::to_string(client) + "-" + std::to_string(100000 + i); }

}  // namespace

TEST_CASE("PostgreSQL restarted twice under acknowledge load through two servers: no request fails after it",
          "[postgres][servers][faults]")
{
    constexpr int client_count = 4;
    constexpr int charges_per_client = 20000;
    test_support::test_database database;
    std::string token;
    {
        postgres_store store{database.url()};
        charges_service service{store};
        for (int c = 0; c < client_count; ++c) {
            std::vector<new_charge> charges;
            for (int i = 0; i < charges_per_client; ++i) charges.push_back(testing::a_charge(number_of(c, i)));
            service.issue_many(op, charges);
        }
        jwt_authenticator auth{store, http_tests::fixture::auth_options()};
        auth.add_user(op, "billing", "", "correct horse");
        token = auth.login("billing", "correct horse", "op", std::nullopt).token;
    }
    const unsigned short ports[2] = {test_support::free_port(), test_support::free_port()};
    test_support::child_process first{server_on(database.url(), ports[0])};
    test_support::child_process second{server_on(database.url(), ports[1])};
    REQUIRE(test_support::wait_until_listening(ports[0]));
    REQUIRE(test_support::wait_until_listening(ports[1]));

    std::atomic<bool> running{true};
    std::mutex mutex;
    std::vector<steady_clock::time_point> failed_at;  // when each failed request was sent
    std::map<std::string, std::string> told_applied;  // number -> reference answered OK
    std::vector<std::thread> clients;
    for (int c = 0; c < client_count; ++c) {
        clients.emplace_back([&, c] {
            api_client client{ports[c % 2], token};
            for (int cursor = 0; running && cursor + 10 <= charges_per_client;) {
                std::vector<api_item> batch;
                for (int i = cursor; i < cursor + 10; ++i)
                    batch.push_back({number_of(c, i), "customer-1", "K" + number_of(c, i)});
                const auto sent = steady_clock::now();
                const auto failed = client.batch("acknowledge", batch);
                std::lock_guard lock{mutex};
                if (!failed || !failed->empty()) {
                    failed_at.push_back(sent);  // sent again next time: a replay is harmless
                    continue;
                }
                for (const auto& item : batch) told_applied[item.number] = item.reference;
                cursor += 10;
            }
        });
    }

    std::vector<steady_clock::time_point> returned;  // when each restart returned
    for (int restart = 0; restart < 2; ++restart) {
        std::this_thread::sleep_for(std::chrono::milliseconds{1500});
        restart_cluster();
        returned.push_back(steady_clock::now());
        for (const auto port : ports) {
            bool ok = false;
            while (!(ok = ready(port)) && steady_clock::now() < returned.back() + std::chrono::seconds{2})
                std::this_thread::sleep_for(std::chrono::milliseconds{50});
            INFO("server on port " << port);
            CHECK(ok);  // within 2 s of the restart
        }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{1500});
    running = false;
    for (auto& t : clients) t.join();
    first.kill_now();
    second.kill_now();
    first.wait();
    second.wait();

    std::size_t failed_after_restart = 0;
    for (const auto& t : failed_at)
        for (const auto& r : returned) failed_after_restart += t >= r ? 1 : 0;
    std::printf("postgres restarts: %zu batches answered OK, %zu failed (%zu sent after a restart had returned)\n",
                told_applied.size() / 10, failed_at.size(), failed_after_restart);
    CHECK(failed_after_restart == 0);
    CHECK(told_applied.size() > 1000);  // the clients did real work around the restarts

    postgres_store store{database.url()};
    charges_service service{store};
    std::map<std::string, int> entries;
    for (std::int64_t after = 0;;) {
        const auto page = service.journal(op, after, limits::max_journal_entries);
        if (page.empty()) break;
        for (const auto& e : page)
            if (e.kind == journal_kind::acknowledged) ++entries[e.number];
        after = page.back().sequence;
    }
    for (const auto& [number, reference] : told_applied) {
        INFO(number);
        const auto c = service.find(op, number);
        REQUIRE(c->acknowledged);
        CHECK(c->acknowledged->reference_number == reference);
        CHECK(entries[number] == 1);  // stored exactly once
    }
}
