#pragma once

// Reading what a request carries: query parameters (Boost.URL), JSON bodies (Boost.JSON),
// tokens and Basic credentials. Each reader throws netflix_charges::error naming the field at
// fault in the CRM.COM API's words.

#include <netflix_charges/http/handler.hpp>
#include <netflix_charges/operations.hpp>

#include <boost/json/object.hpp>
#include <boost/url/params_encoded_view.hpp>

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netflix_charges::http::detail {

using parameters = std::map<std::string, std::string>;

// The percent-decoded query parameters of a target already parsed (so valid); a repeated one
// is an error (which one would count?).
parameters query_parameters(const boost::urls::params_encoded_view& encoded);

// A mandatory whole number in [min, max], plain digits.
std::size_t integer_parameter(const parameters& p, const std::string& name, std::size_t min, std::size_t max);
std::string text_parameter(const parameters& p, const std::string& name);

// A JSON object body; anything else is MALFORMED_REQUEST.
boost::json::object parse_body(std::string_view body);

std::string string_field(const boost::json::object& o, const std::string& name, const std::string& path);
// Absent or null: nothing. Present: a non-empty string.
std::optional<std::string> optional_string_field(const boost::json::object& o, const std::string& name,
                                                 const std::string& path);

// The items of an acknowledge/accept/decline set (at most 50, checked before reading them).
std::vector<charge_item> items_field(const boost::json::object& o, const std::string& set_name);

// The token of a call: `Authorization: Bearer`, or `token` in the query or body. Two different
// ones are an error; none is UNAUTHENTICATED.
std::string call_token(const request& r, const parameters* query, const boost::json::object* body);

// The user name of `Authorization: Basic` (a Web API key), or nothing.
std::optional<std::string> basic_user(const request& r);

}  // namespace netflix_charges::http::detail
