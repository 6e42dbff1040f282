// The operator's acknowledge call: per-item codes, replays, reference numbers, limits.
#include "fixture.hpp"

#include <catch2/catch.hpp>

using namespace contract;
using strings = std::vector<std::string>;

TEST_CASE_METHOD(fixture, "an acknowledged charge records when and with which reference", "[contract][acknowledge]")
{
    issue(a_charge("I1"));
    time.set(at("2026-05-06T07:08:09"));
    const auto result = service.acknowledge(caller, {item("I1", "customer-1", "REF-1")});
    CHECK(result.failed.empty());
    const auto c = stored("I1");
    REQUIRE(c.acknowledged);
    CHECK(c.acknowledged->on == at("2026-05-06T07:08:09"));
    CHECK(c.acknowledged->reference_number == "REF-1");
    CHECK(c.status == charge_status::pending);  // acknowledging does not process
}

TEST_CASE_METHOD(fixture, "a charge in any status can be acknowledged", "[contract][acknowledge]")
{
    const auto status = GENERATE(charge_status::pending, charge_status::approved, charge_status::declined,
                                 charge_status::bad_request, charge_status::rejected);
    issue(a_charge("I1"), status);
    CHECK(service.acknowledge(caller, {item("I1")}).failed.empty());
    CHECK(stored("I1").acknowledged);
    CHECK(stored("I1").status == status);
}

TEST_CASE_METHOD(fixture, "code 1: the charge was not issued for the given customer", "[contract][acknowledge]")
{
    const auto before = issue(a_charge("I1").for_customer("alice"));
    const auto result = service.acknowledge(caller, {item("I1", "bob", "REF-1")});
    REQUIRE(result.failed.size() == 1);
    CHECK(result.failed[0].number == "I1");
    CHECK(result.failed[0].reference_number == "REF-1");
    CHECK(result.failed[0].code == errc::not_issued_for_customer);
    CHECK(wire_code(result.failed[0].code) == "1");
    CHECK(result.failed[0].description == "The specified charge was not issued for the specified customer");
    CHECK(stored("I1") == before);
    CHECK_FALSE(service.find_by_reference(op, "REF-1"));
}

TEST_CASE_METHOD(fixture, "code 2: no charge with this number", "[contract][acknowledge]")
{
    const auto result = service.acknowledge(caller, {item("NOPE")});
    REQUIRE(result.failed.size() == 1);
    CHECK(wire_code(result.failed[0].code) == "2");
    CHECK_FALSE(result.failed[0].reference_number);
    CHECK_FALSE(result.failed[0].description.empty());
}

TEST_CASE_METHOD(fixture, "code 3: already acknowledged with a different reference number", "[contract][acknowledge]")
{
    issue(a_charge("I1"));
    issue(a_charge("I2"));
    REQUIRE(service.acknowledge(caller, {item("I1", "customer-1", "R1"), item("I2")}).failed.empty());
    const auto before1 = stored("I1");
    const auto before2 = stored("I2");
    CHECK(codes(service.acknowledge(caller, {item("I1", "customer-1", "R9")})) == strings{"3"});
    CHECK(codes(service.acknowledge(caller, {item("I1")})) == strings{"3"});                   // had one, now none
    CHECK(codes(service.acknowledge(caller, {item("I2", "customer-1", "R2")})) == strings{"3"});  // had none, now one
    CHECK(stored("I1") == before1);
    CHECK(stored("I2") == before2);
    CHECK_FALSE(service.find_by_reference(op, "R9"));
    CHECK_FALSE(service.find_by_reference(op, "R2"));
}

TEST_CASE_METHOD(fixture, "a replayed acknowledge with the same reference changes nothing", "[contract][acknowledge]")
{
    issue(a_charge("I1"));
    issue(a_charge("I2"));
    REQUIRE(service.acknowledge(caller, {item("I1", "customer-1", "R1"), item("I2")}).failed.empty());
    const auto before1 = stored("I1");
    const auto before2 = stored("I2");
    time.advance(std::chrono::hours{3});
    CHECK(service.acknowledge(caller, {item("I1", "customer-1", "R1"), item("I2")}).failed.empty());
    CHECK(stored("I1") == before1);  // the first acknowledgement's time stays
    CHECK(stored("I2") == before2);
}

TEST_CASE_METHOD(fixture, "code 4: the reference number belongs to another charge", "[contract][acknowledge]")
{
    for (const char* number : {"I1", "I2", "I3", "I4", "I5"}) issue(a_charge(number));
    REQUIRE(service.acknowledge(caller, {item("I1", "customer-1", "ACK")}).failed.empty());
    REQUIRE(service.decline(caller, {item("I2", "customer-1", "DEC")}).failed.empty());
    REQUIRE(service.accept(caller, {item("I3", "customer-1", "ACC")}).failed.empty());

    CHECK(codes(service.acknowledge(caller, {item("I4", "customer-1", "ACK")})) == strings{"4"});
    CHECK(codes(service.acknowledge(caller, {item("I4", "customer-1", "DEC")})) == strings{"4"});
    CHECK(codes(service.acknowledge(caller, {item("I4", "customer-1", "ACC")})) == strings{"4"});
    CHECK_FALSE(stored("I4").acknowledged);

    SECTION("also when an earlier item of the same request took it")
    {
        const auto result = service.acknowledge(caller, {item("I4", "customer-1", "NEW"), item("I5", "customer-1", "NEW")});
        CHECK(codes(result) == strings{"4"});
        CHECK(result.failed[0].number == "I5");
        CHECK(service.find_by_reference(op, "NEW")->number == "I4");
    }
}

TEST_CASE_METHOD(fixture, "a charge may reuse its own reference number across calls", "[contract][acknowledge]")
{
    issue(a_charge("I1"));
    REQUIRE(service.decline(caller, {item("I1", "customer-1", "R1")}).failed.empty());
    CHECK(service.acknowledge(caller, {item("I1", "customer-1", "R1")}).failed.empty());
    CHECK(stored("I1").acknowledged->reference_number == "R1");
}

TEST_CASE_METHOD(fixture, "code 7: every later occurrence of a number in the same request fails",
                 "[contract][acknowledge]")
{
    issue(a_charge("I1"));
    issue(a_charge("I2"));
    const auto result = service.acknowledge(caller, {item("I1"), item("I2"), item("I1"), item("I1")});
    CHECK(codes(result) == strings{"7", "7"});
    CHECK(result.failed[0].number == "I1");
    CHECK(stored("I1").acknowledged);
    CHECK(stored("I2").acknowledged);

    SECTION("even when the first occurrence failed")
    {
        issue(a_charge("I3").for_customer("alice"));
        CHECK(codes(service.acknowledge(caller, {item("I3", "bob"), item("I3", "alice")})) == strings{"1", "7"});
        CHECK_FALSE(stored("I3").acknowledged);
    }
}

TEST_CASE_METHOD(fixture, "codes are checked in the order of their numbers", "[contract][acknowledge]")
{
    issue(a_charge("I1").for_customer("alice"));
    issue(a_charge("I2"));
    issue(a_charge("I3"));
    REQUIRE(service.acknowledge(caller, {item("I2", "customer-1", "TAKEN"), item("I3", "customer-1", "OWN")}).failed.empty());

    CHECK(codes(service.acknowledge(caller, {item("I1", "bob", "TAKEN")})) == strings{"1"});        // 1 before 4
    CHECK(codes(service.acknowledge(caller, {item("I3", "customer-1", "TAKEN")})) == strings{"3"});  // 3 before 4
    // A later occurrence is judged against what the first did: acknowledged with another reference.
    issue(a_charge("I4"));
    CHECK(codes(service.acknowledge(caller, {item("I4", "customer-1", "X1"), item("I4", "customer-1", "X2")})) ==
          strings{"3"});
}

TEST_CASE_METHOD(fixture, "a batch applies its good items and reports the others in request order",
                 "[contract][acknowledge]")
{
    issue(a_charge("I1"));
    issue(a_charge("I2").for_customer("alice"));
    issue(a_charge("I3"));
    const auto result = service.acknowledge(caller, {item("I1"), item("NOPE", "x", "R"), item("I2", "bob"), item("I3")});
    REQUIRE(codes(result) == strings{"2", "1"});
    CHECK(result.failed[0].number == "NOPE");
    CHECK(result.failed[0].reference_number == "R");
    CHECK(result.failed[1].number == "I2");
    CHECK(stored("I1").acknowledged);
    CHECK_FALSE(stored("I2").acknowledged);
    CHECK(stored("I3").acknowledged);
    CHECK_FALSE(service.find_by_reference(op, "R"));
}

TEST_CASE_METHOD(fixture, "a batch holds 1 to 50 items", "[contract][acknowledge][limits]")
{
    std::vector<charge_item> items;
    for (int i = 0; i < 51; ++i) {
        issue(a_charge("I" + std::to_string(i)));
        items.push_back(item("I" + std::to_string(i)));
    }
    try {
        service.acknowledge(caller, items);
        FAIL("51 items accepted");
    } catch (const error& e) {
        CHECK(e.code_value() == errc::too_many_items);
        CHECK(e.field() == "items");
    }
    CHECK(listed(status_class::not_processed, 0, 50).size() == 50);  // nothing applied

    try {
        service.acknowledge(caller, {});
        FAIL("empty batch accepted");
    } catch (const error& e) {
        CHECK(e.code_value() == errc::missing_parameter);
        CHECK(e.field() == "items");
    }

    items.pop_back();
    CHECK(service.acknowledge(caller, items).failed.empty());
    CHECK(listed(status_class::not_processed) == strings{"I50"});
}

TEST_CASE_METHOD(fixture, "a malformed item fails the whole request, naming the item's field",
                 "[contract][acknowledge][limits]")
{
    issue(a_charge("I1"));
    struct bad_case {
        charge_item bad;
        errc code;
        std::string field;
    };
    const auto bad = GENERATE(values<bad_case>({
        {item(""), errc::missing_parameter, "number"},
        {item("I1", ""), errc::missing_parameter, "billing_system_customer_identifier"},
        {item("I1", "customer-1", ""), errc::missing_parameter, "reference_number"},
        {item(std::string(65, '1')), errc::invalid_parameter, "number"},
        {item("I1", "customer-1", std::string(129, 'r')), errc::invalid_parameter, "reference_number"},
        {item("I1", "customer\x01"), errc::invalid_parameter, "billing_system_customer_identifier"},
        {item("I1", "customer-1", "\xC0\xAF"), errc::invalid_parameter, "reference_number"},
    }));
    try {
        service.acknowledge(caller, {item("I1"), bad.bad});
        FAIL("accepted");
    } catch (const error& e) {
        CHECK(e.code_value() == bad.code);
        CHECK(e.field() == bad.field);  // the charge_item member, in the C++ API's words
        CHECK(e.item() == std::size_t{1});
    }
    CHECK_FALSE(stored("I1").acknowledged);
}
