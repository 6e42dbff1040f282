// The operator's accept and decline calls: one mechanism, two outcomes.
#include "fixture.hpp"

#include <catch2/catch.hpp>

using namespace contract;
using strings = std::vector<std::string>;

namespace {

struct decision_call {
    const char* name;
    batch_result (charges_service::*call)(const identity&, const std::vector<charge_item>&);
    charge_status outcome;
    decision_kind kind;
    const char* code_6_description;
};

const decision_call accept_call{"accept", &charges_service::accept, charge_status::approved, decision_kind::accept,
                                "The specified charge was already accepted with a different reference number"};
const decision_call decline_call{"decline", &charges_service::decline, charge_status::declined,
                                 decision_kind::decline,
                                 "The specified charge was already declined with a different reference number"};

struct decision_fixture : fixture {
    batch_result run(const decision_call& d, const std::vector<charge_item>& items)
    {
        return (service.*d.call)(caller, items);
    }

    // I1 decided by `d` with reference R1 and I2 without one; then, a check that a later call
    // left both as they were.
    struct decided_pair {
        decision_fixture& f;
        charge first, second;
        void unchanged() const
        {
            CHECK(f.stored("I1") == first);
            CHECK(f.stored("I2") == second);
        }
    };
    decided_pair decide_two(const decision_call& d)
    {
        issue(a_charge("I1"));
        issue(a_charge("I2"));
        REQUIRE(run(d, {item("I1", "customer-1", "R1"), item("I2")}).failed.empty());
        return {*this, stored("I1"), stored("I2")};
    }
};

}  // namespace

TEST_CASE_METHOD(decision_fixture, "accept and decline move a PENDING charge to APPROVED and DECLINED",
                 "[contract][accept][decline]")
{
    const auto d = GENERATE(accept_call, decline_call);
    CAPTURE(d.name);
    issue(a_charge("I1"));
    time.set(at("2026-07-08T09:10:11"));
    CHECK(run(d, {item("I1", "customer-1", "REF")}).failed.empty());
    const auto c = stored("I1");
    CHECK(c.status == d.outcome);
    CHECK((d.outcome == charge_status::approved ? c.set_as_approved_on : c.set_as_declined_on) ==
          at("2026-07-08T09:10:11"));
    CHECK_FALSE((d.outcome == charge_status::approved ? c.set_as_declined_on : c.set_as_approved_on));
    REQUIRE(c.decision);
    CHECK(c.decision->kind == d.kind);
    CHECK(c.decision->on == at("2026-07-08T09:10:11"));
    CHECK(c.decision->reference_number == "REF");
    CHECK_FALSE(c.acknowledged);  // deciding is not acknowledging: it is listed as PROCESSED
    CHECK(listed(status_class::processed) == strings{"I1"});
    CHECK(service.find_by_reference(op, "REF")->number == "I1");
}

TEST_CASE_METHOD(decision_fixture, "an acknowledged PENDING charge can still be accepted or declined",
                 "[contract][accept][decline]")
{
    const auto d = GENERATE(accept_call, decline_call);
    issue(a_charge("I1"));
    REQUIRE(service.acknowledge(caller, {item("I1")}).failed.empty());
    CHECK(run(d, {item("I1")}).failed.empty());
    CHECK(stored("I1").status == d.outcome);
}

TEST_CASE_METHOD(decision_fixture, "code 5: a charge the host already processed cannot be accepted or declined",
                 "[contract][accept][decline]")
{
    const auto d = GENERATE(accept_call, decline_call);
    const auto status =
        GENERATE(charge_status::approved, charge_status::declined, charge_status::bad_request, charge_status::rejected);
    const auto before = issue(a_charge("I1"), status);
    const auto result = run(d, {item("I1", "customer-1", "REF")});
    CHECK(codes(result) == strings{"5"});
    CHECK(result.failed[0].reference_number == "REF");
    CHECK(stored("I1") == before);
    CHECK_FALSE(service.find_by_reference(op, "REF"));
}

TEST_CASE_METHOD(decision_fixture, "code 5: an accepted charge cannot be declined, nor a declined one accepted",
                 "[contract][accept][decline]")
{
    issue(a_charge("I1"));
    issue(a_charge("I2"));
    REQUIRE(service.accept(caller, {item("I1", "customer-1", "A")}).failed.empty());
    REQUIRE(service.decline(caller, {item("I2", "customer-1", "D")}).failed.empty());
    const auto before1 = stored("I1");
    const auto before2 = stored("I2");
    CHECK(codes(service.decline(caller, {item("I1", "customer-1", "A")})) == strings{"5"});
    CHECK(codes(service.decline(caller, {item("I1")})) == strings{"5"});
    CHECK(codes(service.accept(caller, {item("I2", "customer-1", "D")})) == strings{"5"});
    CHECK(stored("I1") == before1);
    CHECK(stored("I2") == before2);
}

TEST_CASE_METHOD(decision_fixture, "a replayed accept or decline with the same reference changes nothing",
                 "[contract][accept][decline]")
{
    const auto d = GENERATE(accept_call, decline_call);
    const auto decided = decide_two(d);
    time.advance(std::chrono::hours{1});
    CHECK(run(d, {item("I1", "customer-1", "R1"), item("I2")}).failed.empty());
    decided.unchanged();
}

TEST_CASE_METHOD(decision_fixture, "code 6: already accepted or declined with a different reference number",
                 "[contract][accept][decline]")
{
    const auto d = GENERATE(accept_call, decline_call);
    const auto decided = decide_two(d);
    for (const auto& retry : {item("I1", "customer-1", "R2"), item("I1"), item("I2", "customer-1", "R3")}) {
        const auto result = run(d, {retry});
        REQUIRE(codes(result) == strings{"6"});
        CHECK(result.failed[0].description == d.code_6_description);
    }
    decided.unchanged();
}

TEST_CASE_METHOD(decision_fixture, "accept and decline check codes 1, 2, 4 and 7 as acknowledge does",
                 "[contract][accept][decline]")
{
    const auto d = GENERATE(accept_call, decline_call);
    issue(a_charge("I1").for_customer("alice"));
    issue(a_charge("I2"));
    issue(a_charge("I3"));
    issue(a_charge("I4"));
    REQUIRE(service.acknowledge(caller, {item("I2", "customer-1", "TAKEN")}).failed.empty());
    const auto result = run(d, {item("I1", "bob"), item("NOPE"), item("I3", "customer-1", "TAKEN"), item("I4"),
                                item("I4")});
    CHECK(codes(result) == strings{"1", "2", "4", "7"});
    CHECK(stored("I1").status == charge_status::pending);
    CHECK(stored("I3").status == charge_status::pending);
    CHECK(stored("I4").status == d.outcome);
}

TEST_CASE_METHOD(decision_fixture, "code 4 is checked before code 5", "[contract][accept][decline]")
{
    const auto d = GENERATE(accept_call, decline_call);
    issue(a_charge("I1"), charge_status::rejected);
    issue(a_charge("I2"));
    REQUIRE(service.acknowledge(caller, {item("I2", "customer-1", "TAKEN")}).failed.empty());
    CHECK(codes(run(d, {item("I1", "customer-1", "TAKEN")})) == strings{"4"});
}

TEST_CASE_METHOD(decision_fixture, "accept and decline hold 1 to 50 items, naming their own set",
                 "[contract][accept][decline][limits]")
{
    const auto d = GENERATE(accept_call, decline_call);
    issue(a_charge("I1"));
    std::vector<charge_item> too_many(51, item("I1"));
    for (const auto* items : {&too_many}) {
        try {
            run(d, *items);
            FAIL("accepted");
        } catch (const error& e) {
            CHECK(e.code_value() == errc::too_many_items);
            CHECK(e.field() == "items");
        }
    }
    try {
        run(d, {item("I1"), item("I1", "")});
        FAIL("accepted");
    } catch (const error& e) {
        CHECK(e.code_value() == errc::missing_parameter);
        CHECK(e.field() == "billing_system_customer_identifier");
        CHECK(e.item() == std::size_t{1});
    }
    CHECK_THROWS_AS(run(d, {}), error);
    CHECK(stored("I1").status == charge_status::pending);
}
