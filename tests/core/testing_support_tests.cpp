// What other codebases rely on in <netflix_charges/testing.hpp>.
#include <netflix_charges/sample_data.hpp>
#include <netflix_charges/testing.hpp>

#include <catch2/catch.hpp>

#include <set>

using namespace netflix_charges;
using namespace netflix_charges::testing;

TEST_CASE("a user's own test needs only a harness and a charge builder", "[testing]")
{
    harness h;
    h.issue(a_charge("I00002707").for_customer("pp"));
    const auto result = h.service.acknowledge(h.caller, {{"I00002707", "pp", std::nullopt}});
    CHECK(result.failed.empty());
    CHECK(h.service.list(h.caller, {}).empty());
}

TEST_CASE("the fixed clock stands still until set or advanced", "[testing]")
{
    fixed_clock time{at("2026-01-01T00:00:00")};
    CHECK(format_timestamp(time.now()) == "2026-01-01T00:00:00");
    time.advance(std::chrono::hours{25});
    CHECK(format_timestamp(time.now()) == "2026-01-02T01:00:00");
    time.set(at("2027-06-01T12:00:00"));
    CHECK(format_timestamp(time.now()) == "2027-06-01T12:00:00");
}

TEST_CASE("the harness stamps charges with its clock and records outcomes", "[testing]")
{
    harness h;
    h.time.set(at("2026-03-03T03:03:03"));
    const auto c = h.issue(a_charge("I1").costing("4.50", "GBP"), charge_status::approved);
    CHECK(c.received_on == at("2026-03-03T03:03:03"));
    CHECK(c.status == charge_status::approved);
    CHECK(c.set_as_approved_on == at("2026-03-03T03:03:03"));
    CHECK(c.amount.to_string() == "4.50");
}

TEST_CASE("the builder's helpers refuse malformed literals", "[testing]")
{
    CHECK_THROWS_AS(amount("9.99E0"), std::invalid_argument);
    CHECK_THROWS_AS(at("yesterday"), std::invalid_argument);
}

TEST_CASE("sample charges are the same on every run, valid, and in number order", "[testing][sample]")
{
    const auto start = at("2026-01-01T00:00:00");
    const auto charges = sample_charges(0, 500, start);
    const auto again = sample_charges(250, 250, start);
    REQUIRE(charges.size() == 500);
    CHECK(charges[0].number == "I0000000000");
    CHECK(sample_charge_number(1234567) == "I0001234567");
    std::set<std::string> currencies;
    harness h;
    h.service.issue_many(h.op, charges);  // every one passes validation
    for (std::size_t i = 0; i < 250; ++i) {
        CHECK(again[i].number == charges[250 + i].number);
        CHECK(again[i].amount.to_string() == charges[250 + i].amount.to_string());
        CHECK(again[i].billing_system_customer_identifier == charges[250 + i].billing_system_customer_identifier);
    }
    for (const auto& c : charges) currencies.insert(c.currency);
    CHECK(currencies.size() > 1);
    CHECK(h.service.list(h.caller, {status_class::not_processed, 0, 3})[2].number == "I0000000002");
}
