#pragma once

#include <netflix_charges/http/handler.hpp>
#include <netflix_charges/jwt_authenticator.hpp>
#include <netflix_charges/testing.hpp>

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <string>

namespace http_tests {

using namespace netflix_charges;
using netflix_charges::testing::a_charge;
using netflix_charges::testing::at;
namespace json = boost::json;

inline const std::string base = "/crmapi/rest/v2/";

// A handler over an in-memory service, with one operator "ps_dev", its user and a token.
struct fixture {
    testing::fixed_clock time{at("2026-03-01T10:00:00")};
    memory_store store;
    charges_service service{store, time};
    jwt_authenticator auth{store, auth_options(), time};
    http::handler_options options;
    std::unique_ptr<http::handler> api;
    operator_id op{"ps_dev"};
    std::string token;

    static jwt_options auth_options()
    {
        jwt_options o;
        o.password_iterations = 1000;
        return o;
    }

    explicit fixture(http::error_mode mode = http::error_mode::compatible)
    {
        options.errors = mode;
        api = std::make_unique<http::handler>(service, auth, options);
        auth.add_user(op, "billing", "1", "correct horse");
        token = auth.login("billing", "correct horse", "ps_dev", std::nullopt).token;
    }

    http::response call(const std::string& method, const std::string& target, const std::string& body = {},
                        std::vector<std::pair<std::string, std::string>> headers = {{"Content-Type", "application/json"}})
    {
        return (*api)({method, target, std::move(headers), body});
    }

    http::response post(const std::string& path, const std::string& body) { return call("POST", base + path, body); }
    http::response get(const std::string& path_and_query) { return call("GET", base + path_and_query); }

    std::string list_query(const std::string& extra = "number_of_results=50&charge_status=NOT_PROCESSED&offset=0")
    {
        return "netflix/charges/list?token=" + token + "&" + extra;
    }

    std::string items_body(const std::string& set, const std::string& items)
    {
        return R"({"token":")" + token + R"(",")" + set + R"(":[)" + items + "]}";
    }
};

// The response's envelope, checked for shape: data object, status with three strings.
inline json::object envelope_of(const http::response& r)
{
    REQUIRE(r.header("Content-Type") != nullptr);
    REQUIRE(*r.header("Content-Type") == "application/json");
    json::error_code ec;
    auto value = json::parse(r.body, ec);
    INFO(r.body);
    REQUIRE_FALSE(ec);
    REQUIRE(value.is_object());
    auto& o = value.as_object();
    REQUIRE(o.contains("data"));
    REQUIRE(o.at("data").is_object());
    REQUIRE(o.contains("status"));
    const auto& status = o.at("status").as_object();
    REQUIRE(status.at("code").is_string());
    REQUIRE(status.at("description").is_string());
    REQUIRE(status.at("message").is_string());
    return std::move(o);
}

inline std::string status_code(const http::response& r)
{
    return std::string{envelope_of(r).at("status").at("code").as_string()};
}

inline std::string status_message(const http::response& r)
{
    return std::string{envelope_of(r).at("status").at("message").as_string()};
}

}  // namespace http_tests
