#pragma once

// A server process on a PostgreSQL database for the multi-server tests: what `netflix-charges
// serve` runs, with its readiness asking the store, 4 threads, until killed.

#include "http_fixture.hpp"

#include <netflix_charges/http/handler.hpp>
#include <netflix_charges/http/server.hpp>
#include <netflix_charges/jwt_authenticator.hpp>
#include <netflix_charges/postgres_store.hpp>
#include <netflix_charges/service.hpp>

#include <functional>
#include <string>

namespace postgres_tests {

inline std::function<int(int)> server_on(const std::string& url, unsigned short port)
{
    return [url, port](int) {
        netflix_charges::postgres_store store{url};
        netflix_charges::charges_service service{store};
        netflix_charges::jwt_authenticator auth{store, http_tests::fixture::auth_options()};
        netflix_charges::http::handler_options api_options;
        api_options.ready = [&store] {
            try {
                store.find_by_number(netflix_charges::operator_id{"readiness-check"}, "-");
                return true;
            } catch (const netflix_charges::error&) {
                return false;
            }
        };
        netflix_charges::http::handler api{service, auth, api_options};
        netflix_charges::http::server_options options;
        options.port = port;
        options.threads = 4;
        netflix_charges::http::server server{api, options};
        server.run();
        return 0;
    };
}

}  // namespace postgres_tests
