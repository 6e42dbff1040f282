// The host CRM's side: issuing charges, recording outcomes, looking them up.
#include "fixture.hpp"

#include <catch2/catch.hpp>

using namespace contract;

TEST_CASE_METHOD(fixture, "a new charge enters PENDING, received at the clock's now", "[contract][issue]")
{
    time.set(at("2026-03-01T10:20:30"));
    const auto issued = issue(a_charge("I1").for_customer("c1").costing("1200.00", "USD"));
    const auto c = stored("I1");
    CHECK(c == issued);
    CHECK(c.status == charge_status::pending);
    CHECK(format_timestamp(c.received_on) == "2026-03-01T10:20:30");
    CHECK(c.billing_system_customer_identifier == "c1");
    CHECK(c.amount.to_string() == "1200.00");
    CHECK(c.currency == "USD");
    CHECK_FALSE(c.local_currency_amount);
    CHECK_FALSE(c.set_as_approved_on);
    CHECK_FALSE(c.set_as_declined_on);
    CHECK_FALSE(c.set_as_bad_request_on);
    CHECK_FALSE(c.set_as_rejected_request_on);
    CHECK_FALSE(c.acknowledged);
    CHECK_FALSE(c.decision);
}

TEST_CASE_METHOD(fixture, "a charge keeps every detail it was issued with, exactly", "[contract][issue]")
{
    issue(a_charge("I1")
              .for_customer("customer 7 \xC3\xA9")
              .costing("0.10", "EUR")
              .in_local_currency("1234567.891", "BHD")
              .paid_through(date{2026, 2, 28})
              .received_on(at("2025-12-31T23:59:59")));
    const auto c = stored("I1");
    CHECK(c.billing_system_customer_identifier == "customer 7 \xC3\xA9");
    CHECK(c.amount.to_string() == "0.10");
    CHECK(c.local_currency_amount->to_string() == "1234567.891");
    CHECK(c.local_currency == "BHD");
    CHECK(format_date(c.paid_through_date) == "2026-02-28");
    CHECK(format_timestamp(c.received_on) == "2025-12-31T23:59:59");
}

TEST_CASE_METHOD(fixture, "issuing a number again with the same details changes nothing", "[contract][issue]")
{
    const auto first = issue(a_charge("I1"));
    time.advance(std::chrono::hours{1});
    CHECK(service.issue(op, a_charge("I1")) == first);
    CHECK(stored("I1") == first);
}

TEST_CASE_METHOD(fixture, "issuing a number again with other details is a conflict and changes nothing",
                 "[contract][issue]")
{
    const auto first = issue(a_charge("I1"));
    const new_charge changed = GENERATE(as<new_charge>{}, a_charge("I1").for_customer("someone else"),
                                        a_charge("I1").costing("10.00", "EUR"), a_charge("I1").costing("9.99", "USD"),
                                        a_charge("I1").in_local_currency("1.00", "GBP"),
                                        a_charge("I1").paid_through(date{2027, 1, 1}),
                                        a_charge("I1").received_on(at("2020-01-01T00:00:00")));
    try {
        service.issue(op, changed);
        FAIL("no conflict");
    } catch (const error& e) {
        CHECK(e.code_value() == errc::charge_conflict);
        CHECK(e.field() == "number");
    }
    CHECK(stored("I1") == first);
}

TEST_CASE_METHOD(fixture, "the same number can be issued by two operators independently", "[contract][issue]")
{
    issue_for(op, a_charge("I1").for_customer("a"));
    issue_for(other, a_charge("I1").for_customer("b"));
    CHECK(service.find(op, "I1")->billing_system_customer_identifier == "a");
    CHECK(service.find(other, "I1")->billing_system_customer_identifier == "b");
}

TEST_CASE_METHOD(fixture, "bad charge details are refused with the field at fault and store nothing",
                 "[contract][issue]")
{
    struct bad_case {
        new_charge charge;
        errc code;
        std::string field;
    };
    auto with = [](auto change) {
        new_charge c = a_charge("I1");
        change(c);
        return c;
    };
    const auto bad = GENERATE_COPY(values<bad_case>({
        {with([](new_charge& c) { c.number.clear(); }), errc::missing_parameter, "number"},
        {with([](new_charge& c) { c.number = std::string(65, 'N'); }), errc::invalid_parameter, "number"},
        {with([](new_charge& c) { c.number = "I\n1"; }), errc::invalid_parameter, "number"},
        {with([](new_charge& c) { c.number = "I\xFF"; }), errc::invalid_parameter, "number"},
        {with([](new_charge& c) { c.billing_system_customer_identifier.clear(); }), errc::missing_parameter,
         "billing_system_customer_identifier"},
        {with([](new_charge& c) { c.billing_system_customer_identifier = std::string(129, 'c'); }),
         errc::invalid_parameter, "billing_system_customer_identifier"},
        {with([](new_charge& c) { c.currency = "eur"; }), errc::invalid_parameter, "currency"},
        {with([](new_charge& c) { c.currency = "EURO"; }), errc::invalid_parameter, "currency"},
        {with([](new_charge& c) { c.currency.clear(); }), errc::missing_parameter, "currency"},
        {with([](new_charge& c) { c.amount = amount("-0.01"); }), errc::invalid_parameter, "amount"},
        {with([](new_charge& c) { c.local_currency = "EUR"; }), errc::invalid_parameter, "local_currency_amount"},
        {with([](new_charge& c) { c.local_currency_amount = amount("1.00"); }), errc::invalid_parameter,
         "local_currency"},
        {with([](new_charge& c) {
             c.local_currency_amount = amount("1.00");
             c.local_currency = "X";
         }),
         errc::invalid_parameter, "local_currency"},
    }));
    try {
        service.issue(op, bad.charge);
        FAIL("accepted");
    } catch (const error& e) {
        CHECK(e.code_value() == bad.code);
        CHECK(e.field() == bad.field);
    }
    CHECK(listed(status_class::not_processed).empty());
}

TEST_CASE_METHOD(fixture, "recording an outcome moves a PENDING charge to it, with its time", "[contract][outcome]")
{
    const auto outcome =
        GENERATE(charge_status::approved, charge_status::declined, charge_status::bad_request, charge_status::rejected);
    issue(a_charge("I1"));
    time.set(at("2026-04-05T06:07:08"));
    const auto c = service.record_outcome(op, "I1", outcome);
    CHECK(c == stored("I1"));
    CHECK(c.status == outcome);
    CHECK((c.set_as_approved_on == at("2026-04-05T06:07:08")) == (outcome == charge_status::approved));
    CHECK((c.set_as_declined_on == at("2026-04-05T06:07:08")) == (outcome == charge_status::declined));
    CHECK((c.set_as_bad_request_on == at("2026-04-05T06:07:08")) == (outcome == charge_status::bad_request));
    CHECK((c.set_as_rejected_request_on == at("2026-04-05T06:07:08")) == (outcome == charge_status::rejected));
    CHECK_FALSE(c.decision);  // the host's outcome, not the operator's decision
}

TEST_CASE_METHOD(fixture, "an outcome can carry the time it happened", "[contract][outcome]")
{
    issue(a_charge("I1"));
    service.record_outcome(op, "I1", charge_status::rejected, at("2026-01-02T03:04:05"));
    CHECK(stored("I1").set_as_rejected_request_on == at("2026-01-02T03:04:05"));
}

TEST_CASE_METHOD(fixture, "a terminal status never changes; recording it again is a no-op", "[contract][outcome]")
{
    issue(a_charge("I1"), charge_status::approved);
    const auto before = stored("I1");
    time.advance(std::chrono::minutes{5});
    CHECK(service.record_outcome(op, "I1", charge_status::approved) == before);
    for (auto other_status : {charge_status::declined, charge_status::bad_request, charge_status::rejected}) {
        try {
            service.record_outcome(op, "I1", other_status);
            FAIL("changed a terminal status");
        } catch (const error& e) {
            CHECK(e.code_value() == errc::invalid_transition);
        }
    }
    CHECK(stored("I1") == before);
}

TEST_CASE_METHOD(fixture, "PENDING is not an outcome", "[contract][outcome]")
{
    issue(a_charge("I1"));
    CHECK_THROWS_AS(service.record_outcome(op, "I1", charge_status::pending), error);
    CHECK(stored("I1").status == charge_status::pending);
}

TEST_CASE_METHOD(fixture, "an outcome for an unknown number, or another operator's, is refused", "[contract][outcome]")
{
    issue_for(other, a_charge("I1"));
    for (const char* number : {"I1", "I2"}) {
        try {
            service.record_outcome(op, number, charge_status::approved);
            FAIL("accepted");
        } catch (const error& e) {
            CHECK(e.code_value() == errc::unknown_charge);
        }
    }
    CHECK(service.find(other, "I1")->status == charge_status::pending);
}

TEST_CASE_METHOD(fixture, "find returns nothing for an unknown number or another operator's charge",
                 "[contract][find]")
{
    issue_for(other, a_charge("I1"));
    CHECK_FALSE(service.find(op, "I1"));
    CHECK_FALSE(service.find(op, "nope"));
    CHECK(service.find(other, "I1"));
}

TEST_CASE_METHOD(fixture, "find by reference finds the charge acknowledged, accepted or declined with it",
                 "[contract][find]")
{
    issue(a_charge("I1"));
    issue(a_charge("I2"));
    issue(a_charge("I3"));
    issue(a_charge("I4"));
    REQUIRE(service.acknowledge(caller, {item("I1", "customer-1", "ACK-1")}).failed.empty());
    REQUIRE(service.decline(caller, {item("I2", "customer-1", "DEC-2")}).failed.empty());
    REQUIRE(service.accept(caller, {item("I3", "customer-1", "ACC-3")}).failed.empty());
    REQUIRE(service.acknowledge(caller, {item("I4")}).failed.empty());
    CHECK(service.find_by_reference(op, "ACK-1")->number == "I1");
    CHECK(service.find_by_reference(op, "DEC-2")->number == "I2");
    CHECK(service.find_by_reference(op, "ACC-3")->number == "I3");
    CHECK_FALSE(service.find_by_reference(op, "NONE"));
    CHECK_FALSE(service.find_by_reference(other, "ACK-1"));
}

TEST_CASE_METHOD(fixture, "issuing many charges stores all of them in the order given", "[contract][issue]")
{
    issue(a_charge("I2"));
    const auto issued = service.issue_many(op, {a_charge("I3"), a_charge("I2"), a_charge("I1")});
    REQUIRE(issued.size() == 3);
    CHECK(issued[0].number == "I3");
    CHECK(issued[1] == stored("I2"));
    CHECK(issued[2] == stored("I1"));
    CHECK(listed(status_class::not_processed) == std::vector<std::string>{"I1", "I2", "I3"});
}

TEST_CASE_METHOD(fixture, "issuing many charges stores none when one conflicts or repeats", "[contract][issue]")
{
    issue(a_charge("I2"));
    CHECK_THROWS_AS(service.issue_many(op, {a_charge("I1"), a_charge("I2").for_customer("other")}), error);
    CHECK_THROWS_AS(service.issue_many(op, {a_charge("I3"), a_charge("I3")}), error);
    CHECK_THROWS_AS(service.issue_many(op, {a_charge("I4"), a_charge("")}), error);
    CHECK(listed(status_class::not_processed) == std::vector<std::string>{"I2"});
}

TEST_CASE_METHOD(fixture, "an import issues new charges, processes pending ones, skips repeats, in one write",
                 "[contract][import]")
{
    issue(a_charge("P1"));
    issue(a_charge("A1"), charge_status::approved);
    const auto summary = service.import_charges(op, {
        {a_charge("N1"), charge_status::pending, std::nullopt},
        {a_charge("N2"), charge_status::rejected, at("2026-01-05T00:00:00")},
        {a_charge("P1"), charge_status::declined, at("2026-01-06T00:00:00")},
        {a_charge("A1"), charge_status::approved, std::nullopt},
    });
    CHECK(summary.issued == 2);
    CHECK(summary.processed == 1);
    CHECK(summary.unchanged == 1);
    CHECK(stored("N1").status == charge_status::pending);
    CHECK(stored("N2").set_as_rejected_request_on == at("2026-01-05T00:00:00"));
    CHECK(stored("P1").set_as_declined_on == at("2026-01-06T00:00:00"));
    CHECK_FALSE(stored("P1").decision);  // the host's outcome, not the operator's
}

TEST_CASE_METHOD(fixture, "an import with any other change writes nothing", "[contract][import]")
{
    issue(a_charge("A1"), charge_status::approved);
    const auto before = stored("A1");
    for (const auto& bad : std::vector<imported_charge>{
             {a_charge("A1"), charge_status::declined, std::nullopt},         // another outcome
             {a_charge("A1"), charge_status::pending, std::nullopt},          // back to PENDING
             {a_charge("A1").for_customer("x"), charge_status::approved, {}},  // other details
         }) {
        CHECK_THROWS_AS(service.import_charges(op, {{a_charge("NEW"), charge_status::pending, {}}, bad}), error);
    }
    CHECK_THROWS_AS(service.import_charges(op, {{a_charge("D"), {}, {}}, {a_charge("D"), {}, {}}}), error);
    CHECK(stored("A1") == before);
    CHECK_FALSE(service.find(op, "NEW"));
    CHECK_FALSE(service.find(op, "D"));
}
