// Wrong passwords sent in a loop cannot starve the API: password checks (each a PBKDF2 hash of
// 600,000 iterations, the default) run on the server's password-check threads (half the
// hardware threads by default), a bounded number waiting, and a login beyond them is answered
// 503 SERVER_BUSY at once, so the threads that serve everything else are never held.
// It compares latencies on this machine's two cores, so CTest runs it alone (RUN_SERIAL).
#include "api_client.hpp"
#include "http_fixture.hpp"
#include "running_server.hpp"

#include <netflix_charges/memory_store.hpp>

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <limits>
#include <thread>

using namespace http_tests;

namespace {

double median_list_ms(api_client& client, int calls)
{
    std::vector<double> ms;
    for (int i = 0; i < calls; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        REQUIRE(client.list(50));
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    std::nth_element(ms.begin(), ms.begin() + calls / 2, ms.end());
    return ms[static_cast<std::size_t>(calls / 2)];
}

}  // namespace

TEST_CASE("8 clients sending wrong passwords in a loop leave the list within 3x of its idle latency",
          "[http][security][auth]")
{
    memory_store store;
    charges_service service{store};
    jwt_options o;  // the defaults: 600,000 iterations, half the hardware threads checking at once
    jwt_authenticator auth{store, o};
    const operator_id op{"ps_dev"};
    auth.add_user(op, "billing", "", "correct horse");
    const auto token = auth.login("billing", "correct horse", "ps_dev", std::nullopt).token;
    std::vector<new_charge> charges;
    for (int i = 0; i < 60; ++i) charges.push_back(a_charge("I" + std::to_string(1000 + i)));
    service.issue_many(op, charges);

    // The throttle off: these attackers stand for a botnet, whose every guess comes from a new
    // address, which no throttle by address slows down (login_throttle_tests.cpp tests it).
    http::handler_options unthrottled;
    unthrottled.login_throttle.free_failures_per_user = std::numeric_limits<std::size_t>::max();
    unthrottled.login_throttle.free_failures_per_address = std::numeric_limits<std::size_t>::max();
    http::handler api{service, auth, unthrottled};
    http::server_options options;
    options.threads = 2;
    options.password_check_queue = 2;  // fewer than the flooders, so that some are answered busy
    running_server server{api, options};
    api_client client{server.port(), token};
    const double idle = median_list_ms(client, 500);

    std::atomic<bool> flooding{true};
    std::atomic<int> refused_busy{0}, refused_credentials{0};
    std::vector<std::thread> flood;
    for (int c = 0; c < 8; ++c) {
        flood.emplace_back([&] {
            // The attackers' own CPU is not the server's: their threads yield to everyone here
            // (Linux: a thread's own nice value, setpriority(2)).
            ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 19);
            std::optional<test_support::raw_connection> connection;
            while (flooding) {
                if (!connection) connection.emplace(server.port());
                connection->send(test_support::post_request(
                    "/crmapi/rest/v2/authentication/token",
                    R"({"username":"billing","password":"wrong guess","organisation":"ps_dev"})"));
                const auto r = connection->read_response();
                if (!r) {
                    connection.reset();
                    continue;
                }
                if (r->status == 503 && r->body.find("SERVER_BUSY") != std::string::npos) ++refused_busy;
                else if (r->body.find("INVALID_CREDENTIALS") != std::string::npos) ++refused_credentials;
            }
        });
    }
    std::this_thread::sleep_for(std::chrono::milliseconds{300});  // the flood under way
    const double flooded = median_list_ms(client, 500);
    flooding = false;
    for (auto& t : flood) t.join();

    std::printf("login flood: list median %.3f ms idle, %.3f ms flooded (%.1fx); %d wrong passwords checked, %d "
                "logins answered busy\n",
                idle, flooded, flooded / idle, refused_credentials.load(), refused_busy.load());
    CHECK(refused_credentials > 0);  // the passwords were checked, on their own threads
    CHECK(refused_busy > 0);         // and the rest refused at once
#ifndef __SANITIZE_ADDRESS__  // a sanitizer's Debug build times its own instrumentation, not the server
    CHECK(flooded <= 3 * idle);
#endif
    CHECK(auth.login("billing", "correct horse", "ps_dev", std::nullopt).who.user() == "billing");
}
