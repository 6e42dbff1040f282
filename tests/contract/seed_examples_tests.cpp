// The examples of the two CRM.COM seed pages, through the library.
#include "fixture.hpp"

#include <catch2/catch.hpp>

using namespace contract;

TEST_CASE_METHOD(fixture, "seed: acknowledging I00002707 for customer pp, issued for another customer, fails with code 1",
                 "[contract][seed][acknowledge]")
{
    issue(a_charge("I00002707").for_customer("another-customer"));
    const auto result = service.acknowledge(caller, {{"I00002707", "pp", std::nullopt}});
    REQUIRE(result.failed.size() == 1);
    const auto& failure = result.failed[0];
    CHECK(failure.number == "I00002707");
    CHECK(failure.description == "The specified charge was not issued for the specified customer");
    CHECK(wire_code(failure.code) == "1");
    CHECK_FALSE(failure.reference_number);  // null on the wire
    CHECK_FALSE(stored("I00002707").acknowledged);
}

TEST_CASE_METHOD(fixture, "seed: declining PENDING charge I00002706 of customer pci155 succeeds",
                 "[contract][seed][decline]")
{
    issue(a_charge("I00002706").for_customer("pci155"));
    const auto result = service.decline(caller, {{"I00002706", "pci155", std::nullopt}});
    CHECK(result.failed.empty());
    CHECK(stored("I00002706").status == charge_status::declined);
    CHECK(stored("I00002706").set_as_declined_on == time.now());
}
