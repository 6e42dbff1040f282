#include <netflix_charges/errors.hpp>
#include <netflix_charges/http/handler.hpp>
#include <netflix_charges/limits.hpp>

#include "json_text.hpp"
#include "metrics.hpp"
#include "page_texts.hpp"
#include "request_reading.hpp"

#include <fmt/format.h>
#include <boost/beast/core/string.hpp>
#include <boost/url/parse.hpp>

#include <chrono>
#include <cstdio>
#include <limits>
#include <optional>

namespace netflix_charges::http {

namespace json = boost::json;
using namespace detail;

namespace {

const std::string* find_header(const std::vector<std::pair<std::string, std::string>>& headers, std::string_view name)
{
    for (const auto& [key, value] : headers)
        if (boost::beast::iequals(key, name)) return &value;
    return nullptr;
}

response json_response(int status, std::string body)
{
    return {status, {{"Content-Type", "application/json"}}, std::move(body)};
}

// The HTTP status of a request-level error in strict mode.
int strict_status(errc code)
{
    switch (code) {
    case errc::unauthenticated:
    case errc::invalid_credentials: return 401;
    case errc::charge_conflict:
    case errc::invalid_transition: return 409;
    case errc::storage_failure:
    case errc::server_busy: return 503;
    case errc::too_many_failed_logins: return 429;
    case errc::internal_error: return 500;
    default: return 400;
    }
}

struct transport_text {
    int status;
    std::string_view code;
    std::string_view description;
    std::string_view message;  // when the caller has nothing more precise to say
};

constexpr transport_text transport_errors[] = {
    {400, "MALFORMED_REQUEST", "The request could not be read", "The request is not valid HTTP"},
    {404, "NOT_FOUND", "No such path", "No API method has this path"},
    {405, "METHOD_NOT_ALLOWED", "The path does not take this method", "This path does not take this method"},
    {408, "REQUEST_TIMEOUT", "The request did not arrive in time", "The request did not arrive whole in time"},
    {413, "BODY_TOO_LARGE", "The request body is too large", "The request body is larger than the server accepts"},
    {431, "HEADERS_TOO_LARGE", "The request headers are too large", "The request headers are larger than the server accepts"},
    {503, "SERVER_BUSY", "The server cannot take more requests now", "The server is at its limit: try again shortly"},
};

}  // namespace

const std::string* request::header(std::string_view name) const { return find_header(headers, name); }
const std::string* response::header(std::string_view name) const { return find_header(headers, name); }

struct handler::impl {
    charges_service& service;
    authenticator& auth;
    handler_options options;
    mutable metrics counters;
    mutable page_texts list_texts;
    mutable login_throttle throttle{options.login_throttle};

    // `query`: the target's query parameters, decoded.
    using route_function = response (impl::*)(const request&, const parameters& query) const;
    struct route {
        const char* method;
        const char* path;      // relative to the base path, unless it starts with '/'
        const char* item_set;  // the body's item array of a batch, whose items errors name; or nullptr
        route_function run;
    };

    static const route table[11];  // every route, below the class

    std::vector<std::string> full_paths;  // of each route of the table, under the base path

    impl(charges_service& s, authenticator& a, handler_options o) : service(s), auth(a), options(std::move(o))
    {
        auto& base = options.base_path;
        if (base.empty() || base.front() != '/') base.insert(0, "/");
        if (base.back() != '/') base += '/';
        for (const auto& r : table) {
            std::string path = r.path[0] == '/' ? std::string{r.path} : base + r.path;
            std::string storage;
            full_paths.emplace_back(route_path(path, storage));  // as requests are looked up
        }
    }

    response answer(const request& r, std::string_view& route_label) const;
    response error_envelope(const error& e, const route& where) const;

    identity verify(const request& r, const parameters& query, const json::object* body) const
    {
        auto checked = auth.verify(call_token(r, query, body));
        if (!checked.who) throw token_refusal(checked.rejection);
        return std::move(*checked.who);
    }

    response ok(std::string data_json) const { return json_response(200, envelope(data_json)); }

    response healthz(const request&, const parameters&) const { return ok("{}"); }

    response readyz(const request&, const parameters&) const
    {
        if (!options.ready || options.ready()) return ok("{}");
        return json_response(503, envelope("{}", "NOT_READY", "The store cannot be reached",
                                           "The store cannot be reached now"));
    }

    response prometheus(const request&, const parameters&) const
    {
        return {200, {{"Content-Type", "text/plain; version=0.0.4"}}, counters.prometheus_text(service.backlogs())};
    }

    static std::string token_data(const issued_token& issued)
    {
        return R"({"token":)" + quoted(issued.token) + "}";
    }

    // The address logins are throttled by (handler_options::client_address_header).
    std::string client_address(const request& r) const
    {
        if (options.client_address_header.empty()) return r.peer_address;
        const auto* forwarded = r.header(options.client_address_header);
        if (forwarded == nullptr) return r.peer_address;
        const auto last = forwarded->find_last_of(',');
        const auto address = std::string_view{*forwarded}.substr(last == std::string::npos ? 0 : last + 1);
        const auto first = address.find_first_not_of(" \t");
        const auto end = address.find_last_not_of(" \t");
        return first == std::string_view::npos ? r.peer_address : std::string{address.substr(first, end - first + 1)};
    }

    response login(const request& r, const parameters&) const
    {
        const auto body = parse_body(r);
        const auto username = string_field(body, "username", "username");
        const auto password = string_field(body, "password", "password");
        const auto organisation = string_field(body, "organisation", "organisation");
        const auto address = client_address(r);
        const auto user = organisation + '\n' + username;  // a user name is unique per organisation
        if (const auto wait = throttle.wait_before(user, address)) return too_many_failed_logins(*wait);
        try {
            auto issued = auth.login(username, password, organisation, optional_string_field(body, "unit", "unit"));
            throttle.succeeded(user, address);
            return ok(token_data(issued));
        } catch (const error& e) {
            if (e.code_value() == errc::invalid_credentials) throttle.failed(user, address);
            throw;
        }
    }

    // A login that must wait: 429 and Retry-After in both error modes, as a busy server's 503
    // is (RFC 6585 section 4), so that clients and proxies back off.
    static response too_many_failed_logins(std::chrono::seconds wait)
    {
        const auto seconds = std::to_string(wait.count());
        auto answer = json_response(429, envelope("{}", wire_code(errc::too_many_failed_logins),
                                                  description(errc::too_many_failed_logins),
                                                  "too many failed logins for this user from this address: try again in " +
                                                      seconds + " s"));
        answer.headers.emplace_back("Retry-After", seconds);
        return answer;
    }

    // POST as CRM.COM documents it, and GET as some integrations send it; `unit` in the body
    // or the query.
    response login_with_key(const request& r, const parameters& query) const
    {
        const auto key = basic_user(r);
        if (!key) {
            // The Basic-auth helpers of Python, Java and .NET send the key only after this challenge.
            auto challenge = json_response(401, envelope("{}", wire_code(errc::missing_parameter),
                                                         description(errc::missing_parameter),
                                                         "The Web API key is missing: send it with HTTP Basic "
                                                         "authentication, as the user name, with an empty password"));
            challenge.headers.emplace_back("WWW-Authenticate", R"(Basic realm="netflix_charges")");
            return challenge;
        }
        if (key->empty()) throw error{errc::invalid_credentials, "Authorization", "has an empty user name: put the Web API key there"};
        const auto body = parse_body(r, true);
        auto unit = optional_string_field(body, "unit", "unit");
        if (!unit) unit = optional_parameter(query, "unit");
        return ok(token_data(auth.login_with_key(*key, unit)));
    }

    response release(const request& r, const parameters& query) const
    {
        const auto body = parse_body(r, true);
        auth.release(call_token(r, query, &body));
        return ok("{}");
    }

    response list(const request& r, const parameters& p) const
    {
        const auto who = verify(r, p, nullptr);
        list_request listing;
        listing.number_of_results = integer_parameter(p, "number_of_results", 1, limits::max_list_results);
        const auto cls = parse_status_class(text_parameter(p, "charge_status"));
        if (!cls) throw error{errc::invalid_parameter, "charge_status", "must be NOT_PROCESSED or PROCESSED"};
        listing.charge_status = *cls;
        listing.offset = integer_parameter(p, "offset", 0, std::numeric_limits<std::int64_t>::max());
        auto fields = charge_fields();
        if (const auto names = optional_parameter(p, "fields_set")) fields = field_list(*names);
        auto page = service.list(who, listing);
        page_request asked{who.organisation().value(), listing.charge_status, listing.offset,
                           listing.number_of_results, std::move(fields)};
        return json_response(200, list_texts.text(std::move(asked), std::move(page)));
    }

    using batch_call = batch_result (charges_service::*)(const identity&, const std::vector<charge_item>&);

    // acknowledge, accept and decline: one shape, three sets.
    response batch(const request& r, const parameters& query, const std::string& set_name, batch_call call,
                   std::string_view counted) const
    {
        const auto body = parse_body(r);
        const auto who = verify(r, query, &body);
        const auto items = items_field(body, set_name);
        const auto result = (service.*call)(who, items);
        counters.record_batch(who.organisation(), counted, items.size() - result.failed.size(), result.failed);

        std::string data = R"({"failed_charges_set":[)";
        for (std::size_t i = 0; i < result.failed.size(); ++i) {
            const auto& f = result.failed[i];
            if (i > 0) data += ',';
            data += R"({"number":)" + quoted(f.number) + R"(,"reference_number":)" +
                    quoted_or_null(f.reference_number) + R"(,"error_code":)" + quoted(wire_code(f.code)) +
                    R"(,"error_description":)" + quoted(f.description) + "}";
        }
        data += "]}";
        return ok(std::move(data));
    }

    response acknowledge(const request& r, const parameters& query) const
    {
        return batch(r, query, "acknowledged_charges_set", &charges_service::acknowledge, "acknowledged");
    }
    response accept(const request& r, const parameters& query) const
    {
        return batch(r, query, "accepted_charges_set", &charges_service::accept, "accepted");
    }
    response decline(const request& r, const parameters& query) const
    {
        return batch(r, query, "declined_charges_set", &charges_service::decline, "declined");
    }
};

// Every route, in one place. HEAD is taken by the GET routes that change nothing (the server
// sends no body).
const handler::impl::route handler::impl::table[11] = {
    {"GET", "/healthz", nullptr, &impl::healthz},
    {"GET", "/readyz", nullptr, &impl::readyz},
    {"GET", "/metrics", nullptr, &impl::prometheus},
    {"POST", "authentication/token", nullptr, &impl::login},
    {"POST", "authentication/web_api_key/token", nullptr, &impl::login_with_key},
    {"GET", "authentication/web_api_key/token", nullptr, &impl::login_with_key},
    {"POST", "authentication/token/release", nullptr, &impl::release},
    {"GET", "netflix/charges/list", nullptr, &impl::list},
    {"POST", "netflix/charges/acknowledge", "acknowledged_charges_set", &impl::acknowledge},
    {"POST", "netflix/charges/accept", "accepted_charges_set", &impl::accept},
    {"POST", "netflix/charges/decline", "declined_charges_set", &impl::decline},
};

handler::handler(charges_service& service, authenticator& auth, handler_options options)
    : impl_(std::make_unique<impl>(service, auth, std::move(options)))
{
}

handler::~handler() = default;

std::vector<route_info> routes()
{
    std::vector<route_info> all;
    for (const auto& r : handler::impl::table) all.push_back({r.method, r.path});
    return all;
}

response handler::transport_error(int status, std::string_view message)
{
    for (const auto& t : transport_errors)
        if (t.status == status)
            return json_response(status, envelope("{}", t.code, t.description, message.empty() ? t.message : message));
    return json_response(status, envelope("{}", fmt::format("HTTP_{}", status), "The request could not be served",
                                          message.empty() ? "The request could not be served" : message));
}

response handler::impl::error_envelope(const error& e, const route& where) const
{
    const auto code = e.code_value();
    const bool strict = options.errors == error_mode::strict;
    // A storage fault's or a bug's detail (a file name, a database's words) is for the log only.
    const bool internal = code == errc::storage_failure || code == errc::internal_error;
    if (internal && options.log) options.log(log_level::error, std::string{where.path} + ": " + e.what());
    // A busy server says so in HTTP too, in both modes, as its connection limit does: clients
    // and proxies retry a 503 after Retry-After.
    auto answer = json_response(strict || code == errc::server_busy ? strict_status(code) : 200,
                                envelope("{}", wire_code(code), description(code),
                                         internal ? std::string{description(code)}
                                                  : error_sentence(subject_words(e.subject(), where.item_set ? where.item_set : "items"), e)));
    if (code == errc::server_busy) answer.headers.emplace_back("Retry-After", "1");
    if (answer.status == 401)  // RFC 9110 section 15.5.2: a 401 names the scheme it wants
        answer.headers.emplace_back("WWW-Authenticate", where.run == &impl::login_with_key
                                                            ? R"(Basic realm="netflix_charges")"
                                                            : R"(Bearer realm="netflix_charges")");
    return answer;
}

namespace {

// The request target as a URL: origin form, as clients send; absolute form
// (`http://host/path`), as proxies do (RFC 9112 3.2.2). Nothing when it is neither.
std::optional<boost::urls::url_view> http_target(const std::string& text)
{
    auto target = boost::urls::parse_origin_form(text);
    if (!target && !text.empty() && text.front() != '/') target = boost::urls::parse_absolute_uri(text);
    if (target && (target->scheme_id() == boost::urls::scheme::none ||
                   (target->has_authority() && (target->scheme_id() == boost::urls::scheme::http ||
                                                target->scheme_id() == boost::urls::scheme::https))))
        return *target;
    return std::nullopt;
}

}  // namespace

handler::work handler::work_of(const request& r) const
{
    if (r.method != "POST") return work::quick;
    const auto target = http_target(r.target);
    if (!target) return work::quick;
    std::string storage;
    const std::string_view path = route_path(target->encoded_path(), storage);
    for (std::size_t i = 0; i < std::size(impl::table); ++i) {
        const auto& route = impl::table[i];
        if (route.method != std::string_view{"POST"} || impl_->full_paths[i] != path) continue;
        if (route.run == &impl::login) return work::password_check;
        if (route.item_set) return work::charge_write;  // the batch routes
    }
    return work::quick;
}

response handler::impl::answer(const request& r, std::string_view& route_label) const
{
    const auto target = http_target(r.target);
    if (!target) return transport_error(400, "The request target is not a valid path and query");
    std::string storage;
    const std::string_view path = route_path(target->encoded_path(), storage);
    // HEAD is answered as GET is, by every GET route that changes nothing (the key login issues a token).
    const auto takes_head = [](const route& candidate) {
        return candidate.method == std::string_view{"GET"} && candidate.run != &impl::login_with_key;
    };
    const bool head = r.method == "HEAD";

    std::string allowed;
    for (std::size_t i = 0; i < std::size(table); ++i) {
        const auto& candidate = table[i];
        if (full_paths[i] != path) continue;
        if (head ? !takes_head(candidate) : candidate.method != r.method) {
            if (!allowed.empty()) allowed += ", ";
            allowed += candidate.method;
            if (takes_head(candidate)) allowed += ", HEAD";
            continue;
        }
        route_label = candidate.path;
        try {
            return (this->*candidate.run)(r, query_parameters(target->encoded_params()));
        } catch (const error& e) {
            return error_envelope(e, candidate);
        } catch (const std::exception& e) {
            return error_envelope(error{errc::internal_error, "", e.what()}, candidate);
        }
    }
    if (allowed.empty()) return transport_error(404);
    auto refused = transport_error(405, "This path takes " + allowed + ", not " + r.method.substr(0, 16));
    refused.headers.emplace_back("Allow", allowed);
    return refused;
}

response handler::operator()(const request& r) const
{
    const auto started = std::chrono::steady_clock::now();
    std::string_view route_label = "unmatched";  // a route's path from the table, or this
    response answer = impl_->answer(r, route_label);
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
    impl_->counters.record_request(route_label, answer.status, elapsed);
    if (impl_->options.log) {
        const auto query = r.target.find('?');
        impl_->options.log(log_level::info, fmt::format("{} {} {} {:.3f} ms", r.method, r.target.substr(0, query),
                                                        answer.status, elapsed.count() * 1000));
    }
    return answer;
}

}  // namespace netflix_charges::http
