// Imports in parts (service.hpp, import_in_parts; charge_store::write_parts): every part in one
// atomic write, every bad charge told with its position whatever its part, and nothing written
// when any is bad — the last one included.
#include "fixture.hpp"

#include <catch2/catch.hpp>

#include <stdexcept>

using namespace contract;

namespace {

using parts = std::vector<std::vector<imported_charge>>;

imported_charge line(const new_charge& c, charge_status status = charge_status::pending)
{
    return {c, status, std::nullopt};
}

struct import_fixture : fixture {
    std::vector<std::size_t> bad_positions;
    std::vector<errc> bad_codes;
    std::vector<std::string> bad_numbers;

    import_summary import(const parts& given, const operator_id& who)
    {
        std::size_t next = 0;
        return service.import_in_parts(
            who,
            [&](std::vector<imported_charge>& part) {
                if (next == given.size()) return false;
                part = given[next++];
                return true;
            },
            [&](std::size_t position, const error& why) {
                bad_positions.push_back(position);
                bad_codes.push_back(why.code_value());
                bad_numbers.push_back(why.charge_number());
            });
    }
    import_summary import(const parts& given) { return import(given, op); }

    // The import must fail as a whole with invalid_parameter, saying how many were bad.
    void require_refused(const parts& given, std::size_t bad)
    {
        try {
            import(given);
            FAIL("the import was not refused");
        } catch (const error& e) {
            CHECK(e.code_value() == errc::invalid_parameter);
            CHECK(std::string{e.what()}.find(std::to_string(bad) + " of the import's charges are bad") != std::string::npos);
        }
        CHECK(bad_positions.size() == bad);
    }
};

}  // namespace

TEST_CASE_METHOD(import_fixture, "an import in parts applies every part, each seeing the store as it was",
                 "[contract][import]")
{
    issue(a_charge("P1"));
    issue(a_charge("A1"), charge_status::approved);
    const auto summary = import({
        {line(a_charge("N1")), line(a_charge("N2"), charge_status::rejected)},
        {line(a_charge("P1"), charge_status::declined)},
        {},  // an empty part is no part
        {line(a_charge("A1"), charge_status::approved), line(a_charge("N3"))},
    });
    CHECK(bad_positions.empty());
    CHECK(summary.issued == 3);
    CHECK(summary.processed == 1);
    CHECK(summary.unchanged == 1);
    CHECK(stored("N2").status == charge_status::rejected);
    CHECK(stored("P1").status == charge_status::declined);
    CHECK(listed(status_class::not_processed) == std::vector<std::string>{"N1", "N3"});
    const auto entries = service.journal(op);
    REQUIRE(entries.size() == 3 + 4);  // P1 and A1 issued, A1 approved; then N1, N2, P1, N3
    CHECK(entries[6].number == "N3");
    for (const auto& b : service.backlogs())
        if (b.op == op) CHECK(b.not_processed == 2);
}

TEST_CASE_METHOD(import_fixture, "a number of an earlier part is refused where it comes again, and nothing is written",
                 "[contract][import]")
{
    require_refused({{line(a_charge("A")), line(a_charge("B"))}, {line(a_charge("C")), line(a_charge("A"))}}, 1);
    CHECK(bad_positions == std::vector<std::size_t>{3});
    CHECK(bad_codes == std::vector<errc>{errc::invalid_parameter});
    CHECK(bad_numbers == std::vector<std::string>{"A"});
    for (const auto* number : {"A", "B", "C"}) CHECK_FALSE(service.find(op, number));
    CHECK(service.journal(op).empty());
    CHECK(service.backlogs().empty());
}

TEST_CASE_METHOD(import_fixture, "every bad charge of every part is told, and a last bad one writes nothing",
                 "[contract][import]")
{
    issue(a_charge("OLD"));
    issue(a_charge("DONE"), charge_status::approved);
    const auto before = stored("DONE");
    require_refused({{line(a_charge("N1")), line(a_charge("N2").costing("9.99", "eur"))},                  // 1: malformed
                     {line(a_charge("N3")), line(a_charge("N3"))},                            // 3: twice in a part
                     {line(a_charge("OLD").for_customer("someone else")), line(a_charge("N4"))},  // 4: conflict
                     {line(a_charge("N5")), line(a_charge("DONE"), charge_status::declined)}},  // 7: processed already
                    4);
    CHECK(bad_positions == std::vector<std::size_t>{1, 3, 4, 7});
    CHECK(bad_codes == std::vector<errc>{errc::invalid_parameter, errc::invalid_parameter, errc::charge_conflict,
                                         errc::invalid_transition});
    for (const auto* number : {"N1", "N3", "N4", "N5"}) CHECK_FALSE(service.find(op, number));
    CHECK(stored("DONE") == before);
    CHECK(service.journal(op).size() == 3);
}

TEST_CASE_METHOD(import_fixture, "only the last charge bad: nothing of the parts before it is written",
                 "[contract][import]")
{
    parts given;
    for (int p = 0; p < 3; ++p) {
        given.emplace_back();
        for (int i = 0; i < 20; ++i) given.back().push_back(line(a_charge("N" + std::to_string(p * 20 + i))));
    }
    given.back().back() = line(a_charge("BAD").costing("9.99", "EURO"));
    require_refused(given, 1);
    CHECK(bad_positions == std::vector<std::size_t>{59});
    CHECK(listed(status_class::not_processed).empty());
    CHECK(service.journal(op).empty());
}

TEST_CASE_METHOD(import_fixture, "an exception from the source rolls back the parts before it", "[contract][import]")
{
    int calls = 0;
    const auto source = [&](std::vector<imported_charge>& part) -> bool {
        if (++calls == 3) throw std::runtime_error("the file is gone");
        part = {line(a_charge("N" + std::to_string(calls)))};
        return true;
    };
    CHECK_THROWS_AS(service.import_in_parts(op, source, [](std::size_t, const error&) {}), std::runtime_error);
    CHECK_FALSE(service.find(op, "N1"));
    CHECK(service.journal(op).empty());
    // The store works on: the same import without the fault applies.
    CHECK(import({{line(a_charge("N1"))}, {line(a_charge("N2"))}}).issued == 2);
}

TEST_CASE_METHOD(import_fixture, "a part larger than the limit is refused whole", "[contract][import]")
{
    std::vector<imported_charge> part;
    for (std::size_t i = 0; i <= limits::max_import_part; ++i) part.push_back(line(a_charge("N" + std::to_string(i))));
    CHECK_THROWS_AS(import({{line(a_charge("FIRST"))}, part}), error);
    CHECK_FALSE(service.find(op, "FIRST"));
}

TEST_CASE_METHOD(import_fixture, "an import in parts sees only its own operator's charges", "[contract][import][isolation]")
{
    issue_for(other, a_charge("SHARED").for_customer("theirs"));
    CHECK(import({{line(a_charge("SHARED"))}, {line(a_charge("MINE"))}}).issued == 2);
    CHECK(bad_positions.empty());
    CHECK(service.find(other, "SHARED")->billing_system_customer_identifier == "theirs");
    CHECK_FALSE(service.find(other, "MINE"));
}
