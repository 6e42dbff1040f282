#pragma once

// `netflix-charges journal` and `report` run as processes on a database (a SQLite file or a
// postgresql:// URL), with `service` on the same database making the operator's changes.
// Shared by the SQLite and the PostgreSQL command-line tests.

#include "command.hpp"
#include "temporary_directory.hpp"

#include <netflix_charges/service.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace test_support {

inline std::vector<boost::json::object> json_lines(const std::string& text)
{
    std::vector<boost::json::object> lines;
    std::istringstream in{text};
    for (std::string line; std::getline(in, line);) lines.push_back(boost::json::parse(line).as_object());
    return lines;
}

inline void check_journal_and_report_commands(const std::string& cli, const std::string& db,
                                              netflix_charges::charges_service& service)
{
    namespace nc = netflix_charges;
    temporary_directory folder;
    const auto lines = folder.file("charges.jsonl");
    {
        // Ten amounts of 0.10, whose sum in binary floating point is 0.9999999999999999, and two
        // of 18 digits, whose sum no double holds.
        std::ofstream out{lines};
        for (int i = 0; i < 10; ++i)
            out << R"({"number":"T)" << i << R"(","billing_system_customer_identifier":"cust, \"quoted\"","amount":0.10,)"
                << R"("currency":"EUR","paid_through_date":"2026-01-31","received_on":"2026-01-0)" << (i % 3) + 1
                << "T23:59:59\"}\n";
        for (int i = 0; i < 2; ++i)
            out << R"({"number":"U)" << i << R"(","billing_system_customer_identifier":"c","amount":999999999999.999999,)"
                << R"("currency":"USD","paid_through_date":"2026-01-31","received_on":"2026-01-02T00:00:00"})" << '\n';
        out << R"({"number":"LATE","billing_system_customer_identifier":"c","amount":1,"currency":"EUR",)"
            << R"("paid_through_date":"2026-01-31","received_on":"2026-01-04T00:00:00"})" << '\n';
    }
    REQUIRE(run({cli, "import", "--db", db, "--org", "ps_dev", lines}).exit_code == 0);
    const nc::operator_id op{"ps_dev"};
    const auto billing = nc::identity::vouched_for_by_host("billing", op, "unit-1");
    REQUIRE(service.acknowledge(billing, {{"T0", "cust, \"quoted\"", std::string{"ACK,1"}}}).failed.empty());
    REQUIRE(service.accept(billing, {{"T1", "cust, \"quoted\"", std::string{"ACC-1"}}}).failed.empty());

    SECTION("journal prints JSON Lines after a cursor")
    {
        const auto all = run({cli, "journal", "--db", db, "--org", "ps_dev"});
        REQUIRE(all.exit_code == 0);
        const auto entries = json_lines(all.out);
        REQUIRE(entries.size() == 15);  // 13 issued, 1 acknowledged, 1 accepted
        CHECK(entries[0].at("sequence").as_int64() == 1);
        CHECK(entries[0].at("kind").as_string() == "issued");
        CHECK(entries[0].at("user").is_null());
        CHECK(entries[0].at("reference_number").is_null());
        const auto& acknowledged = entries[13];
        CHECK(acknowledged.at("kind").as_string() == "acknowledged");
        CHECK(acknowledged.at("number").as_string() == "T0");
        CHECK(acknowledged.at("charge_status").as_string() == "PENDING");
        CHECK(acknowledged.at("reference_number").as_string() == "ACK,1");
        CHECK(acknowledged.at("user").as_string() == "billing");
        CHECK(acknowledged.at("unit").as_string() == "unit-1");
        CHECK(nc::parse_timestamp(std::string{acknowledged.at("at").as_string()}));
        CHECK(entries[14].at("charge_status").as_string() == "APPROVED");

        const auto page = json_lines(run({cli, "journal", "--db", db, "--org", "ps_dev", "--after", "13", "--limit", "1"}).out);
        REQUIRE(page.size() == 1);
        CHECK(page[0].at("sequence").as_int64() == 14);
        CHECK(run({cli, "journal", "--db", db, "--org", "ps_dev", "--after", "15"}).out.empty());
        CHECK(run({cli, "journal", "--db", db, "--org", "nobody"}).out.empty());
        CHECK(run({cli, "journal", "--db", db}).exit_code == 2);  // no operator
        CHECK(run({cli, "journal", "--db", db, "--org", "ps_dev", "--after", "-1"}).exit_code != 0);
        CHECK(run({cli, "journal", "--db", db, "--org", "ps_dev", "--limit", "0"}).exit_code != 0);
        CHECK(run({cli, "journal", "--help"}).exit_code == 0);
    }

    SECTION("journal --prune-before removes old entries and leaves the charges")
    {
        const auto bad = run({cli, "journal", "--db", db, "--prune-before", "2026-02-30"});
        CHECK(bad.exit_code == 2);
        CHECK(bad.err.find("--prune-before") != std::string::npos);
        CHECK(run({cli, "journal", "--db", db, "--prune-before", "2000-01-01"}).out.find("removed 0 ") != std::string::npos);
        const auto pruned = run({cli, "journal", "--db", db, "--prune-before", "9999-12-31"});
        CHECK(pruned.exit_code == 0);
        CHECK(pruned.out.find("removed 15 ") != std::string::npos);
        CHECK(run({cli, "journal", "--db", db, "--org", "ps_dev"}).out.empty());
        CHECK(service.find(op, "T0")->acknowledged);
    }

    SECTION("report sums exactly by status and currency, days included, UTC")
    {
        const auto r = run({cli, "report", "--db", db, "--org", "ps_dev", "--from", "2026-01-01", "--to", "2026-01-03"});
        REQUIRE(r.exit_code == 0);
        CHECK(r.out == "charge_status,currency,charges,amount\n"
                       "PENDING,EUR,9,0.90\n"
                       "PENDING,USD,2,1999999999999.999998\n"
                       "APPROVED,EUR,1,0.10\n");
        const auto one_day = run({cli, "report", "--db", db, "--org", "ps_dev", "--from", "2026-01-02", "--to", "2026-01-02"});
        CHECK(one_day.out == "charge_status,currency,charges,amount\n"
                             "PENDING,EUR,2,0.20\n"
                             "PENDING,USD,2,1999999999999.999998\n"
                             "APPROVED,EUR,1,0.10\n");
        CHECK(run({cli, "report", "--db", db, "--org", "ps_dev", "--from", "2025-01-01", "--to", "2025-12-31"}).out ==
              "charge_status,currency,charges,amount\n");
        CHECK(run({cli, "report", "--db", db, "--org", "ps_dev", "--from", "2026-01-03", "--to", "2026-01-01"}).exit_code == 2);
        CHECK(run({cli, "report", "--db", db, "--org", "ps_dev", "--from", "2026-1-1", "--to", "2026-01-01"}).exit_code == 2);
        CHECK(run({cli, "report", "--help"}).exit_code == 0);
    }

    SECTION("report --detail prints one CSV line per charge, in list order, quoted where needed")
    {
        const auto r = run({cli, "report", "--db", db, "--org", "ps_dev", "--from", "2026-01-01", "--to", "2026-01-01",
                            "--detail"});
        REQUIRE(r.exit_code == 0);
        std::istringstream in{r.out};
        std::vector<std::string> rows;
        for (std::string line; std::getline(in, line);) rows.push_back(line);
        REQUIRE(rows.size() == 5);
        CHECK(rows[0] == "number,billing_system_customer_identifier,charge_status,amount,currency,received_on,"
                         "acknowledged_on,acknowledgement_reference,decided_on,decision_reference");
        const auto acknowledged = service.find(op, "T0")->acknowledged->on;
        CHECK(rows[1] == "T0,\"cust, \"\"quoted\"\"\",PENDING,0.10,EUR,2026-01-01T23:59:59," +
                             nc::format_timestamp(acknowledged) + ",\"ACK,1\",,");
        CHECK(rows[2].rfind("T3,", 0) == 0);
        CHECK(rows[4].rfind("T9,", 0) == 0);
    }
}

}  // namespace test_support
