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

// The wire names of a charge's fields, in the order they are written.
const std::vector<std::string_view>& charge_fields();

// Appends a charge as a JSON object with only `fields` (wire names, each one of charge_fields()).
void append_charge_json(std::string& out, const charge& c, const std::vector<std::string_view>& fields);

}  // namespace netflix_charges::http::detail
