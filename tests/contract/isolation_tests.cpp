// Nothing of one operator is visible to, or changeable by, another.
#include "fixture.hpp"

#include <catch2/catch.hpp>

using namespace contract;
using strings = std::vector<std::string>;

TEST_CASE_METHOD(fixture, "another operator's charge number behaves as an unknown number", "[contract][isolation]")
{
    const auto theirs = issue_for(other, a_charge("I1"));
    const auto call = GENERATE(&charges_service::acknowledge, &charges_service::accept, &charges_service::decline);
    const auto result = (service.*call)(caller, {item("I1", "customer-1", "R1")});
    REQUIRE(codes(result) == strings{"2"});
    CHECK(result.failed[0].description == std::string{description(errc::charge_not_found)});
    CHECK(service.find(other, "I1") == theirs);
    CHECK_FALSE(service.find_by_reference(other, "R1"));
    CHECK_FALSE(service.find_by_reference(op, "R1"));
}

TEST_CASE_METHOD(fixture, "an operator lists only its own charges", "[contract][isolation]")
{
    issue_for(op, a_charge("A1"));
    issue_for(other, a_charge("B1"));
    issue_for(other, a_charge("B2"), charge_status::approved);
    CHECK(listed_for(op, status_class::not_processed) == strings{"A1"});
    CHECK(listed_for(op, status_class::processed).empty());
    CHECK(listed_for(other, status_class::not_processed) == strings{"B1"});
    CHECK(listed_for(operator_id{"nobody"}, status_class::not_processed).empty());
}

TEST_CASE_METHOD(fixture, "reference numbers are unique per operator, not across operators", "[contract][isolation]")
{
    issue_for(op, a_charge("I1"));
    issue_for(other, a_charge("I2"));
    CHECK(service.acknowledge(caller, {item("I1", "customer-1", "SAME")}).failed.empty());
    CHECK(service.acknowledge(other_caller, {item("I2", "customer-1", "SAME")}).failed.empty());
    CHECK(service.find_by_reference(op, "SAME")->number == "I1");
    CHECK(service.find_by_reference(other, "SAME")->number == "I2");
}

TEST_CASE_METHOD(fixture, "the same number at two operators is two charges", "[contract][isolation]")
{
    issue_for(op, a_charge("I1"));
    issue_for(other, a_charge("I1"));
    REQUIRE(service.decline(caller, {item("I1")}).failed.empty());
    CHECK(service.find(op, "I1")->status == charge_status::declined);
    CHECK(service.find(other, "I1")->status == charge_status::pending);
    CHECK(listed_for(other, status_class::not_processed) == strings{"I1"});
}

TEST_CASE_METHOD(fixture, "an empty or malformed operator id is refused", "[contract][isolation]")
{
    for (const char* bad : {"", "op\n"}) {
        CHECK_THROWS_AS(service.list(identity::vouched_for_by_host("billing", operator_id{bad}), {}), error);
        CHECK_THROWS_AS(service.acknowledge(identity::vouched_for_by_host("billing", operator_id{bad}), {item("I1")}), error);
        CHECK_THROWS_AS(service.issue(operator_id{bad}, a_charge("I1")), error);
    }
}
