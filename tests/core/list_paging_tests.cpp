// Paging through the stamped cache (src/list_paging.hpp, src/stamped_cache.hpp), against a
// list in memory whose reads count the rows they step over: the cost of a page must not grow
// with its offset for the ways clients page, and the cache's rule must hold when the stamp
// moves — between calls, and in the middle of a read.
#include "list_paging.hpp"

#include <netflix_charges/testing.hpp>

#include <catch2/catch.hpp>

#include <cstdio>
#include <set>
#include <string>
#include <vector>

using namespace netflix_charges;
using namespace netflix_charges::detail;

namespace {

// A list of `size` charges and a stamp that the test moves; reads count what they cost.
struct counted_list {
    std::set<list_position> rows;
    std::uint64_t stamp = 0;
    std::int64_t stepped_over = 0;  // rows skipped by the last read
    int reads = 0;
    std::function<void()> during_read;  // run inside a read, after its rows are chosen

    explicit counted_list(int size)
    {
        for (int i = 0; i < size; ++i) rows.insert(position(i));
    }

    static list_position position(int i)
    {
        char number[16];
        std::snprintf(number, sizeof number, "N%06d", i);
        return {testing::at("2026-01-01T00:00:00") + std::chrono::seconds{i / 2}, number};
    }

    std::vector<charge> read(const list_position* after, std::int64_t skip, std::int64_t limit)
    {
        ++reads;
        stepped_over = skip;
        auto it = after ? rows.upper_bound(*after) : rows.begin();
        for (; skip > 0 && it != rows.end(); --skip) ++it;
        std::vector<charge> page;
        for (; it != rows.end() && static_cast<std::int64_t>(page.size()) < limit; ++it) {
            charge c;
            c.number = it->number;
            c.received_on = it->received_on;
            page.push_back(c);
        }
        if (during_read) during_read();
        return page;
    }

    void remove(int i)
    {
        rows.erase(position(i));
        ++stamp;
    }
};

std::vector<std::string> numbers(const std::vector<charge>& page)
{
    std::vector<std::string> out;
    for (const auto& c : page) out.push_back(c.number);
    return out;
}

std::vector<std::string> expected(const counted_list& list, std::int64_t offset, std::int64_t limit)
{
    std::vector<std::string> out;
    auto it = list.rows.begin();
    for (std::int64_t i = 0; i < offset && it != list.rows.end(); ++i) ++it;
    for (; it != list.rows.end() && static_cast<std::int64_t>(out.size()) < limit; ++it) out.push_back(it->number);
    return out;
}

struct pager {
    counted_list list;
    stamped_cache<std::uint64_t> cache;

    explicit pager(int size) : list(size) {}

    std::vector<std::string> page(std::int64_t offset, std::int64_t limit = 50)
    {
        const list_query query{"op", status_class::not_processed, offset, limit};
        return numbers(read_list_page(
            cache, query, [&](const list_position* after, std::int64_t skip, std::int64_t n) { return list.read(after, skip, n); },
            [&] { return list.stamp; }));
    }
};

}  // namespace

TEST_CASE("sequential pages start where the last ended: no page steps over the rows before it", "[list paging]")
{
    pager p{10000};
    for (std::int64_t offset = 0; offset < 10000; offset += 50) {
        CAPTURE(offset);
        REQUIRE(p.page(offset) == expected(p.list, offset, 50));
        REQUIRE(p.list.stepped_over == 0);
    }
}

TEST_CASE("a page polled again is not read again until the stamp moves", "[list paging]")
{
    pager p{200};
    REQUIRE(p.page(100) == expected(p.list, 100, 50));
    const int reads = p.list.reads;
    CHECK(p.page(100) == expected(p.list, 100, 50));
    CHECK(p.list.reads == reads);

    p.list.remove(0);  // a commit: the page shifts by one
    CHECK(p.page(100) == expected(p.list, 100, 50));
    CHECK(p.list.reads == reads + 1);
}

TEST_CASE("a jump pays its offset once; the page after it, and the page again from its start, do not",
          "[list paging]")
{
    pager p{10000};
    REQUIRE(p.page(7000) == expected(p.list, 7000, 50));
    CHECK(p.list.stepped_over == 6999);  // no anchor yet: from the start, with the row before the page
    REQUIRE(p.page(7050) == expected(p.list, 7050, 50));
    CHECK(p.list.stepped_over == 0);
    REQUIRE(p.page(7010, 20) == expected(p.list, 7010, 20));
    CHECK(p.list.stepped_over <= 10);  // from the anchor at 6999
}

TEST_CASE("anchors of another stamp are never used: after a commit, pages are exact again", "[list paging]")
{
    pager p{1000};
    for (std::int64_t offset = 0; offset < 500; offset += 50) REQUIRE(p.page(offset) == expected(p.list, offset, 50));
    p.list.remove(10);  // before every anchor: each one is now one place off
    for (std::int64_t offset = 500; offset < 1000; offset += 50) {
        CAPTURE(offset);
        CHECK(p.page(offset) == expected(p.list, offset, 50));
    }
}

TEST_CASE("a commit in the middle of a read from an anchor: the page is read again, and nothing is kept",
          "[list paging]")
{
    pager p{1000};
    REQUIRE(p.page(0) == expected(p.list, 0, 50));  // anchors the row at 49
    // The next read, from that anchor, sees a commit land that removes a row before it: the rows
    // it chose are of the old state, the anchor's.
    bool once = true;
    p.list.during_read = [&] {
        if (std::exchange(once, false)) p.list.remove(3);
    };
    const auto page = p.page(50);
    p.list.during_read = nullptr;
    CHECK(page == expected(p.list, 50, 50));  // the state after the commit, exactly
    const int reads = p.list.reads;
    CHECK(p.page(50) == expected(p.list, 50, 50));  // nothing of the torn read was kept...
    CHECK(p.list.reads == reads + 1);               // ...so it is read again
}

TEST_CASE("an entry filed under one stamp is given to no caller of another", "[list paging]")
{
    stamped_cache<std::uint64_t> cache;
    const list_query query{"op", status_class::not_processed, 0, 50};
    const list_query deeper{"op", status_class::not_processed, 20, 50};
    cache.remember_page(1, query, std::make_shared<const std::vector<charge>>(1));
    cache.remember_anchor(1, query, {10, {}});
    cache.remember_unrevoked(1, "jti");
    // Under their own stamp, each is given...
    CHECK(cache.page(1, query));
    CHECK(cache.anchor_before(1, deeper));
    CHECK(cache.known_unrevoked(1, "jti"));
    // ...to its own query only...
    CHECK_FALSE(cache.page(1, {"other", status_class::not_processed, 0, 50}));
    CHECK_FALSE(cache.page(1, {"op", status_class::processed, 0, 50}));
    CHECK_FALSE(cache.anchor_before(1, {"other", status_class::not_processed, 20, 50}));
    // ...and never under another stamp, nor again once another stamp has been seen.
    CHECK_FALSE(cache.page(2, query));
    CHECK_FALSE(cache.page(1, query));
    CHECK_FALSE(cache.anchor_before(1, deeper));
    CHECK_FALSE(cache.known_unrevoked(1, "jti"));
}
