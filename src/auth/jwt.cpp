#include "jwt.hpp"

#include "crypto.hpp"

#include <boost/json.hpp>

#include <charconv>
#include <cmath>

namespace netflix_charges::jwt {

namespace json = boost::json;

namespace {

struct parts {
    std::string_view header, payload, signature;
};

std::optional<parts> split(std::string_view token)
{
    const auto first = token.find('.');
    if (first == std::string_view::npos) return std::nullopt;
    const auto second = token.find('.', first + 1);
    if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) return std::nullopt;
    return parts{token.substr(0, first), token.substr(first + 1, second - first - 1), token.substr(second + 1)};
}

std::optional<json::object> parse_object(std::string_view text)
{
    json::error_code ec;
    json::parse_options options;
    options.max_depth = 4;
    auto value = json::parse(text, ec, {}, options);
    if (ec || !value.is_object()) return std::nullopt;
    return std::move(value.as_object());
}

std::optional<std::string> string_claim(const json::object& o, std::string_view name)
{
    const auto* v = o.if_contains(name);
    if (v == nullptr || !v->is_string() || v->as_string().empty()) return std::nullopt;
    return std::string{v->as_string()};
}

// A NumericDate (RFC 7519 section 2: seconds, "non-integer values can be represented"; the
// fraction is dropped), or a string of decimal digits (as in CRM.COM's tokens).
std::optional<std::int64_t> time_claim(const json::object& o, std::string_view name)
{
    const auto* v = o.if_contains(name);
    if (v == nullptr) return std::nullopt;
    if (v->is_int64()) return v->as_int64();
    if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
        return static_cast<std::int64_t>(v->as_uint64());
    if (v->is_double()) {
        // Within +-2^53 seconds, where a double is exact and far beyond any real date.
        const double seconds = std::floor(v->as_double());
        if (std::fabs(seconds) <= 9007199254740992.0) return static_cast<std::int64_t>(seconds);
        return std::nullopt;
    }
    if (v->is_string()) {
        const auto& s = v->as_string();
        std::int64_t value = 0;
        const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
        if (ec == std::errc{} && end == s.data() + s.size() && !s.empty() && s[0] != '-') return value;
    }
    return std::nullopt;
}

std::optional<claims> read_claims(const json::object& o)
{
    claims c;
    auto usr = string_claim(o, "usr");
    auto org = string_claim(o, "org");
    auto jti = string_claim(o, "jti");
    const auto iat = time_claim(o, "iat");
    const auto exp = time_claim(o, "exp");
    const auto* oun = o.if_contains("oun");
    if (!usr || !org || !jti || !iat || !exp || oun == nullptr) return std::nullopt;
    if (oun->is_string()) c.oun = std::string{oun->as_string()};
    else if (oun->is_int64()) c.oun = std::to_string(oun->as_int64());
    else return std::nullopt;
    c.usr = std::move(*usr);
    c.org = std::move(*org);
    c.jti = std::move(*jti);
    c.iat = *iat;
    c.exp = *exp;
    return c;
}

}  // namespace

std::string encode(const claims& c, std::string_view kid, std::string_view secret)
{
    const json::object header{{"alg", "HS256"}, {"typ", "JWT"}, {"kid", kid}};
    const json::object payload{{"usr", c.usr}, {"org", c.org}, {"oun", c.oun},
                               {"iat", c.iat}, {"exp", c.exp}, {"jti", c.jti}};
    std::string signing_input =
        crypto::base64url_encode(json::serialize(header)) + "." + crypto::base64url_encode(json::serialize(payload));
    const auto signature = crypto::hmac_sha256(secret, signing_input);
    return signing_input + "." + crypto::base64url_encode(signature);
}

decoded decode(std::string_view token, const key_lookup& key_for)
{
    decoded result;
    const auto p = split(token);
    if (!p) return {token_rejection::wrong_part_count, {}};
    const auto header_text = crypto::base64url_decode(p->header);
    const auto payload_text = crypto::base64url_decode(p->payload);
    const auto signature = crypto::base64url_decode(p->signature);
    if (!header_text || !payload_text || !signature || p->header.empty() || p->payload.empty())
        return {token_rejection::bad_base64url, {}};

    const auto header = parse_object(*header_text);
    if (!header) return {token_rejection::malformed, {}};
    const auto* alg = header->if_contains("alg");
    if (alg == nullptr || !alg->is_string() || alg->as_string() != "HS256")
        return {token_rejection::unsupported_algorithm, {}};
    std::optional<std::string> kid;
    if (const auto* k = header->if_contains("kid")) {
        if (!k->is_string()) return {token_rejection::malformed, {}};
        kid = std::string{k->as_string()};
    }
    const auto secret = key_for(kid);
    if (!secret) return {token_rejection::unknown_key, {}};

    const auto signing_input = token.substr(0, p->header.size() + 1 + p->payload.size());
    if (!crypto::equal_constant_time(crypto::hmac_sha256(*secret, signing_input), *signature))
        return {token_rejection::bad_signature, {}};

    const auto payload = parse_object(*payload_text);
    auto values = payload ? read_claims(*payload) : std::nullopt;
    if (!values) return {token_rejection::malformed, {}};
    result.values = std::move(*values);
    return result;
}

std::optional<claims> read_claims_unverified(std::string_view token)
{
    const auto p = split(token);
    if (!p) return std::nullopt;
    const auto payload_text = crypto::base64url_decode(p->payload);
    if (!payload_text) return std::nullopt;
    const auto payload = parse_object(*payload_text);
    return payload ? read_claims(*payload) : std::nullopt;
}

}  // namespace netflix_charges::jwt
