// The storage port's write itself, below the service's rules: what a planner's writes do.
#include "fixture.hpp"

#include <catch2/catch.hpp>

using namespace contract;

TEST_CASE_METHOD(fixture, "a write's changes to one charge apply in order, each on the one before",
                 "[contract][write]")
{
    // A store may write each changed charge once (the SQLite store does), but what it stores is
    // what applying the updates one after the other gives.
    issue(a_charge("I1"));
    issue(a_charge("I2"));
    const auto first = at("2026-05-06T07:00:00"), second = at("2026-05-06T08:00:00"), third = at("2026-05-06T09:00:00");
    store->write(op, {{"I1", "I2"}, {"R1", "D1", "R2", "R3"}}, [&](const batch_snapshot& snapshot) {
        REQUIRE(snapshot.charges.size() == 2);
        batch_writes writes;
        writes.updates.push_back({"I1", std::nullopt, {}, acknowledgement{first, "R1"}, std::nullopt});
        writes.updates.push_back({"I1", charge_status::approved, second, std::nullopt,
                                  operator_decision{decision_kind::accept, second, "D1"}});
        writes.updates.push_back({"I2", std::nullopt, {}, acknowledgement{first, "R3"}, std::nullopt});
        writes.updates.push_back({"I1", std::nullopt, {}, acknowledgement{third, "R2"}, std::nullopt});
        return writes;
    });
    const auto changed = stored("I1");
    CHECK(changed.status == charge_status::approved);
    CHECK(changed.set_as_approved_on == second);
    CHECK(changed.decision == operator_decision{decision_kind::accept, second, "D1"});
    CHECK(changed.acknowledged == acknowledgement{third, "R2"});
    CHECK(stored("I2").acknowledged == acknowledgement{first, "R3"});
    CHECK(stored("I2").status == charge_status::pending);
    for (const auto* reference : {"R1", "D1", "R2"}) CHECK(service.find_by_reference(op, reference)->number == "I1");
}
