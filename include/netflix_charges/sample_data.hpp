#pragma once

#include <netflix_charges/export.hpp>
#include <netflix_charges/calendar.hpp>
#include <netflix_charges/charge.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace netflix_charges {

// Deterministic, varied charges for benchmarks, demos and load tests: charge `i` is always
// the same. Numbers are "I" and ten digits (I0000000000, ...); customers, amounts and
// currencies vary with `i`; `received_on` is `start` plus `i` seconds, so the list order is
// the number order.
//
// **Example**:
//   auto charges = netflix_charges::sample_charges(0, 1000, start);  // the first thousand
NETFLIX_CHARGES_EXPORT std::vector<new_charge> sample_charges(std::size_t first, std::size_t count, timestamp start);

// The number of sample charge `i`.
NETFLIX_CHARGES_EXPORT std::string sample_charge_number(std::size_t i);

}  // namespace netflix_charges
