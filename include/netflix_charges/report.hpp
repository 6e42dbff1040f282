#pragma once

// Reconciliation (SPEC section 6): an operator's charges received in a period, by status and
// currency, with their count and exact sum.

#include <netflix_charges/export.hpp>
#include <netflix_charges/charge.hpp>
#include <netflix_charges/decimal.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace netflix_charges {

struct report_row {
    charge_status status = charge_status::pending;
    std::string currency;
    std::uint64_t charges = 0;
    std::string amount;  // the exact sum, at the largest scale of its amounts ("19.98")
};

// Sums charges into report rows exactly, whatever their number: a sum is kept in 128 bits at
// decimal::max_scale, so a million amounts of 18 digits cannot overflow it.
class NETFLIX_CHARGES_EXPORT report_totals {
public:
    void add(const charge& c);

    // One row per status and currency seen, in the order of charge_status, then currency.
    std::vector<report_row> rows() const;

private:
    struct total {
        std::uint64_t charges = 0;
        std::int64_t high = 0;   // the sum in millionths is high * 10^18 + low
        std::int64_t low = 0;    // 0 <= low < 10^18 after every add
        int scale = 0;           // the largest scale added
    };
    std::map<std::pair<int, std::string>, total> totals_;
};

}  // namespace netflix_charges
