#pragma once

// How a request is read: every rule of docs/http.md "Reading requests" that concerns what a
// request means (its path, query, headers and body) is here, in one place. The rules are as
// liberal as the Java servlet stack CRM.COM runs on, because billing systems written against it
// send what their HTTP client happened to send. (How a request is framed — its length, Expect,
// HEAD — is the server's: src/server.cpp.) Each reader throws netflix_charges::error naming
// the field at fault in the CRM.COM API's words.

#include <netflix_charges/http/handler.hpp>
#include <netflix_charges/operations.hpp>

#include "json_text.hpp"

#include <boost/json/object.hpp>
#include <boost/url/params_encoded_view.hpp>

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netflix_charges::http::detail {

// The path a route is looked up by: repeated slashes are one, and a trailing slash is
// dropped (`netflix/charges/list/`, `v2//netflix`). Returns `encoded_path` itself when it
// needs neither, else a view of `storage`.
std::string_view route_path(std::string_view encoded_path, std::string& storage);

using parameters = std::map<std::string, std::string>;

// The percent-decoded query parameters ('+' is a space) of a target already parsed (so
// valid). An empty pair (`&&`, a trailing `&`) is no parameter; a parameter given twice with
// the same value counts once, with two different values it is INVALID_PARAMETER.
parameters query_parameters(const boost::urls::params_encoded_view& encoded);

// A mandatory whole number in [min, max], plain digits.
std::size_t integer_parameter(const parameters& p, const std::string& name, std::size_t min, std::size_t max);
// A mandatory parameter: absent or empty is MISSING_PARAMETER.
std::string text_parameter(const parameters& p, const std::string& name);
// An optional parameter: absent and empty are the same.
std::optional<std::string> optional_parameter(const parameters& p, const std::string& name);

// `fields_set`: comma-separated wire names of charge fields, each known, in the order given,
// once each; empty names (`number,,amount`) and blanks around names are skipped.
std::vector<charge_field> field_list(std::string_view text);

// The body as a JSON object, whatever its Content-Type says (a UTF-8 byte order mark is
// skipped); an empty body is an empty object when `optional`. Anything else is
// MALFORMED_REQUEST, saying what was wrong.
boost::json::object parse_body(const request& r, bool optional = false);

// A mandatory string field: absent, null or "" is MISSING_PARAMETER. A JSON integer is taken
// as its digits (as Jackson, CRM.COM's JSON library, coerces scalars); any other non-string is
// INVALID_PARAMETER.
std::string string_field(const boost::json::object& o, const std::string& name, const std::string& path);
// An optional string field: absent, null and "" are the same (nothing).
std::optional<std::string> optional_string_field(const boost::json::object& o, const std::string& name,
                                                 const std::string& path);

// The items of an acknowledge/accept/decline set (at most 50, checked before reading them).
std::vector<charge_item> items_field(const boost::json::object& o, const std::string& set_name);

// The token of a call: `Authorization: Bearer`, or `token` in the query or the body. The same
// token given in several places counts once; two different ones are an error; none is
// UNAUTHENTICATED.
std::string call_token(const request& r, const parameters& query, const boost::json::object* body);

// What `Authorization: Basic` carries (a Web API key as the user name, with or without the
// ':' and an empty password); nothing when the request has no Authorization header.
// Another scheme, or credentials that are not base64, are INVALID_CREDENTIALS.
std::optional<std::string> basic_user(const request& r);

}  // namespace netflix_charges::http::detail
