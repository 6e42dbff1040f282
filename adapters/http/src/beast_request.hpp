#pragma once

// A request as Beast parsed it, made into the handler's request value. Used by the server and
// by the HTTP fuzz target, which feeds raw bytes through the same parser.

#include <netflix_charges/http/handler.hpp>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <string>

namespace netflix_charges::http::detail {

inline request to_request(const boost::beast::http::request<boost::beast::http::string_body>& in)
{
    request out;
    out.method = std::string{in.method_string()};
    out.target = std::string{in.target()};
    for (const auto& field : in) out.headers.emplace_back(std::string{field.name_string()}, std::string{field.value()});
    out.body = in.body();
    return out;
}

}  // namespace netflix_charges::http::detail
