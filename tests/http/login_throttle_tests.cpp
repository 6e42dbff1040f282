// Repeated wrong passwords over real sockets: one address guessing one user's password waits
// (429 TOO_MANY_FAILED_LOGINS, Retry-After) without its guesses being checked, while the real
// user, from another address, logs in at once; an address guessing many users waits too; and
// behind a proxy the client's address is read from the header the proxy sets, when configured.
// Linux routes every 127.x.y.z to the loopback, so a test connects from several addresses.
#include "http_fixture.hpp"
#include "raw_http_client.hpp"
#include "running_server.hpp"

#include <netflix_charges/http/server.hpp>

#include <optional>

using namespace http_tests;

namespace {

const std::string login_path = "/crmapi/rest/v2/authentication/token";

std::string login_body(const std::string& user, const std::string& password)
{
    return R"({"username":")" + user + R"(","password":")" + password + R"(","organisation":"ps_dev"})";
}

struct throttled_server {
    memory_store store;
    charges_service service{store};
    jwt_authenticator auth{store, fixture::auth_options()};
    std::unique_ptr<http::handler> api;
    std::optional<running_server> server;

    explicit throttled_server(http::handler_options options = {})
    {
        auth.add_user(operator_id{"ps_dev"}, "billing", "", "correct horse");
        api = std::make_unique<http::handler>(service, auth, std::move(options));
        server.emplace(*api, http::server_options{});
    }

    test_support::raw_response login(const std::string& from, const std::string& user, const std::string& password,
                                     const std::string& extra_headers = {})
    {
        test_support::raw_connection connection{server->port(), from.c_str()};
        auto request = test_support::post_request(login_path, login_body(user, password));
        request.insert(request.find("\r\n") + 2, extra_headers);
        connection.send(request);
        auto answer = connection.read_response();
        REQUIRE(answer);
        return *answer;
    }
};

bool throttled(const test_support::raw_response& r)
{
    return r.status == 429 && r.body.find(R"("code":"TOO_MANY_FAILED_LOGINS")") != std::string::npos &&
           r.headers.find("Retry-After: ") != std::string::npos;
}

bool refused_credentials(const test_support::raw_response& r)
{
    return r.body.find("INVALID_CREDENTIALS") != std::string::npos;
}

bool logged_in(const test_support::raw_response& r) { return r.body.find(R"("token":")") != std::string::npos; }

}  // namespace

TEST_CASE("one address guessing a user's password waits after 5 failures; the real user elsewhere logs in at once",
          "[http][security][auth]")
{
    throttled_server s;
    for (int i = 0; i < 5; ++i) CHECK(refused_credentials(s.login("127.0.0.2", "billing", "guess " + std::to_string(i))));
    const auto sixth = s.login("127.0.0.2", "billing", "guess 6");
    CHECK(throttled(sixth));
    CHECK(sixth.headers.find("Retry-After: 1\r\n") != std::string::npos);
    CHECK(sixth.body.find("try again in 1 s") != std::string::npos);
    // Even the right password waits from there: a guess is never checked while it must wait.
    CHECK(throttled(s.login("127.0.0.2", "billing", "correct horse")));

    CHECK(logged_in(s.login("127.0.0.3", "billing", "correct horse")));  // the real user, from elsewhere
    CHECK(refused_credentials(s.login("127.0.0.2", "nobody", "x")));      // another user, same address: free
}

TEST_CASE("one address guessing many users' passwords waits after 20 failures", "[http][security][auth]")
{
    throttled_server s;
    for (int i = 0; i < 20; ++i) CHECK(refused_credentials(s.login("127.0.0.4", "user" + std::to_string(i), "x")));
    CHECK(throttled(s.login("127.0.0.4", "user-next", "x")));
    CHECK(logged_in(s.login("127.0.0.5", "billing", "correct horse")));
}

TEST_CASE("behind a proxy, logins are throttled by the client address the proxy gives, when configured",
          "[http][security][auth]")
{
    http::handler_options options;
    options.client_address_header = "X-Forwarded-For";
    throttled_server s{options};
    // Every request comes from the proxy's address; the proxy appends the client's.
    const auto from_client = [](const std::string& address) {
        return "X-Forwarded-For: 10.9.9.9, " + address + "\r\n";
    };
    for (int i = 0; i < 5; ++i)
        CHECK(refused_credentials(s.login("127.0.0.6", "billing", "guess", from_client("198.51.100.66"))));
    CHECK(throttled(s.login("127.0.0.6", "billing", "guess", from_client("198.51.100.66"))));
    CHECK(logged_in(s.login("127.0.0.6", "billing", "correct horse", from_client("192.0.2.10"))));
}

TEST_CASE("without the option, a client's X-Forwarded-For is ignored: it cannot dodge the throttle",
          "[http][security][auth]")
{
    throttled_server s;
    for (int i = 0; i < 5; ++i)
        CHECK(refused_credentials(
            s.login("127.0.0.7", "billing", "guess", "X-Forwarded-For: 203.0.113." + std::to_string(i) + "\r\n")));
    CHECK(throttled(s.login("127.0.0.7", "billing", "guess", "X-Forwarded-For: 203.0.113.99\r\n")));
}
