#pragma once

// Checks of what callers hand to the service. Each throws `netflix_charges::error` naming the
// field at fault in the C++ API's words, and returns normally when all is well.

#include <netflix_charges/charge.hpp>
#include <netflix_charges/operations.hpp>
#include <netflix_charges/operator_id.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netflix_charges::validation {

// Non-empty, at most `max_length` bytes of valid UTF-8 without control characters.
void check_text(const std::string& field, std::string_view value, std::size_t max_length);

void check_operator(const operator_id& op);
// `item`: the charge's index in a list of charges, named in the error.
void check_new_charge(const new_charge& c, std::optional<std::size_t> item = std::nullopt);
// A batch's items; the error's subject is the item's field (`error::item()` its index).
void check_items(const std::vector<charge_item>& items);
// The operator and the parameters of a list call.
void check_list(const operator_id& op, const list_request& request);

}  // namespace netflix_charges::validation
