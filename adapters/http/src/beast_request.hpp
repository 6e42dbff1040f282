#pragma once

// A request as Beast parsed it: whether its framing can be trusted, and the handler's request
// value made from it. Used by the server and by the HTTP fuzz target, which feeds raw bytes
// through the same parser.

#include <netflix_charges/http/handler.hpp>

#include <boost/beast/core/string.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <iterator>
#include <optional>
#include <string>
#include <string_view>

namespace netflix_charges::http::detail {

// Why the length of a request whose head has arrived is not certain, or nothing when it is.
// RFC 9112 section 6.1: a request with a Transfer-Encoding other than a final `chunked`, or in
// HTTP/1.0, or with Content-Length too, cannot be framed reliably (a proxy in front may read it
// otherwise: request smuggling, CWE-444); the server answers 400 and closes the connection.
// Beast 1.81 reads such a request as having no body, so the check is ours. Only `chunked` is
// accepted as a coding: the server decodes no other.
template <typename Fields>
std::optional<std::string> ambiguous_length(const boost::beast::http::header<true, Fields>& head)
{
    namespace bhttp = boost::beast::http;
    // RFC 9110 section 8.6 lets a recipient take a list of equal lengths; a proxy in front may
    // not, so only one plain Content-Length is taken.
    const auto lengths = head.equal_range(bhttp::field::content_length);
    if (lengths.first != lengths.second &&
        (std::next(lengths.first) != lengths.second || lengths.first->value().find(',') != boost::beast::string_view::npos))
        return "A request may carry one Content-Length, of one value";
    const auto codings = head.equal_range(bhttp::field::transfer_encoding);
    if (codings.first == codings.second) return std::nullopt;
    if (head.version() < 11) return "Transfer-Encoding is not allowed in an HTTP/1.0 request";
    if (lengths.first != lengths.second) return "A request may not carry both Transfer-Encoding and Content-Length";
    std::string given;  // every Transfer-Encoding field's codings, in order
    for (auto field = codings.first; field != codings.second; ++field) {
        if (!given.empty()) given += ',';
        given.append(field->value().data(), field->value().size());
    }
    std::string without_blanks;
    for (char c : given)
        if (c != ' ' && c != '\t') without_blanks += c;
    if (!boost::beast::iequals(without_blanks, "chunked"))
        return "Transfer-Encoding " + given.substr(0, 64) + " is not accepted: the only coding is chunked";
    return std::nullopt;
}

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
