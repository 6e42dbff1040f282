#pragma once

// How one write changes an operator's backlog (its charges not acknowledged, by status class),
// for the SQL stores, which keep the backlog as two counts on the operator's row, changed in
// the same transaction as the charges.

#include <netflix_charges/charge.hpp>

#include <cstdint>

namespace netflix_charges::detail {

// A charge's state before a write leaves the counts, its state after enters them (an insert
// only enters).
struct backlog_change {
    std::int64_t not_processed = 0;
    std::int64_t processed = 0;

    void leaving(const charge& c) { count(c, -1); }
    void entering(const charge& c) { count(c, 1); }

private:
    void count(const charge& c, std::int64_t sign)
    {
        if (c.acknowledged) return;
        (class_of(c.status) == status_class::processed ? processed : not_processed) += sign;
    }
};

}  // namespace netflix_charges::detail
