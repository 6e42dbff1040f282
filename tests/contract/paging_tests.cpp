// Paging a deep list the ways clients do: sequential offsets (CRM.COM's documented pattern,
// "increase by the number retrieved"), the same page polled again, jumps, reverse order, and
// pages read while acknowledgements, decisions and new charges land between them or at the
// same time. Every page must be exactly SPEC.md's: skip `offset` of the current unacknowledged
// list, oldest received first, ties by number. A store that remembers where pages start must
// never let that memory show.
#include "fixture.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <random>
#include <set>
#include <thread>

using namespace contract;
using strings = std::vector<std::string>;

namespace {

constexpr std::size_t backlog = 1200;
constexpr std::size_t page_size = 50;

// Charges received three to a second, so that pages end inside runs of equal times (ties by number).
std::vector<new_charge> backlog_charges(std::size_t first, std::size_t count)
{
    std::vector<new_charge> charges;
    for (std::size_t i = first; i < first + count; ++i) {
        char number[16];
        std::snprintf(number, sizeof number, "Q%06zu", i);
        charges.push_back(a_charge(number).received_on(at("2026-01-01T00:00:00") + std::chrono::seconds{i / 3}));
    }
    return charges;
}

strings numbers_of(const std::vector<new_charge>& charges)
{
    strings numbers;
    for (const auto& c : charges) numbers.push_back(c.number);
    return numbers;
}

// The expected page of `model` (the current list, in order).
strings slice(const strings& model, std::size_t offset, std::size_t count = page_size)
{
    if (offset >= model.size()) return {};
    return {model.begin() + static_cast<std::ptrdiff_t>(offset),
            model.begin() + static_cast<std::ptrdiff_t>(std::min(model.size(), offset + count))};
}

void remove_from(strings& model, const strings& gone)
{
    model.erase(std::remove_if(model.begin(), model.end(),
                               [&](const std::string& n) { return std::find(gone.begin(), gone.end(), n) != gone.end(); }),
                model.end());
}

}  // namespace

TEST_CASE_METHOD(fixture, "sequential, repeated, jumping and reverse pages of a deep backlog are exact",
                 "[contract][list][paging]")
{
    const auto charges = backlog_charges(0, backlog);
    service.issue_many(op, charges);
    const auto model = numbers_of(charges);

    for (std::size_t offset = 0; offset < backlog + page_size; offset += page_size) {
        CAPTURE(offset);
        REQUIRE(listed(status_class::not_processed, offset, page_size) == slice(model, offset));
        CHECK(listed(status_class::not_processed, offset, page_size) == slice(model, offset));  // polled again
    }
    for (std::size_t offset : {1150, 3, 777, 0, 1199, 640, 641}) {
        CAPTURE(offset);
        CHECK(listed(status_class::not_processed, offset, 7) == slice(model, offset, 7));
    }
    for (std::size_t offset = backlog; offset >= page_size; offset -= page_size) {
        CAPTURE(offset);
        CHECK(listed(status_class::not_processed, offset - page_size, page_size) == slice(model, offset - page_size));
    }
}

TEST_CASE_METHOD(fixture, "pages stay exact when acknowledgements, decisions and new charges land between them",
                 "[contract][list][paging]")
{
    const auto charges = backlog_charges(0, backlog);
    service.issue_many(op, charges);
    strings pending = numbers_of(charges);
    strings processed;
    std::size_t older = 0;  // charges issued later with an old received_on, so they sort before the cursor

    for (std::size_t offset = 0, round = 0; offset < pending.size(); offset += page_size, ++round) {
        CAPTURE(offset, round);
        REQUIRE(listed(status_class::not_processed, offset, page_size) == slice(pending, offset));
        switch (round % 4) {
        case 0: {  // acknowledge charges before the cursor, inside the next page and after it
            strings gone{pending[offset / 2], pending[std::min(pending.size() - 1, offset + page_size + 3)],
                         pending[pending.size() - 1]};
            std::sort(gone.begin(), gone.end());
            gone.erase(std::unique(gone.begin(), gone.end()), gone.end());
            std::vector<charge_item> items;
            for (const auto& n : gone) items.push_back(item(n));
            REQUIRE(service.acknowledge(caller, items).failed.empty());
            remove_from(pending, gone);
            break;
        }
        case 1: {  // decline one before the cursor: it leaves this list for PROCESSED
            const auto n = pending[offset / 3];
            REQUIRE(service.decline(caller, {item(n)}).failed.empty());
            remove_from(pending, {n});
            processed.push_back(n);
            break;
        }
        case 2: {  // a new charge received before everything: every later page shifts by one
            char number[16];
            std::snprintf(number, sizeof number, "O%04zu", older++);
            service.issue(op, a_charge(number).received_on(at("2025-01-01T00:00:00")));
            pending.insert(pending.begin(), number);
            std::sort(pending.begin(), pending.begin() + static_cast<std::ptrdiff_t>(older));
            break;
        }
        default:  // the host processes one at the cursor
            service.record_outcome(op, pending[offset], charge_status::approved);
            processed.push_back(pending[offset]);
            remove_from(pending, {pending[offset]});
        }
        // The same page read again sees the change at once.
        CHECK(listed(status_class::not_processed, offset, page_size) == slice(pending, offset));
    }
    // PROCESSED, never acknowledged, in received order: the model sorted the store's way.
    std::sort(processed.begin(), processed.end(), [&](const std::string& a, const std::string& b) {
        const auto x = stored(a), y = stored(b);
        return std::tie(x.received_on, x.number) < std::tie(y.received_on, y.number);
    });
    for (std::size_t offset = 0; offset < processed.size(); offset += 5)
        CHECK(listed(status_class::processed, offset, 5) == slice(processed, offset, 5));
}

TEST_CASE_METHOD(fixture, "a deep PROCESSED backlog that is never acknowledged pages like any other",
                 "[contract][list][paging]")
{
    const auto charges = backlog_charges(0, 600);
    service.issue_many(op, charges);
    for (const auto& c : charges) service.record_outcome(op, c.number, charge_status::approved);
    const auto model = numbers_of(charges);
    for (std::size_t offset = 0; offset < 650; offset += page_size) {
        CAPTURE(offset);
        CHECK(listed(status_class::processed, offset, page_size) == slice(model, offset));
        CHECK(listed(status_class::processed, offset, page_size) == slice(model, offset));
    }
    CHECK(listed(status_class::not_processed).empty());
}

TEST_CASE_METHOD(fixture, "paging while another thread acknowledges: every page is ordered and current",
                 "[contract][list][paging][concurrency]")
{
    const auto charges = backlog_charges(0, backlog);
    service.issue_many(op, charges);
    const auto all = numbers_of(charges);

    // The writer acknowledges charges in a random order, recording each once it was told so.
    std::mutex acknowledged_mutex;
    std::set<std::string> acknowledged;
    std::atomic<bool> done{false};
    std::thread writer{[&] {
        std::mt19937 random{20261201};
        auto order = all;
        std::shuffle(order.begin(), order.end(), random);
        for (std::size_t i = 0; i + 10 <= 600; i += 10) {
            std::vector<charge_item> items;
            for (std::size_t k = i; k < i + 10; ++k) items.push_back(item(order[k]));
            if (!service.acknowledge(caller, items).failed.empty()) break;
            std::lock_guard lock{acknowledged_mutex};
            for (std::size_t k = i; k < i + 10; ++k) acknowledged.insert(order[k]);
        }
        done = true;
    }};

    // Catch2 is not thread-safe: the reader (this thread) checks, the writer only writes.
    std::size_t pages = 0;
    bool ordered = true, current = true;
    while (!done || pages < 3) {
        for (std::size_t offset = 0; offset < backlog; offset += page_size * 4, ++pages) {
            std::set<std::string> before;
            {
                std::lock_guard lock{acknowledged_mutex};
                before = acknowledged;
            }
            const auto page = listed(status_class::not_processed, offset, page_size);
            ordered = ordered && std::is_sorted(page.begin(), page.end());  // numbers sort as received here
            for (const auto& n : page) current = current && before.count(n) == 0;
        }
    }
    writer.join();
    CHECK(ordered);
    CHECK(current);  // no page showed a charge acknowledged before it was asked for
    strings model;
    for (const auto& n : all)
        if (acknowledged.count(n) == 0) model.push_back(n);
    REQUIRE(acknowledged.size() == 600);
    for (std::size_t offset = 0; offset < model.size(); offset += page_size) {
        CAPTURE(offset);
        CHECK(listed(status_class::not_processed, offset, page_size) == slice(model, offset));
    }
}

TEST_CASE_METHOD(fixture, "sequential pages read while another thread acknowledges are each the exact list of one moment",
                 "[contract][list][paging][concurrency]")
{
    // The writer commits batches in a known order, so the list after each batch is known; a page
    // is right only if it is exactly the page of one of the lists that held while it was read.
    // Batches take charges ahead of the reader and behind it, so that every anchor it leaves
    // behind moves.
    const auto charges = backlog_charges(0, backlog);
    service.issue_many(op, charges);
    const auto all = numbers_of(charges);
    constexpr std::size_t batches = 120, batch_size = 5;
    std::vector<strings> gone_by(batches + 1);  // the numbers acknowledged by the first k batches
    {
        std::mt19937 random{20261202};
        auto order = all;
        std::shuffle(order.begin(), order.end(), random);
        for (std::size_t k = 1; k <= batches; ++k) {
            gone_by[k] = gone_by[k - 1];
            gone_by[k].insert(gone_by[k].end(), order.begin() + static_cast<std::ptrdiff_t>((k - 1) * batch_size),
                              order.begin() + static_cast<std::ptrdiff_t>(k * batch_size));
        }
    }
    const auto list_after = [&](std::size_t k) {
        auto model = all;
        remove_from(model, gone_by[k]);
        return model;
    };

    std::atomic<std::size_t> committed{0};  // batches the writer has been told are done
    std::atomic<bool> failed{false};
    std::thread writer{[&] {
        for (std::size_t k = 1; k <= batches && !failed; ++k) {
            std::vector<charge_item> items;
            for (std::size_t i = (k - 1) * batch_size; i < k * batch_size; ++i) items.push_back(item(gone_by[k][i]));
            if (!service.acknowledge(caller, items).failed.empty()) failed = true;
            committed = k;
            std::this_thread::sleep_for(std::chrono::microseconds{300});
        }
    }};

    std::size_t pages = 0, wrong = 0;
    std::string first_wrong;
    while (committed < batches && !failed) {
        for (std::size_t offset = 0; offset < backlog; offset += page_size, ++pages) {
            const std::size_t before = committed;
            const auto page = listed(status_class::not_processed, offset, page_size);
            const std::size_t after = std::min(batches, committed + 1);  // one batch may be committed, not yet told
            bool matched = false;
            for (std::size_t k = before; k <= after && !matched; ++k) matched = page == slice(list_after(k), offset);
            if (!matched && wrong++ == 0) first_wrong = "offset " + std::to_string(offset) + " between batches " +
                                                        std::to_string(before) + " and " + std::to_string(after);
        }
    }
    writer.join();
    REQUIRE_FALSE(failed);
    CHECK(pages > 0);
    INFO(first_wrong);
    CHECK(wrong == 0);
}
