// serve: the HTTP API on a SQLite database, logging with spdlog.
#include "commands.hpp"
#include "store_choice.hpp"
#include "demo.hpp"

#include <netflix_charges/errors.hpp>
#include <netflix_charges/http/handler.hpp>
#include <netflix_charges/http/server.hpp>
#include <netflix_charges/jwt_authenticator.hpp>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace sample_server {

namespace nc = netflix_charges;

namespace {

nc::log_sink spdlog_sink()
{
    return [](nc::log_level level, std::string_view message) {
        switch (level) {
        case nc::log_level::debug: spdlog::debug("{}", message); break;
        case nc::log_level::info: spdlog::info("{}", message); break;
        case nc::log_level::warning: spdlog::warn("{}", message); break;
        case nc::log_level::error: spdlog::error("{}", message); break;
        }
    };
}

// "HOST:PORT", "[::1]:PORT".
std::pair<std::string, unsigned short> split_listen(const std::string& listen)
{
    const auto colon = listen.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size())
        throw nc::error{nc::errc::invalid_parameter, "--listen", "expected HOST:PORT"};
    std::string host = listen.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    const std::string port = listen.substr(colon + 1);
    if (port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5 || std::stoul(port) > 65535)
        throw nc::error{nc::errc::invalid_parameter, "--listen", "the port must be 0 to 65535"};
    return {host, static_cast<unsigned short>(std::stoul(port))};
}

}  // namespace

int serve(const serve_options& options)
{
    spdlog::set_default_logger(spdlog::stderr_color_mt("netflix-charges"));
    spdlog::flush_on(spdlog::level::info);
    const auto [host, port] = split_listen(options.listen);
    opened_store store{options.db};
    nc::charges_service service{store.charges()};

    nc::jwt_options auth_options;
    if (!options.token_secret.empty()) auth_options.signing_keys = {{"configured", options.token_secret}};
    auth_options.log = spdlog_sink();
    nc::jwt_authenticator auth{store.credentials(), auth_options};

    nc::http::handler_options api_options;
    api_options.base_path = options.base_path;
    api_options.errors = options.strict_errors ? nc::http::error_mode::strict : nc::http::error_mode::compatible;
    api_options.log = spdlog_sink();
    api_options.client_address_header = options.client_address_header;
    api_options.ready = [&store] {
        try {
            store.charges().find_by_number(nc::operator_id{"readiness-check"}, "-");
            return true;
        } catch (const nc::error&) {
            return false;
        }
    };
    nc::http::handler api{service, auth, api_options};

    nc::http::server_options server_options;
    server_options.address = host;
    server_options.port = port;
    server_options.threads = options.threads;
    server_options.log = spdlog_sink();
    server_options.tls_certificate_file = options.tls_certificate;
    server_options.tls_private_key_file = options.tls_key;
    nc::http::server server{api, server_options};

    if (options.demo) fill_demo_data(store.credentials(), service, auth);
    spdlog::info("serving {} on {}://{}:{}{} with {} thread(s)", options.db, options.tls_certificate.empty() ? "http" : "https",
                 host, server.port(), api_options.base_path,
                 options.threads);
    if (options.demo) print_walkthrough(host, server.port(), api_options.base_path);
    server.run_until_signal();
    spdlog::info("stopped");
    return 0;
}

}  // namespace sample_server
