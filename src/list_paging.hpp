#pragma once

// A list page read through a store's stamped cache, at a cost that does not grow with the
// offset for the way billing systems page: a page polled again is answered from the cache; a
// page that starts where another ended starts from that page's last row (an anchor) rather than
// stepping over every row before it; and a page that starts elsewhere also reads the row just
// before it, which becomes the anchor of whoever reads the page after it again.
//
// The page is exactly the store's list at one moment: the rows are read from the anchor only
// when the anchor and the rows are of the same stamp (read before, unchanged after); when a
// commit lands in between, the page is read again from the list's start.

#include "stamped_cache.hpp"

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace netflix_charges::detail {

inline list_position position_of(const charge& c) { return {c.received_on, c.number}; }

// `read_rows(after, skip, limit)`: in one read of the store, the rows of the query's list that
// come after position `after` (from its start when null), skipping `skip` of them, at most `limit`.
// `stamp_now()`: the store's change stamp as it is now.
template <typename Stamp, typename ReadRows, typename StampNow>
std::vector<charge> read_list_page(stamped_cache<Stamp>& cache, const list_query& query, ReadRows read_rows,
                                   StampNow stamp_now)
{
    const Stamp stamp = stamp_now();
    if (const auto page = cache.page(stamp, query)) return *page;

    // The page, and the anchor just before it when one was read.
    const auto read_from = [&](const std::optional<list_anchor>& from) {
        const std::int64_t start = from ? from->offset + 1 : 0;  // the position the read starts at
        const std::int64_t row_before = query.offset > start ? 1 : 0;
        auto rows = read_rows(from ? &from->key : nullptr, query.offset - start - row_before, query.limit + row_before);
        std::optional<list_anchor> before;
        if (row_before == 1 && !rows.empty()) {
            before = list_anchor{query.offset - 1, position_of(rows.front())};
            rows.erase(rows.begin());
        }
        return std::pair{std::move(rows), std::move(before)};
    };

    const auto anchor = cache.anchor_before(stamp, query);
    auto [rows, before] = read_from(anchor);
    if (stamp_now() != stamp) {
        // A commit landed: the anchor may not be where it was in the state the rows were read in.
        if (anchor) return read_from(std::nullopt).first;
        return std::move(rows);
    }
    if (before) cache.remember_anchor(stamp, query, *before);
    if (!rows.empty())  // the next page starts after it
        cache.remember_anchor(stamp, query, {query.offset + static_cast<std::int64_t>(rows.size()) - 1, position_of(rows.back())});
    cache.remember_page(stamp, query, std::make_shared<const std::vector<charge>>(rows));
    return std::move(rows);
}

}  // namespace netflix_charges::detail
