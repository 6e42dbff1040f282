#pragma once

// One line of an import file (JSON Lines): a flat JSON object with the field names of SPEC.md.
// Amounts are read from the JSON text exactly: they never pass through a double.

#include <netflix_charges/service.hpp>

#include <stdexcept>
#include <string>
#include <string_view>

namespace netflix_charges::import {

// What is wrong with a line, in words for the person who wrote the file.
class line_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Fields: number, billing_system_customer_identifier, amount, currency, paid_through_date
// (mandatory); local_currency_amount, local_currency, received_on, charge_status,
// set_as_approved_on, set_as_declined_on, set_as_bad_request_on, set_as_rejected_request_on
// (optional, null allowed). Unknown fields, repeated fields, nesting, and amounts in exponent
// form are errors. The status time is the `set_as_..._on` of the line's status.
imported_charge parse_line(std::string_view line);

}  // namespace netflix_charges::import
