#include "request_reading.hpp"

#include <netflix_charges/errors.hpp>
#include <netflix_charges/limits.hpp>

#include <boost/beast/core/string.hpp>
#include <boost/json/parse.hpp>
#include <openssl/evp.h>

#include <algorithm>
#include <charconv>

namespace netflix_charges::http::detail {

namespace json = boost::json;

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s)
{
    while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
    return s;
}

// The credentials after an `Authorization` scheme (in any case, then blanks; empty when
// nothing follows), or nothing when the header has another scheme.
std::optional<std::string_view> credentials(std::string_view value, std::string_view scheme)
{
    value = trim(value);
    if (value.size() < scheme.size() || !boost::beast::iequals(value.substr(0, scheme.size()), scheme) ||
        (value.size() > scheme.size() && !is_blank(value[scheme.size()])))
        return std::nullopt;
    return trim(value.substr(scheme.size()));
}

// Form encoding, as HTTP clients send query strings: '+' is a space. Most text has neither a
// '%' nor a '+' (a token never has), and is its own decoding.
std::string decoded(boost::urls::pct_string_view text)
{
    const std::string_view encoded{text.data(), text.size()};
    // One pass (find_first_of would call memchr on the set for every character).
    if (std::none_of(encoded.begin(), encoded.end(), [](char c) { return c == '%' || c == '+'; }))
        return std::string{encoded};
    return text.decode(boost::urls::encoding_opts{true});
}

const char* json_kind(const json::value& v)
{
    switch (v.kind()) {
    case json::kind::null: return "null";
    case json::kind::bool_: return "a boolean";
    case json::kind::int64:
    case json::kind::uint64: return "an integer";
    case json::kind::double_: return "a number with a fraction";
    case json::kind::string: return "a string";
    case json::kind::array: return "an array";
    case json::kind::object: return "an object";
    }
    return "something else";
}

}  // namespace

std::optional<std::string> optional_string_field(const json::object& o, const std::string& name,
                                                 const std::string& path)
{
    const auto* value = o.if_contains(name);
    if (value == nullptr || value->is_null()) return std::nullopt;
    if (value->is_int64()) return std::to_string(value->as_int64());
    if (value->is_uint64()) return std::to_string(value->as_uint64());
    if (!value->is_string())
        throw error{errc::invalid_parameter, path, std::string{"must be a string, not "} + json_kind(*value)};
    if (value->as_string().empty()) return std::nullopt;
    return std::string{value->as_string()};
}

std::vector<charge_field> field_list(std::string_view text)
{
    std::vector<charge_field> fields;
    while (!text.empty()) {
        const auto comma = text.find(',');
        const auto name = trim(text.substr(0, comma));
        if (!name.empty()) {
            const auto field = parse_charge_field(name);
            if (!field)
                throw error{errc::invalid_parameter, "fields_set", "names an unknown field, " + std::string{name.substr(0, 64)}};
            if (std::find(fields.begin(), fields.end(), *field) == fields.end()) fields.push_back(*field);
        }
        text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    }
    if (fields.empty()) throw error{errc::invalid_parameter, "fields_set", "names no field"};
    return fields;
}

std::string_view route_path(std::string_view encoded_path, std::string& storage)
{
    const bool trailing = encoded_path.size() > 1 && encoded_path.back() == '/';
    if (!trailing && encoded_path.find("//") == std::string_view::npos) return encoded_path;
    storage.clear();
    for (char c : encoded_path)
        if (c != '/' || storage.empty() || storage.back() != '/') storage += c;
    if (storage.size() > 1 && storage.back() == '/') storage.pop_back();
    return storage;
}

parameters query_parameters(const boost::urls::params_encoded_view& encoded)
{
    parameters result;
    for (const auto& param : encoded) {
        if (param.key.empty()) continue;  // `&&`, a trailing `&`, or `=value`: no parameter
        auto value = param.has_value ? decoded(param.value) : std::string{};
        const auto [it, inserted] = result.try_emplace(decoded(param.key), std::move(value));
        if (!inserted && it->second != value)
            throw error{errc::invalid_parameter, it->first.substr(0, 64), "is given twice, with different values"};
    }
    return result;
}

std::size_t integer_parameter(const parameters& p, const std::string& name, std::size_t min, std::size_t max)
{
    const std::string text = text_parameter(p, name);
    std::size_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end != text.data() + text.size() || value < min || value > max)
        throw error{errc::invalid_parameter, name,
                    "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max)};
    return value;
}

std::string text_parameter(const parameters& p, const std::string& name)
{
    auto value = optional_parameter(p, name);
    if (!value) throw error{errc::missing_parameter, name};
    return std::move(*value);
}

std::optional<std::string> optional_parameter(const parameters& p, const std::string& name)
{
    const auto it = p.find(name);
    if (it == p.end() || it->second.empty()) return std::nullopt;
    return it->second;
}

json::object parse_body(const request& r, bool optional)
{
    std::string_view body = r.body;
    if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);  // a BOM, as .NET's Encoding.UTF8 writes
    if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        if (optional) return {};
        throw error{errc::malformed_request, "", "The request has no body: send a JSON object"};
    }
    json::error_code ec;
    json::parse_options options;
    options.max_depth = 8;  // the deepest body is object > array > object
    auto value = json::parse(body, ec, {}, options);
    if (ec) {
        std::string sentence = "The body is not valid JSON (" + ec.message() + ")";
        if (const auto* type = r.header("Content-Type"); type != nullptr && type->size() <= 100)
            sentence += "; it was sent as " + *type;
        throw error{errc::malformed_request, "", sentence};
    }
    if (!value.is_object())
        throw error{errc::malformed_request, "", std::string{"The body must be a JSON object, not "} + json_kind(value)};
    return std::move(value.as_object());
}

std::string string_field(const json::object& o, const std::string& name, const std::string& path)
{
    auto value = optional_string_field(o, name, path);
    if (!value) throw error{errc::missing_parameter, path};
    return std::move(*value);
}

std::vector<charge_item> items_field(const json::object& o, const std::string& set_name)
{
    const auto* value = o.if_contains(set_name);
    if (value == nullptr || value->is_null()) throw error{errc::missing_parameter, set_name};
    if (!value->is_array())
        throw error{errc::invalid_parameter, set_name, std::string{"must be an array, not "} + json_kind(*value)};
    const auto& array = value->as_array();
    // More than 50 are refused before any is read; none is the core's to refuse (check_items).
    if (array.size() > limits::max_batch_items)
        throw error{errc::too_many_items, set_name,
                    "has " + std::to_string(array.size()) + " items: at most " +
                        std::to_string(limits::max_batch_items) + " are allowed in one request"};
    std::vector<charge_item> items;
    for (std::size_t i = 0; i < array.size(); ++i) {
        const std::string path = set_name + "[" + std::to_string(i) + "]";
        if (!array[i].is_object())
            throw error{errc::invalid_parameter, path, std::string{"must be an object, not "} + json_kind(array[i])};
        const auto& item = array[i].as_object();
        items.push_back({string_field(item, "number", path + ".number"),
                         string_field(item, "billing_system_customer_identifier",
                                      path + ".billing_system_customer_identifier"),
                         optional_string_field(item, "reference_number", path + ".reference_number")});
    }
    return items;
}

std::string call_token(const request& r, const parameters& query, const json::object* body)
{
    std::optional<std::string> found;
    auto take = [&](std::optional<std::string> candidate) {
        if (!candidate) return;
        if (found && *found != *candidate)
            throw error{errc::invalid_parameter, "token", "is given twice, with different values"};
        found = std::move(candidate);
    };
    if (const auto* value = r.header("Authorization"))
        if (const auto bearer = credentials(*value, "Bearer"); bearer && !bearer->empty()) take(std::string{*bearer});
    take(optional_parameter(query, "token"));
    if (body != nullptr) take(optional_string_field(*body, "token", "token"));
    if (!found) throw error{errc::unauthenticated, "token", "is missing: log in first, then send the token"};
    return std::move(*found);
}

std::optional<std::string> basic_user(const request& r)
{
    const auto* value = r.header("Authorization");
    if (value == nullptr) return std::nullopt;
    const auto given = credentials(*value, "Basic");
    if (!given) throw error{errc::invalid_credentials, "Authorization", "must use the Basic scheme"};
    std::string encoded{*given};
    if (encoded.empty()) return std::string{};
    if (encoded.size() > 1024) throw error{errc::invalid_credentials, "Authorization", "is too long"};
    if (encoded.size() % 4 == 1) throw error{errc::invalid_credentials, "Authorization", "is not valid base64"};
    encoded.append((4 - encoded.size() % 4) % 4, '=');  // some clients leave the padding out
    std::string text(encoded.size() / 4 * 3, '\0');
    const int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(text.data()),
                                       reinterpret_cast<const unsigned char*>(encoded.data()),
                                       static_cast<int>(encoded.size()));
    if (length < 0) throw error{errc::invalid_credentials, "Authorization", "is not valid base64"};
    text.resize(static_cast<std::size_t>(length));
    const auto padding = static_cast<std::size_t>(std::count(encoded.end() - 2, encoded.end(), '='));
    text.resize(text.size() - std::min(padding, text.size()));  // EVP_DecodeBlock keeps the padding's zero bytes
    const auto colon = text.find(':');
    return colon == std::string::npos ? text : text.substr(0, colon);
}

}  // namespace netflix_charges::http::detail
