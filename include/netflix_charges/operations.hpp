#pragma once

#include <netflix_charges/charge.hpp>
#include <netflix_charges/errors.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace netflix_charges {

// One item of an acknowledge, accept or decline call.
struct charge_item {
    std::string number;
    std::string billing_system_customer_identifier;
    std::optional<std::string> reference_number;
};

// An item that was not applied: an expected business outcome, not an exception.
struct item_failure {
    std::string number;
    std::optional<std::string> reference_number;  // as given in the item
    errc code = errc::charge_not_found;           // one of the per-item codes 1 to 7
    std::string description;
};

// The answer of acknowledge, accept and decline: every item not listed here was applied
// (or had already been applied exactly so: a replay).
struct batch_result {
    std::vector<item_failure> failed;
};

// The parameters of the list call.
struct list_request {
    status_class charge_status = status_class::not_processed;
    std::size_t offset = 0;
    std::size_t number_of_results = 50;  // 1 to limits::max_list_results
};

}  // namespace netflix_charges
