// The sample server's commands on PostgreSQL: --db takes a postgresql:// URL.
#include "test_database.hpp"

#include "command.hpp"
#include "journal_report_commands.hpp"
#include "raw_http_client.hpp"
#include "temporary_directory.hpp"

#include <netflix_charges/postgres_store.hpp>
#include <netflix_charges/service.hpp>

#include <catch2/catch.hpp>

#include <fstream>

TEST_CASE("the commands take a postgresql:// URL: user add, import, and serve answering a login", "[postgres][cli]")
{
    const std::string cli = NETFLIX_CHARGES_CLI;
    test_support::test_database database;
    test_support::temporary_directory folder;
    const auto lines = folder.file("charges.jsonl");
    std::ofstream{lines} << R"({"number":"P1","billing_system_customer_identifier":"c1","amount":9.99,"currency":"EUR","paid_through_date":"2026-12-31"})"
                         << "\n";

    CHECK(test_support::run({cli, "user", "add", "--db", database.url(), "--org", "ps_dev", "--user", "billing"},
                            "correct horse\n")
              .exit_code == 0);
    const auto imported = test_support::run({cli, "import", "--db", database.url(), "--org", "ps_dev", lines});
    CHECK(imported.exit_code == 0);
    CHECK(imported.out.find("1 issued") != std::string::npos);

    test_support::process server{{cli, "serve", "--db", database.url(), "--listen", "127.0.0.1:0"}};
    const auto log = server.wait_for_error_text("with 2 thread(s)");
    const auto at = log.find("on http://127.0.0.1:");
    REQUIRE(at != std::string::npos);
    test_support::raw_connection c{static_cast<unsigned short>(std::stoi(log.substr(at + 20)))};
    c.send(test_support::post_request("/crmapi/rest/v2/authentication/token",
                                      R"({"username":"billing","password":"correct horse","organisation":"ps_dev"})"));
    const auto login = c.read_response();
    REQUIRE(login);
    CHECK(login->body.find(R"("code":"OK")") != std::string::npos);
    server.signal(SIGTERM);
    CHECK(server.wait().exit_code == 0);

    netflix_charges::postgres_store store{database.url()};
    CHECK(netflix_charges::charges_service{store}.find(netflix_charges::operator_id{"ps_dev"}, "P1"));
}

TEST_CASE("journal and report on PostgreSQL: JSON Lines by cursor, pruning, exact CSV totals and detail",
          "[postgres][cli][journal]")
{
    test_support::test_database database;
    netflix_charges::postgres_store store{database.url()};
    netflix_charges::charges_service service{store};
    test_support::check_journal_and_report_commands(NETFLIX_CHARGES_CLI, database.url(), service);
}
