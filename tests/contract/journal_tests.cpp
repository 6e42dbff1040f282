// The journal (SPEC section 6): one entry per changed charge, written with the change, with
// who made it; replays and failed items write none; read by cursor; pruned without touching
// charges or reusing sequence numbers. Catch2's assertions are not thread-safe: threads only
// collect, the test thread checks.
#include "fixture.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <optional>
#include <thread>

using namespace contract;

namespace {

using strings = std::vector<std::string>;

struct journal_fixture : fixture {
    std::vector<journal_entry> entries(const operator_id& who)
    {
        std::vector<journal_entry> all;
        for (std::int64_t after = 0;;) {
            auto page = service.journal(who, after, 7);  // a small page, so that paging is exercised
            if (page.empty()) return all;
            after = page.back().sequence;
            all.insert(all.end(), page.begin(), page.end());
        }
    }
    std::vector<journal_entry> entries() { return entries(op); }

    // The backlog the store keeps for `who` must be the length of its lists.
    void require_backlog_matches_lists(const operator_id& who)
    {
        std::uint64_t listed[2] = {0, 0};
        for (const auto cls : {status_class::not_processed, status_class::processed})
            for (std::size_t offset = 0;; offset += 50) {
                const auto page = listed_for(who, cls, offset, 50);
                listed[static_cast<int>(cls)] += page.size();
                if (page.size() < 50) break;
            }
        std::optional<operator_backlog> kept;
        for (const auto& b : service.backlogs())
            if (b.op == who) kept = b;
        REQUIRE(kept);
        CHECK(kept->not_processed == listed[static_cast<int>(status_class::not_processed)]);
        CHECK(kept->processed == listed[static_cast<int>(status_class::processed)]);
    }

    // The journal of `who` must tell exactly what its stored charges say: one `issued` entry per
    // charge, the last entry's status is the charge's, an acknowledged charge has exactly one
    // `acknowledged` entry with its time and reference, a decided one exactly one
    // `accepted`/`declined` with its own; sequence numbers increase by one from 1.
    void require_journal_matches_charges(const operator_id& who, const strings& numbers)
    {
        std::map<std::string, std::vector<journal_entry>> by_number;
        std::int64_t expected_sequence = 0;
        for (const auto& e : entries(who)) {
            CHECK(e.sequence == ++expected_sequence);
            by_number[e.number].push_back(e);
        }
        CHECK(by_number.size() == numbers.size());
        for (const auto& number : numbers) {
            INFO("charge " << number);
            const charge c = service.find(who, number).value();
            const auto& mine = by_number[number];
            REQUIRE_FALSE(mine.empty());
            CHECK(mine.front().kind == journal_kind::issued);
            CHECK(mine.back().status == c.status);
            std::size_t acknowledged = 0, decided = 0, issued = 0;
            for (const auto& e : mine) {
                if (e.kind == journal_kind::issued) ++issued;
                if (e.kind == journal_kind::acknowledged) {
                    ++acknowledged;
                    REQUIRE(c.acknowledged);
                    CHECK(e.at == c.acknowledged->on);
                    CHECK(e.reference_number == c.acknowledged->reference_number);
                }
                if (e.kind == journal_kind::accepted || e.kind == journal_kind::declined) {
                    ++decided;
                    REQUIRE(c.decision);
                    CHECK((e.kind == journal_kind::accepted) == (c.decision->kind == decision_kind::accept));
                    CHECK(e.reference_number == c.decision->reference_number);
                }
            }
            CHECK(issued == 1);
            CHECK(acknowledged == (c.acknowledged ? 1U : 0U));
            CHECK(decided == (c.decision ? 1U : 0U));
        }
    }
};

}  // namespace

TEST_CASE_METHOD(journal_fixture, "every change writes one entry with what it did and who did it",
                 "[contract][journal]")
{
    const auto unit_caller = identity::vouched_for_by_host("api-key:K1", op, "unit-7");
    issue(a_charge("I1"));
    issue(a_charge("I2"));
    time.advance(std::chrono::seconds{60});
    service.record_outcome(op, "I2", charge_status::bad_request, at("2025-12-31T10:00:00"));
    time.advance(std::chrono::seconds{60});
    REQUIRE(service.acknowledge(unit_caller, {item("I1", "customer-1", "ACK-1"), item("I2")}).failed.empty());
    time.advance(std::chrono::seconds{60});
    REQUIRE(service.accept(caller, {item("I1", "customer-1", "ACC-1")}).failed.empty());
    issue(a_charge("I3"));
    REQUIRE(service.decline(caller, {item("I3")}).failed.empty());

    const auto all = entries();
    REQUIRE(all.size() == 8);
    const auto start = at("2026-01-01T00:00:00");
    using k = journal_kind;
    using s = charge_status;
    const std::optional<std::string> host;
    const std::vector<journal_entry> expected{
        {1, start, k::issued, "I1", s::pending, std::nullopt, host, ""},
        {2, start, k::issued, "I2", s::pending, std::nullopt, host, ""},
        // The journal's time is when the change was made; the outcome keeps its own time.
        {3, start + std::chrono::seconds{60}, k::processed, "I2", s::bad_request, std::nullopt, host, ""},
        {4, start + std::chrono::seconds{120}, k::acknowledged, "I1", s::pending, "ACK-1", "api-key:K1", "unit-7"},
        {5, start + std::chrono::seconds{120}, k::acknowledged, "I2", s::bad_request, std::nullopt, "api-key:K1", "unit-7"},
        {6, start + std::chrono::seconds{180}, k::accepted, "I1", s::approved, "ACC-1", "billing", ""},
        {7, start + std::chrono::seconds{180}, k::issued, "I3", s::pending, std::nullopt, host, ""},
        {8, start + std::chrono::seconds{180}, k::declined, "I3", s::declined, std::nullopt, "billing", ""},
    };
    for (std::size_t i = 0; i < expected.size(); ++i) {
        INFO("entry " << i + 1);
        CHECK(all[i] == expected[i]);
    }
}

TEST_CASE_METHOD(journal_fixture, "replays, failed items and no-op host calls write nothing", "[contract][journal]")
{
    issue(a_charge("I1"));
    issue(a_charge("I2").for_customer("alice"));
    REQUIRE(service.acknowledge(caller, {item("I1", "customer-1", "R1")}).failed.empty());
    REQUIRE(service.accept(caller, {item("I1", "customer-1", "D1")}).failed.empty());
    const auto before = entries().size();
    REQUIRE(before == 4);

    CHECK(service.acknowledge(caller, {item("I1", "customer-1", "R1")}).failed.empty());  // a replay
    CHECK(service.accept(caller, {item("I1", "customer-1", "D1")}).failed.empty());       // a replay
    CHECK(codes(service.acknowledge(caller, {item("I1", "customer-1", "OTHER")})) == strings{"3"});
    CHECK(codes(service.acknowledge(caller, {item("NOPE"), item("I2", "bob"), item("I2", "alice", "R1")})) ==
          strings{"2", "1", "4"});
    CHECK(codes(service.decline(caller, {item("I1", "customer-1", "D1")})) == strings{"5"});
    service.issue(op, a_charge("I1"));                                 // the same details again
    CHECK_THROWS_AS(service.issue(op, a_charge("I1").costing("1.00", "EUR")), error);  // a conflict
    service.record_outcome(op, "I1", charge_status::approved);         // recorded already
    CHECK_THROWS_AS(service.record_outcome(op, "I1", charge_status::declined), error);
    CHECK(entries().size() == before);

    // One good item among failures writes its one entry.
    CHECK(codes(service.acknowledge(caller, {item("NOPE"), item("I2", "alice", "R2"), item("I2", "alice", "R2")})) ==
          strings{"2", "7"});
    CHECK(entries().size() == before + 1);
}

TEST_CASE_METHOD(journal_fixture, "the journal matches the charges after every kind of batch", "[contract][journal]")
{
    strings numbers;
    std::vector<new_charge> batch;
    for (int i = 0; i < 30; ++i) {
        numbers.push_back("N" + std::to_string(100 + i));
        batch.push_back(a_charge(numbers.back()).received_on(at("2026-01-01T00:00:00") + std::chrono::seconds{i}));
    }
    service.issue_many(op, batch);
    std::vector<imported_charge> imported;
    for (int i = 0; i < 10; ++i) {
        numbers.push_back("M" + std::to_string(100 + i));
        imported.push_back({a_charge(numbers.back()), i % 2 == 0 ? charge_status::pending : charge_status::approved, {}});
    }
    imported.push_back({a_charge("N100").received_on(at("2026-01-01T00:00:00")), charge_status::declined, {}});
    imported.push_back({a_charge("N101").received_on(at("2026-01-01T00:00:01")), charge_status::pending, {}});
    CHECK(service.import_charges(op, imported).processed == 1);
    service.record_outcome(op, "N102", charge_status::rejected);

    std::vector<charge_item> acknowledgements;
    for (int i = 0; i < 40; i += 3) acknowledgements.push_back(item(numbers[static_cast<std::size_t>(i)], "customer-1",
                                                                   "A" + std::to_string(i)));
    acknowledgements.push_back(item("NOPE"));
    acknowledgements.push_back(acknowledgements.front());  // code 7
    CHECK(service.acknowledge(caller, acknowledgements).failed.size() == 2);
    std::vector<charge_item> accepts, declines;
    for (int i = 1; i < 40; i += 4) accepts.push_back(item(numbers[static_cast<std::size_t>(i)], "customer-1"));
    for (int i = 2; i < 40; i += 5) declines.push_back(item(numbers[static_cast<std::size_t>(i)], "customer-1",
                                                            "D" + std::to_string(i)));
    service.accept(caller, accepts);    // some fail with code 5: processed already
    service.decline(caller, declines);  // some fail: accepted just now, or processed

    require_journal_matches_charges(op, numbers);
    require_backlog_matches_lists(op);
}

TEST_CASE_METHOD(journal_fixture, "the journal is read by cursor, and its arguments are checked", "[contract][journal]")
{
    for (int i = 0; i < 12; ++i) issue(a_charge("I" + std::to_string(10 + i)));
    const auto first = service.journal(op, 0, 5);
    REQUIRE(first.size() == 5);
    CHECK(first.front().sequence == 1);
    const auto next = service.journal(op, first.back().sequence, 5);
    REQUIRE(next.size() == 5);
    CHECK(next.front().sequence == 6);
    CHECK(service.journal(op, 10, 1000).size() == 2);
    CHECK(service.journal(op, 12, 1000).empty());
    CHECK(service.journal(op, 5000, 10).empty());
    CHECK(service.journal(op).size() == 12);
    CHECK(service.journal(operator_id{"nobody"}).empty());

    for (const std::size_t bad_limit : {std::size_t{0}, limits::max_journal_entries + 1}) {
        try {
            service.journal(op, 0, bad_limit);
            FAIL("a limit of " << bad_limit << " was taken");
        } catch (const error& e) {
            CHECK(e.code() == errc::invalid_parameter);
            CHECK(e.field() == "limit");
        }
    }
    CHECK_THROWS_AS(service.journal(op, -1, 10), error);
    CHECK_THROWS_AS(service.journal(operator_id{""}, 0, 10), error);
}

TEST_CASE_METHOD(journal_fixture, "each operator has its own journal and sequence", "[contract][journal][isolation]")
{
    issue_for(op, a_charge("A1"));
    issue_for(other, a_charge("B1"));
    issue_for(other, a_charge("B2"));
    REQUIRE(service.acknowledge(other_caller, {item("B1")}).failed.empty());
    CHECK(codes(service.acknowledge(caller, {item("B2")})) == strings{"2"});

    const auto mine = entries(op);
    REQUIRE(mine.size() == 1);
    CHECK(mine[0].number == "A1");
    const auto theirs = entries(other);
    REQUIRE(theirs.size() == 3);
    CHECK(theirs[0].sequence == 1);
    CHECK(theirs[2].kind == journal_kind::acknowledged);
    require_backlog_matches_lists(op);
    require_backlog_matches_lists(other);
}

TEST_CASE_METHOD(journal_fixture, "pruning removes old entries only, and sequence numbers are never reused",
                 "[contract][journal][retention]")
{
    issue(a_charge("I1"));
    issue_for(other, a_charge("B1"));
    time.advance(std::chrono::hours{24});
    REQUIRE(service.acknowledge(caller, {item("I1", "customer-1", "R1")}).failed.empty());

    CHECK(service.prune_journal(time.now()) == 2);  // both operators' issues, the day before
    const auto left = entries();
    REQUIRE(left.size() == 1);
    CHECK(left[0].sequence == 2);
    CHECK(entries(other).empty());
    CHECK(stored("I1").acknowledged);  // charges untouched
    CHECK(service.find(other, "B1"));

    CHECK(service.prune_journal(time.now() + std::chrono::hours{1}) == 1);  // every entry gone
    CHECK(entries().empty());
    issue(a_charge("I2"));
    issue_for(other, a_charge("B2"));
    REQUIRE(entries().size() == 1);
    CHECK(entries().front().sequence == 3);  // not 1 again: a reader's cursor stays valid
    CHECK(entries(other).front().sequence == 2);
    CHECK(service.prune_journal(at("2000-01-01T00:00:00")) == 0);
}

TEST_CASE_METHOD(journal_fixture, "concurrent overlapping batches write exactly one entry per change, numbered densely",
                 "[contract][journal][concurrency]")
{
    constexpr int threads_count = 6;
    constexpr int charge_count = 120;
    strings numbers;
    for (int i = 0; i < charge_count; ++i) {
        numbers.push_back("C" + std::to_string(1000 + i));
        issue(a_charge(numbers.back()));
    }
    std::vector<std::thread> threads;
    for (int t = 0; t < threads_count; ++t) {
        threads.emplace_back([&, t] {
            for (int done = 0; done < charge_count; done += 30) {
                std::vector<charge_item> batch;
                for (int k = 0; k < 30; ++k) {
                    const auto& number = numbers[static_cast<std::size_t>((t * 20 + done + k) % charge_count)];
                    batch.push_back(item(number, "customer-1", "T" + std::to_string(t) + "-" + number));
                }
                // Half the threads accept as well, so that the two kinds of batch interleave.
                service.acknowledge(caller, batch);
                if (t % 2 == 0) service.accept(caller, batch);
            }
        });
    }
    for (auto& thread : threads) thread.join();
    require_journal_matches_charges(op, numbers);
    require_backlog_matches_lists(op);
}
