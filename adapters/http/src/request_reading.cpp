#include "request_reading.hpp"

#include <netflix_charges/errors.hpp>
#include <netflix_charges/limits.hpp>

#include <boost/json/parse.hpp>
#include <openssl/evp.h>

#include <cctype>
#include <charconv>

namespace netflix_charges::http::detail {

namespace json = boost::json;

namespace {

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

bool iequals_prefix(std::string_view text, std::string_view prefix)
{
    if (text.size() < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(text[i])) != std::tolower(static_cast<unsigned char>(prefix[i])))
            return false;
    return true;
}

// The credentials after an `Authorization` scheme, or nothing when the header has another.
std::optional<std::string_view> authorization(const request& r, std::string_view scheme)
{
    const auto* value = r.header("Authorization");
    if (value == nullptr || !iequals_prefix(*value, scheme) || value->size() <= scheme.size() ||
        (*value)[scheme.size()] != ' ')
        return std::nullopt;
    return trim(std::string_view{*value}.substr(scheme.size() + 1));
}

// Form encoding, as HTTP clients send query strings: '+' is a space. Most text has neither a
// '%' nor a '+' (a token never has), and is its own decoding.
std::string decoded(boost::urls::pct_string_view text)
{
    const std::string_view encoded{text.data(), text.size()};
    if (encoded.find_first_of("%+") == std::string_view::npos) return std::string{encoded};
    return text.decode(boost::urls::encoding_opts{true});
}

}  // namespace

parameters query_parameters(const boost::urls::params_encoded_view& encoded)
{
    parameters result;
    for (const auto& param : encoded) {
        const auto [it, inserted] =
            result.try_emplace(decoded(param.key), param.has_value ? decoded(param.value) : std::string{});
        if (!inserted) throw error{errc::invalid_parameter, it->first, "given more than once"};
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
                    "expected a whole number from " + std::to_string(min) + " to " + std::to_string(max)};
    return value;
}

std::string text_parameter(const parameters& p, const std::string& name)
{
    const auto it = p.find(name);
    if (it == p.end() || it->second.empty()) throw error{errc::missing_parameter, name};
    return it->second;
}

json::object parse_body(std::string_view body)
{
    json::error_code ec;
    json::parse_options options;
    options.max_depth = 8;  // the deepest body is object > array > object
    auto value = json::parse(body, ec, {}, options);
    if (ec) throw error{errc::malformed_request, "", "the body is not valid JSON: " + ec.message()};
    if (!value.is_object()) throw error{errc::malformed_request, "", "the body must be a JSON object"};
    return std::move(value.as_object());
}

std::string string_field(const json::object& o, const std::string& name, const std::string& path)
{
    auto value = optional_string_field(o, name, path);
    if (!value) throw error{errc::missing_parameter, path};
    return std::move(*value);
}

std::optional<std::string> optional_string_field(const json::object& o, const std::string& name,
                                                 const std::string& path)
{
    const auto* value = o.if_contains(name);
    if (value == nullptr || value->is_null()) return std::nullopt;
    if (!value->is_string()) throw error{errc::invalid_parameter, path, "expected a string"};
    if (value->as_string().empty()) throw error{errc::missing_parameter, path};
    return std::string{value->as_string()};
}

std::vector<charge_item> items_field(const json::object& o, const std::string& set_name)
{
    const auto* value = o.if_contains(set_name);
    if (value == nullptr || value->is_null()) throw error{errc::missing_parameter, set_name};
    if (!value->is_array()) throw error{errc::invalid_parameter, set_name, "expected an array"};
    const auto& array = value->as_array();
    if (array.empty()) throw error{errc::missing_parameter, set_name, "at least one item is required"};
    if (array.size() > limits::max_batch_items)
        throw error{errc::too_many_items, set_name,
                    "at most " + std::to_string(limits::max_batch_items) + " items per request"};
    std::vector<charge_item> items;
    for (std::size_t i = 0; i < array.size(); ++i) {
        const std::string path = set_name + "[" + std::to_string(i) + "]";
        if (!array[i].is_object()) throw error{errc::invalid_parameter, path, "expected an object"};
        const auto& item = array[i].as_object();
        items.push_back({string_field(item, "number", path + ".number"),
                         string_field(item, "billing_system_customer_identifier",
                                      path + ".billing_system_customer_identifier"),
                         optional_string_field(item, "reference_number", path + ".reference_number")});
    }
    return items;
}

std::string call_token(const request& r, const parameters* query, const json::object* body)
{
    std::optional<std::string> found;
    auto take = [&](std::optional<std::string> candidate) {
        if (!candidate) return;
        if (found && *found != *candidate) throw error{errc::invalid_parameter, "token", "two different tokens"};
        found = std::move(candidate);
    };
    if (const auto bearer = authorization(r, "Bearer")) take(std::string{*bearer});
    if (query != nullptr)
        if (const auto it = query->find("token"); it != query->end() && !it->second.empty()) take(it->second);
    if (body != nullptr) take(optional_string_field(*body, "token", "token"));
    if (!found || found->empty()) throw error{errc::unauthenticated, "token", "no token"};
    return std::move(*found);
}

std::optional<std::string> basic_user(const request& r)
{
    const auto encoded = authorization(r, "Basic");
    if (!encoded || encoded->empty() || encoded->size() % 4 != 0 || encoded->size() > 1024) return std::nullopt;
    std::string decoded(encoded->size() / 4 * 3, '\0');
    const int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(decoded.data()),
                                       reinterpret_cast<const unsigned char*>(encoded->data()),
                                       static_cast<int>(encoded->size()));
    if (length < 0) return std::nullopt;
    decoded.resize(static_cast<std::size_t>(length));
    while (!decoded.empty() && decoded.back() == '\0') decoded.pop_back();  // the padding's zero bytes
    const auto colon = decoded.find(':');
    return colon == std::string::npos ? decoded : decoded.substr(0, colon);
}

}  // namespace netflix_charges::http::detail
