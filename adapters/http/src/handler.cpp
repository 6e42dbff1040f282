#include <netflix_charges/errors.hpp>
#include <netflix_charges/http/handler.hpp>
#include <netflix_charges/limits.hpp>
#include <netflix_charges/request_scope.hpp>

#include "json_text.hpp"
#include "metrics.hpp"
#include "request_reading.hpp"

#include <boost/url/parse.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <limits>

namespace netflix_charges::http {

namespace json = boost::json;
using namespace detail;

namespace {

bool iequals(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

const std::string* find_header(const std::vector<std::pair<std::string, std::string>>& headers, std::string_view name)
{
    for (const auto& [key, value] : headers)
        if (iequals(key, name)) return &value;
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
    case errc::storage_failure: return 503;
    case errc::internal_error: return 500;
    default: return 400;
    }
}

struct transport_text {
    int status;
    std::string_view code;
    std::string_view description;
};

constexpr transport_text transport_errors[] = {
    {400, "MALFORMED_REQUEST", "The request could not be read"},
    {404, "NOT_FOUND", "No such path"},
    {405, "METHOD_NOT_ALLOWED", "The path does not take this method"},
    {408, "REQUEST_TIMEOUT", "The request did not arrive in time"},
    {413, "BODY_TOO_LARGE", "The request body is too large"},
    {415, "UNSUPPORTED_MEDIA_TYPE", "The body must be JSON (Content-Type: application/json)"},
    {431, "HEADERS_TOO_LARGE", "The request headers are too large"},
    {503, "SERVER_BUSY", "The server cannot take more connections now"},
};

// Is the Content-Type JSON (parameters such as charset allowed)? A body without one is read as JSON.
bool is_json_content(const request& r)
{
    const auto* type = r.header("Content-Type");
    if (type == nullptr) return true;
    std::string_view media = *type;
    media = media.substr(0, media.find(';'));
    while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
    return iequals(media, "application/json");
}

// The list's answer body. A billing system polls the same page again and again: each thread
// keeps the last answer it rendered, and answers an identical page (same charges, same fields)
// with the same text instead of rendering it again. A page the store shares from its cache is
// recognised by its address (it cannot have changed, and it cannot have been freed and its
// address reused while `last` holds it); any other is compared field by field, and kept when
// equal, so that the next time its address is enough.
std::string list_answer(shared_charge_page page, std::vector<charge_field> fields)
{
    thread_local struct {
        shared_charge_page page;
        std::vector<charge_field> fields;
        std::string body;
    } last;
    if (last.page && fields == last.fields) {
        if (page == last.page) return last.body;
        if (*page == *last.page) {
            last.page = std::move(page);
            return last.body;
        }
    }
    std::string data;
    data.reserve(64 + page->size() * 64 * fields.size());
    data += R"({"charges_set":[)";
    for (std::size_t i = 0; i < page->size(); ++i) {
        if (i > 0) data += ',';
        append_charge_json(data, (*page)[i], fields);
    }
    data += "]}";
    last = {std::move(page), std::move(fields), envelope(data)};
    return last.body;
}

}  // namespace

const std::string* request::header(std::string_view name) const { return find_header(headers, name); }
const std::string* response::header(std::string_view name) const { return find_header(headers, name); }

struct handler::impl {
    charges_service& service;
    authenticator& auth;
    handler_options options;
    mutable metrics counters;

    // `query`: the target's query parameters, as sent (query_parameters decodes them).
    using route_function = response (impl::*)(const request&, const boost::urls::params_encoded_view& query) const;
    struct route {
        const char* method;
        const char* path;  // relative to the base path, unless it starts with '/'
        bool json_body;
        route_function run;
    };

    static const route table[10];  // every route, below the class

    std::vector<std::string> full_paths;  // of each route of the table, under the base path

    impl(charges_service& s, authenticator& a, handler_options o) : service(s), auth(a), options(std::move(o))
    {
        auto& base = options.base_path;
        if (base.empty() || base.front() != '/') base.insert(0, "/");
        if (base.back() != '/') base += '/';
        for (const auto& r : table) full_paths.push_back(r.path[0] == '/' ? std::string{r.path} : base + r.path);
    }

    response answer(const request& r, std::string_view& route_label) const;
    response error_envelope(const error& e) const;

    identity verify(const request& r, const parameters* query, const json::object* body) const
    {
        const auto token = call_token(r, query, body);
        auto checked = auth.verify(token);
        if (!checked.who) throw error{errc::unauthenticated, "token", std::string{to_string(checked.rejection)}};
        return std::move(*checked.who);
    }

    response ok(std::string data_json) const { return json_response(200, envelope(data_json)); }

    response healthz(const request&, const boost::urls::params_encoded_view&) const { return ok("{}"); }

    response readyz(const request&, const boost::urls::params_encoded_view&) const
    {
        if (!options.ready || options.ready()) return ok("{}");
        return json_response(503, envelope("{}", "NOT_READY", "The store cannot be reached", ""));
    }

    response prometheus(const request&, const boost::urls::params_encoded_view&) const
    {
        return {200, {{"Content-Type", "text/plain; version=0.0.4"}}, counters.prometheus_text()};
    }

    static std::string token_data(const issued_token& issued)
    {
        return R"({"token":)" + quoted(issued.token) + "}";
    }

    response login(const request& r, const boost::urls::params_encoded_view&) const
    {
        const auto body = parse_body(r.body);
        const auto username = string_field(body, "username", "username");
        const auto password = string_field(body, "password", "password");
        const auto organisation = string_field(body, "organisation", "organisation");
        return ok(token_data(auth.login(username, password, organisation, optional_string_field(body, "unit", "unit"))));
    }

    response login_with_key(const request& r, const boost::urls::params_encoded_view&) const
    {
        const auto key = basic_user(r);
        if (!key || key->empty())
            throw error{errc::missing_parameter, "Authorization", "the Web API key goes in HTTP Basic auth, as the user name"};
        const auto body = r.body.empty() ? json::object{} : parse_body(r.body);
        return ok(token_data(auth.login_with_key(*key, optional_string_field(body, "unit", "unit"))));
    }

    response release(const request& r, const boost::urls::params_encoded_view& query) const
    {
        const auto body = r.body.empty() ? json::object{} : parse_body(r.body);
        const auto parameters = query_parameters(query);
        auth.release(call_token(r, &parameters, &body));
        return ok("{}");
    }

    response list(const request& r, const boost::urls::params_encoded_view& query) const
    {
        const auto p = query_parameters(query);
        const auto who = verify(r, &p, nullptr);
        list_request listing;
        listing.number_of_results = integer_parameter(p, "number_of_results", 1, limits::max_list_results);
        const auto cls = parse_status_class(text_parameter(p, "charge_status"));
        if (!cls) throw error{errc::invalid_parameter, "charge_status", "expected NOT_PROCESSED or PROCESSED"};
        listing.charge_status = *cls;
        listing.offset = integer_parameter(p, "offset", 0, std::numeric_limits<std::int64_t>::max());
        auto fields = charge_fields();
        if (const auto it = p.find("fields_set"); it != p.end()) fields = requested_fields(it->second);

        return json_response(200, list_answer(service.list_shared(who, listing), std::move(fields)));
    }

    // `fields_set`: comma-separated wire names, each known, in the order given.
    static std::vector<charge_field> requested_fields(std::string_view text)
    {
        std::vector<charge_field> fields;
        while (!text.empty()) {
            const auto comma = text.find(',');
            auto name = text.substr(0, comma);
            while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
            while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
            const auto field = parse_charge_field(name);
            if (!field) throw error{errc::invalid_parameter, "fields_set", "unknown field " + std::string{name}};
            if (std::find(fields.begin(), fields.end(), *field) == fields.end()) fields.push_back(*field);
            text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
        }
        if (fields.empty()) throw error{errc::missing_parameter, "fields_set"};
        return fields;
    }

    using batch_call = batch_result (charges_service::*)(const identity&, const std::vector<charge_item>&);

    // acknowledge, accept and decline: one shape, three sets.
    response batch(const request& r, const std::string& set_name, batch_call call, std::string_view counted) const
    {
        const auto body = parse_body(r.body);
        const auto who = verify(r, nullptr, &body);
        const auto items = items_field(body, set_name);
        const auto result = (service.*call)(who, items);
        counters.record_items(counted, items.size() - result.failed.size());

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

    response acknowledge(const request& r, const boost::urls::params_encoded_view&) const
    {
        return batch(r, "acknowledged_charges_set", &charges_service::acknowledge, "acknowledged");
    }
    response accept(const request& r, const boost::urls::params_encoded_view&) const
    {
        return batch(r, "accepted_charges_set", &charges_service::accept, "accepted");
    }
    response decline(const request& r, const boost::urls::params_encoded_view&) const
    {
        return batch(r, "declined_charges_set", &charges_service::decline, "declined");
    }
};

// Every route, in one place.
const handler::impl::route handler::impl::table[10] = {
    {"GET", "/healthz", false, &impl::healthz},
    {"GET", "/readyz", false, &impl::readyz},
    {"GET", "/metrics", false, &impl::prometheus},
    {"POST", "authentication/token", true, &impl::login},
    {"POST", "authentication/web_api_key/token", true, &impl::login_with_key},
    {"POST", "authentication/token/release", true, &impl::release},
    {"GET", "netflix/charges/list", false, &impl::list},
    {"POST", "netflix/charges/acknowledge", true, &impl::acknowledge},
    {"POST", "netflix/charges/accept", true, &impl::accept},
    {"POST", "netflix/charges/decline", true, &impl::decline},
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

response handler::transport_error(int status)
{
    for (const auto& t : transport_errors)
        if (t.status == status) return json_response(status, envelope("{}", t.code, t.description, ""));
    return json_response(status, envelope("{}", "HTTP_" + std::to_string(status), "", ""));
}

response handler::impl::error_envelope(const error& e) const
{
    const auto code = e.code_value();
    const int status = options.errors == error_mode::strict ? strict_status(code) : 200;
    return json_response(status, envelope("{}", wire_code(code), description(code), e.field()));
}

response handler::impl::answer(const request& r, std::string_view& route_label) const
{
    const auto target = boost::urls::parse_origin_form(r.target);
    if (!target) return transport_error(400);
    const std::string_view path = target->encoded_path();

    std::string allowed;
    for (std::size_t i = 0; i < std::size(table); ++i) {
        const auto& candidate = table[i];
        if (full_paths[i] != path) continue;
        if (candidate.method != r.method) {
            allowed += allowed.empty() ? candidate.method : std::string{", "} + candidate.method;
            continue;
        }
        route_label = candidate.path;
        if (candidate.json_body && !r.body.empty() && !is_json_content(r)) return transport_error(415);
        try {
            return (this->*candidate.run)(r, target->encoded_params());
        } catch (const error& e) {
            return error_envelope(e);
        } catch (const std::exception& e) {
            if (options.log) options.log(log_level::error, std::string{"internal error on "} + candidate.path + ": " + e.what());
            return error_envelope(error{errc::internal_error, ""});
        }
    }
    if (allowed.empty()) return transport_error(404);
    auto refused = transport_error(405);
    refused.headers.emplace_back("Allow", allowed);
    return refused;
}

response handler::operator()(const request& r) const
{
    const request_scope one_request;  // the store checks its caches once for the whole request
    const auto started = std::chrono::steady_clock::now();
    std::string_view route_label = "unmatched";  // a route's path from the table, or this
    response answer = impl_->answer(r, route_label);
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - started;
    impl_->counters.record_request(route_label, answer.status, elapsed);
    if (impl_->options.log) {
        const auto query = r.target.find('?');
        char millis[32];
        std::snprintf(millis, sizeof millis, "%.3f", elapsed.count() * 1000);
        impl_->options.log(log_level::info, r.method + " " + r.target.substr(0, query) + " " +
                                                std::to_string(answer.status) + " " + millis + " ms");
    }
    return answer;
}

}  // namespace netflix_charges::http
