// The operator's list call.
#include "fixture.hpp"

#include <catch2/catch.hpp>

using namespace contract;
using strings = std::vector<std::string>;

TEST_CASE_METHOD(fixture, "NOT_PROCESSED lists PENDING charges, PROCESSED lists the four terminal statuses",
                 "[contract][list]")
{
    issue(a_charge("P1"));
    issue(a_charge("A1"), charge_status::approved);
    issue(a_charge("D1"), charge_status::declined);
    issue(a_charge("B1"), charge_status::bad_request);
    issue(a_charge("R1"), charge_status::rejected);
    issue(a_charge("P2"));
    CHECK(listed(status_class::not_processed) == strings{"P1", "P2"});
    CHECK(listed(status_class::processed) == strings{"A1", "B1", "D1", "R1"});
}

TEST_CASE_METHOD(fixture, "the list is oldest received first, ties broken by number", "[contract][list]")
{
    issue(a_charge("C").received_on(at("2026-01-02T00:00:00")));
    issue(a_charge("B").received_on(at("2026-01-01T00:00:00")));
    issue(a_charge("Z").received_on(at("2025-06-01T00:00:00")));
    issue(a_charge("A").received_on(at("2026-01-02T00:00:00")));
    CHECK(listed(status_class::not_processed) == strings{"Z", "B", "A", "C"});
}

TEST_CASE_METHOD(fixture, "offset and number_of_results page through the list without gaps or repeats",
                 "[contract][list]")
{
    strings all;
    for (int i = 0; i < 23; ++i) {
        char number[8];
        std::snprintf(number, sizeof number, "I%03d", i);
        all.emplace_back(number);
        issue(a_charge(number).received_on(at("2026-01-01T00:00:00") + std::chrono::seconds{i / 3}));
    }
    strings paged;
    for (std::size_t offset = 0; offset < 30; offset += 7) {
        const auto page = listed(status_class::not_processed, offset, 7);
        CHECK(page.size() == (offset + 7 <= 23 ? 7 : (offset < 23 ? 23 - offset : 0)));
        paged.insert(paged.end(), page.begin(), page.end());
    }
    CHECK(paged == all);
    CHECK(listed(status_class::not_processed, 23, 50).empty());
    CHECK(listed(status_class::not_processed, 1000000, 50).empty());
}

TEST_CASE_METHOD(fixture, "an acknowledged charge is never listed again", "[contract][list]")
{
    issue(a_charge("P1"));
    issue(a_charge("P2"));
    issue(a_charge("A1"), charge_status::approved);
    REQUIRE(service.acknowledge(caller, {item("P1"), item("A1")}).failed.empty());
    CHECK(listed(status_class::not_processed) == strings{"P2"});
    CHECK(listed(status_class::processed).empty());
    service.record_outcome(op, "P1", charge_status::approved);
    CHECK(listed(status_class::processed).empty());
}

TEST_CASE_METHOD(fixture, "a page polled again is the same until a write, and shows every write at once",
                 "[contract][list]")
{
    issue(a_charge("P1").received_on(at("2026-01-02T00:00:00")));
    issue(a_charge("P2").received_on(at("2026-01-03T00:00:00")));
    const list_request request{status_class::not_processed, 0, 50};
    const auto first = service.list(caller, request);
    CHECK(service.list(caller, request) == first);
    CHECK(listed(status_class::not_processed, 1, 1) == std::vector<std::string>{"P2"});

    issue(a_charge("P0").received_on(at("2026-01-01T00:00:00")));  // before both: the second page shifts
    CHECK(listed(status_class::not_processed) == std::vector<std::string>{"P0", "P1", "P2"});
    CHECK(listed(status_class::not_processed, 1, 1) == std::vector<std::string>{"P1"});
    REQUIRE(service.acknowledge(caller, {item("P1")}).failed.empty());
    CHECK(listed(status_class::not_processed) == std::vector<std::string>{"P0", "P2"});
    CHECK(listed(status_class::not_processed, 1, 1) == std::vector<std::string>{"P2"});
    service.record_outcome(op, "P0", charge_status::approved);
    CHECK(listed(status_class::not_processed) == std::vector<std::string>{"P2"});
    CHECK(listed(status_class::processed) == std::vector<std::string>{"P0"});
    CHECK(service.list(other_caller, request).empty());
}

TEST_CASE_METHOD(fixture, "a processed charge moves from NOT_PROCESSED to PROCESSED", "[contract][list]")
{
    issue(a_charge("P1"));
    issue(a_charge("P2"));
    service.record_outcome(op, "P1", charge_status::bad_request);
    REQUIRE(service.decline(caller, {item("P2")}).failed.empty());
    CHECK(listed(status_class::not_processed).empty());
    CHECK(listed(status_class::processed) == strings{"P1", "P2"});
}

TEST_CASE_METHOD(fixture, "the list returns each charge whole", "[contract][list]")
{
    issue(a_charge("I1").in_local_currency("17.50", "GBP").received_on(at("2026-01-01T00:00:00")));
    service.record_outcome(op, "I1", charge_status::approved, at("2026-01-03T00:00:00"));
    const auto listed_charges = service.list(caller, {status_class::processed, 0, 1});
    REQUIRE(listed_charges.size() == 1);
    CHECK(listed_charges[0] == stored("I1"));
    CHECK(listed_charges[0].local_currency_amount->to_string() == "17.50");
    CHECK(listed_charges[0].set_as_approved_on == at("2026-01-03T00:00:00"));
}

TEST_CASE_METHOD(fixture, "number_of_results must be 1 to 50", "[contract][list]")
{
    for (int i = 0; i < 55; ++i) issue(a_charge("I" + std::to_string(100 + i)));
    CHECK(listed(status_class::not_processed, 0, 1).size() == 1);
    CHECK(listed(status_class::not_processed, 0, 50).size() == 50);
    for (std::size_t bad : {std::size_t{0}, std::size_t{51}, std::size_t{1000}}) {
        try {
            service.list(caller, {status_class::not_processed, 0, bad});
            FAIL("accepted " << bad);
        } catch (const error& e) {
            CHECK(e.code_value() == errc::invalid_parameter);
            CHECK(e.field() == "number_of_results");
        }
    }
}
