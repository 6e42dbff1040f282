#pragma once

// Writing JSON text. Boost.JSON escapes the strings; money is written here as the exact
// decimal text, because Boost.JSON would print a double (9.99E0).

#include <netflix_charges/charge.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netflix_charges::http::detail {

std::string quoted(std::string_view text);  // a JSON string literal
std::string quoted_or_null(const std::optional<std::string>& text);
void append_quoted(std::string& out, std::string_view text);

// {"data": <data_json>, "status": {"code": ..., "description": ..., "message": ...}}
std::string envelope(std::string_view data_json, std::string_view code = "OK", std::string_view description = "",
                     std::string_view message = "");

// A charge's fields on the wire, in the order they are written.
enum class charge_field {
    number,
    billing_system_customer_identifier,
    amount,
    currency,
    local_currency_amount,
    local_currency,
    paid_through_date,
    charge_status,
    received_on,
    set_as_approved_on,
    set_as_declined_on,
    set_as_bad_request_on,
    set_as_rejected_request_on,
};

const std::vector<charge_field>& charge_fields();  // all of them, in order
std::string_view wire_name(charge_field f);
std::optional<charge_field> parse_charge_field(std::string_view name);

// Appends a charge as a JSON object with only `fields`.
void append_charge_json(std::string& out, const charge& c, const std::vector<charge_field>& fields);

}  // namespace netflix_charges::http::detail
