// The Beast server on a real socket (127.0.0.1, a free port): keep-alive, pipelining, limits,
// timeouts, concurrency and graceful stop.
#include "http_fixture.hpp"

#include "raw_http_client.hpp"
#include "running_server.hpp"
#include "temporary_directory.hpp"

#include <netflix_charges/http/server.hpp>
#include <netflix_charges/sqlite_store.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

using namespace http_tests;
using test_support::get_request;
using test_support::post_request;
using test_support::raw_connection;


TEST_CASE_METHOD(fixture, "one connection carries several requests (keep-alive)", "[http][server]")
{
    running_server s{*api, {}};
    raw_connection c{s.port()};
    for (int i = 0; i < 3; ++i) {
        c.send(get_request("/healthz"));
        const auto r = c.read_response();
        REQUIRE(r);
        CHECK(r->status == 200);
        CHECK(r->body.find(R"("code":"OK")") != std::string::npos);
    }
}

TEST_CASE_METHOD(fixture, "pipelined requests are answered in order", "[http][server]")
{
    service.issue(op, a_charge("I1"));
    running_server s{*api, {}};
    raw_connection c{s.port()};
    c.send(get_request("/healthz") + get_request(base + list_query()) + get_request("/nothing") +
           get_request("/readyz", true));
    const int expected[] = {200, 200, 404, 200};
    for (int status : expected) {
        const auto r = c.read_response();
        REQUIRE(r);
        CHECK(r->status == status);
    }
    CHECK(c.closed_by_server());
}

TEST_CASE_METHOD(fixture, "a body over the limit is answered 413 and the connection closed; the server goes on",
                 "[http][server][limits]")
{
    http::server_options o;
    o.body_limit = 1024;
    running_server s{*api, o};
    {
        raw_connection c{s.port()};
        c.send(post_request(base + "netflix/charges/acknowledge", std::string(5000, ' ')));
        const auto r = c.read_response();
        REQUIRE(r);
        CHECK(r->status == 413);
        CHECK(r->body.find("BODY_TOO_LARGE") != std::string::npos);
        CHECK(c.closed_by_server());
    }
    raw_connection again{s.port()};
    again.send(get_request("/healthz"));
    CHECK(again.read_response()->status == 200);
}

TEST_CASE_METHOD(fixture, "headers over the limit are answered 431", "[http][server][limits]")
{
    http::server_options o;
    o.header_limit = 2048;
    running_server s{*api, o};
    raw_connection c{s.port()};
    c.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4096, 'a') + "\r\n\r\n");
    const auto r = c.read_response();
    REQUIRE(r);
    CHECK(r->status == 431);
}

TEST_CASE_METHOD(fixture, "a client that sends half a request and stalls is timed out while others are served",
                 "[http][server][timeouts]")
{
    http::server_options o;
    o.read_timeout = std::chrono::milliseconds{400};
    o.threads = 1;  // even with one thread, the stalled client holds nothing
    running_server s{*api, o};
    raw_connection stalled{s.port()};
    const auto started = std::chrono::steady_clock::now();
    stalled.send("POST " + base + "netflix/charges/acknowledge HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"tok");

    for (int i = 0; i < 5; ++i) {
        raw_connection other{s.port()};
        const auto asked = std::chrono::steady_clock::now();
        other.send(get_request("/healthz"));
        const auto r = other.read_response();
        REQUIRE(r);
        CHECK(r->status == 200);
        CHECK(std::chrono::steady_clock::now() - asked < std::chrono::milliseconds{200});
    }
    const auto r = stalled.read_response(std::chrono::seconds{5});
    REQUIRE(r);
    CHECK(r->status == 408);
    CHECK(r->body.find("REQUEST_TIMEOUT") != std::string::npos);
    CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds{350});
    CHECK(stalled.closed_by_server());
}

TEST_CASE_METHOD(fixture, "a request head that stalls gets 408 within the read timeout, not the idle one",
                 "[http][server][timeouts]")
{
    http::server_options o;
    o.read_timeout = std::chrono::milliseconds{400};
    o.idle_timeout = std::chrono::seconds{30};
    running_server s{*api, o};
    for (const std::string& half_head : std::vector<std::string>{"G", "GET /healthz HTTP/1.1\r\nHost: x\r\n",
                                                                  "POST " + base + "netflix/charges/acknowledge HTTP/1.1\r\nContent-Le"}) {
        CAPTURE(half_head);
        raw_connection stalled{s.port()};
        const auto started = std::chrono::steady_clock::now();
        stalled.send(half_head);
        const auto r = stalled.read_response(std::chrono::seconds{5});
        const auto waited = std::chrono::steady_clock::now() - started;
        REQUIRE(r);
        CHECK(r->status == 408);
        CHECK(r->body.find("REQUEST_TIMEOUT") != std::string::npos);
        CHECK(waited >= std::chrono::milliseconds{350});
        CHECK(waited < std::chrono::milliseconds{1500});  // the read timeout and the sweeper's lag, far from 30 s
        CHECK(stalled.closed_by_server());
    }
}

TEST_CASE_METHOD(fixture, "an answer to HEAD has the GET answer's headers and no body", "[http][server]")
{
    running_server s{*api, {}};
    raw_connection c{s.port()};
    c.send(get_request("/healthz"));
    const auto got = c.read_response();
    REQUIRE(got);
    c.send("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    const auto head = c.read_response(std::chrono::seconds{2}, true);
    REQUIRE(head);
    CHECK(head->status == 200);
    CHECK(head->headers.find("Content-Length: " + std::to_string(got->body.size())) != std::string::npos);
    // The next answer on the connection starts right after the head: no body bytes came between.
    c.send("HEAD " + base + "netflix/charges/acknowledge HTTP/1.1\r\nHost: x\r\n\r\n" + get_request("/healthz"));
    const auto refused = c.read_response(std::chrono::seconds{2}, true);
    REQUIRE(refused);
    CHECK(refused->status == 405);
    const auto after = c.read_response();
    REQUIRE(after);
    CHECK(after->status == 200);
    CHECK(after->body == got->body);
}

TEST_CASE_METHOD(fixture, "Expect: 100-continue is answered at once, and not when the body is refused by its length",
                 "[http][server]")
{
    service.issue(op, a_charge("I1"));
    running_server s{*api, {}};
    const std::string body = items_body("acknowledged_charges_set", R"({"number":"I1","billing_system_customer_identifier":"customer-1"})");
    raw_connection c{s.port()};
    const auto started = std::chrono::steady_clock::now();
    c.send("POST " + base + "netflix/charges/acknowledge HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\nExpect: 100-continue\r\n\r\n");
    const auto go_on = c.read_response(std::chrono::milliseconds{350});  // .NET's wait: it must not run out
    REQUIRE(go_on);
    CHECK(go_on->status == 100);
    CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds{100});
    c.send(body);
    const auto r = c.read_response();
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(service.find(op, "I1")->acknowledged);

    // A body declared too large is refused before the client sends it: no 100, a 413.
    raw_connection big{s.port()};
    big.send("POST " + base + "netflix/charges/acknowledge HTTP/1.1\r\nHost: x\r\nContent-Length: 10000000\r\nExpect: 100-continue\r\n\r\n");
    const auto refused = big.read_response();
    REQUIRE(refused);
    CHECK(refused->status == 413);
    CHECK(big.closed_by_server());
}

TEST_CASE_METHOD(fixture, "a refusal answers in the request's version, and without a body to HEAD", "[http][server]")
{
    running_server s{*api, {}};
    raw_connection head{s.port()};
    head.send("HEAD /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n");
    const auto refused = head.read_response(std::chrono::seconds{2}, true);
    REQUIRE(refused);
    CHECK(refused->status == 400);
    CHECK(head.closed_by_server());  // and no body bytes came before the end
    raw_connection old{s.port()};
    old.send("POST /healthz HTTP/1.0\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx");
    const auto r = old.read_response();
    REQUIRE(r);
    CHECK(r->headers.rfind("HTTP/1.0 400", 0) == 0);
}

TEST_CASE_METHOD(fixture, "empty lines before a request are skipped, as RFC 9112 asks", "[http][server]")
{
    running_server s{*api, {}};
    raw_connection c{s.port()};
    c.send("\r\n" + get_request("/healthz") + "\r\n\r\n" + get_request("/healthz"));
    for (int i = 0; i < 2; ++i) {
        const auto r = c.read_response();
        REQUIRE(r);
        CHECK(r->status == 200);
    }
    c.send("\r\n");  // a CRLF after the last request, alone: the connection waits for the next one
    std::this_thread::sleep_for(std::chrono::milliseconds{50});
    c.send(get_request("/healthz"));
    const auto r = c.read_response();
    REQUIRE(r);
    CHECK(r->status == 200);
}

TEST_CASE_METHOD(fixture, "HTTP/1.0 clients: closed after the answer unless they ask for keep-alive", "[http][server]")
{
    running_server s{*api, {}};
    raw_connection once{s.port()};
    once.send("GET /healthz HTTP/1.0\r\n\r\n");
    const auto r = once.read_response();
    REQUIRE(r);
    CHECK(r->headers.rfind("HTTP/1.0 200", 0) == 0);
    CHECK(once.closed_by_server());

    raw_connection kept{s.port()};
    for (int i = 0; i < 3; ++i) {
        kept.send("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        const auto answer = kept.read_response();
        REQUIRE(answer);
        CHECK(answer->status == 200);
        CHECK(answer->headers.find("Connection: keep-alive") != std::string::npos);
    }
}

TEST_CASE_METHOD(fixture, "a chunked body is read whole, within the body limit", "[http][server][limits]")
{
    service.issue(op, a_charge("I1"));
    http::server_options o;
    o.body_limit = 4096;
    running_server s{*api, o};
    const std::string body = items_body("acknowledged_charges_set", R"({"number":"I1","billing_system_customer_identifier":"customer-1"})");
    raw_connection c{s.port()};
    char size[16];
    std::snprintf(size, sizeof size, "%zX", body.size() - 10);
    c.send("POST " + base + "netflix/charges/acknowledge HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + size + "\r\n" +
           body.substr(0, body.size() - 10) + "\r\na\r\n" + body.substr(body.size() - 10) + "\r\n0\r\n\r\n");
    const auto r = c.read_response();
    REQUIRE(r);
    CHECK(r->body.find(R"("code":"OK")") != std::string::npos);
    CHECK(service.find(op, "I1")->acknowledged);

    raw_connection big{s.port()};
    std::string chunks;
    for (int i = 0; i < 10; ++i) chunks += "400\r\n" + std::string(1024, ' ') + "\r\n";
    big.send("POST " + base + "netflix/charges/acknowledge HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks);
    const auto refused = big.read_response();
    REQUIRE(refused);
    CHECK(refused->status == 413);
}

TEST_CASE_METHOD(fixture, "an idle connection is closed after the idle timeout", "[http][server][timeouts]")
{
    http::server_options o;
    o.idle_timeout = std::chrono::milliseconds{300};
    running_server s{*api, o};
    raw_connection c{s.port()};
    c.send(get_request("/healthz"));
    REQUIRE(c.read_response());
    CHECK(c.closed_by_server(std::chrono::seconds{3}));
}

TEST_CASE_METHOD(fixture, "connections over the cap are answered 503", "[http][server][limits]")
{
    http::server_options o;
    o.max_connections = 2;
    running_server s{*api, o};
    raw_connection a{s.port()};
    raw_connection b{s.port()};
    a.send(get_request("/healthz"));
    b.send(get_request("/healthz"));
    REQUIRE(a.read_response());
    REQUIRE(b.read_response());
    raw_connection c{s.port()};
    const auto r = c.read_response();
    REQUIRE(r);
    CHECK(r->status == 503);
    CHECK(r->body.find("SERVER_BUSY") != std::string::npos);
}

TEST_CASE("16 concurrent clients acknowledging overlapping charges acknowledge each exactly once", "[http][server][concurrency]")
{
    test_support::temporary_directory folder;
    sqlite_store store{folder.file("charges.db")};
    charges_service service{store};
    jwt_options auth_options;
    auth_options.password_iterations = 1000;
    jwt_authenticator auth{store, auth_options};
    http::handler api{service, auth};
    const operator_id op{"ps_dev"};
    auth.add_user(op, "billing", "", "correct horse");
    const auto token = auth.login("billing", "correct horse", "ps_dev", std::nullopt).token;
    constexpr int charge_count = 400;
    std::vector<new_charge> charges;
    for (int i = 0; i < charge_count; ++i) charges.push_back(a_charge("C" + std::to_string(1000 + i)));
    service.issue_many(op, charges);

    http::server_options o;
    o.threads = 4;
    running_server s{api, o};
    std::mutex mutex;
    std::map<std::string, std::vector<int>> applied;  // number -> clients told "applied"
    std::atomic<int> bad_answers{0};
    std::vector<std::thread> clients;
    for (int client = 0; client < 16; ++client) {
        clients.emplace_back([&, client] {
            raw_connection c{s.port()};
            for (int start = (client * 37) % charge_count, done = 0; done < charge_count; done += 50) {
                std::string items;
                std::vector<std::string> numbers;
                for (int k = 0; k < 50; ++k) {
                    const auto number = "C" + std::to_string(1000 + (start + done + k) % charge_count);
                    numbers.push_back(number);
                    items += std::string{k ? "," : ""} + R"({"number":")" + number +
                             R"(","billing_system_customer_identifier":"customer-1","reference_number":"K)" +
                             std::to_string(client) + "-" + number + R"("})";
                }
                c.send(post_request(base + "netflix/charges/acknowledge",
                                    R"({"token":")" + token + R"(","acknowledged_charges_set":[)" + items + "]}"));
                const auto r = c.read_response();
                if (!r || r->status != 200) {
                    ++bad_answers;
                    return;
                }
                const auto body = json::parse(r->body);
                std::set<std::string> failed;
                for (const auto& f : body.at("data").at("failed_charges_set").as_array()) {
                    if (f.at("error_code") != "3") ++bad_answers;
                    failed.emplace(f.at("number").as_string());
                }
                std::lock_guard lock{mutex};
                for (const auto& number : numbers)
                    if (failed.count(number) == 0) applied[number].push_back(client);
            }
        });
    }
    for (auto& t : clients) t.join();
    CHECK(bad_answers == 0);
    for (int i = 0; i < charge_count; ++i) {
        const auto number = "C" + std::to_string(1000 + i);
        CAPTURE(number);
        REQUIRE(applied[number].size() == 1);
        const auto c = service.find(op, number);
        CHECK(c->acknowledged->reference_number == "K" + std::to_string(applied[number][0]) + "-" + number);
    }
}

TEST_CASE_METHOD(fixture, "stop lets a request in flight finish, closes idle connections, and run() returns",
                 "[http][server][shutdown]")
{
    service.issue(op, a_charge("I1"));
    auto s = std::make_unique<running_server>(*api, http::server_options{});
    raw_connection idle{s->port()};
    idle.send(get_request("/healthz"));
    REQUIRE(idle.read_response());

    raw_connection busy{s->port()};
    const std::string body = items_body("acknowledged_charges_set", R"({"number":"I1","billing_system_customer_identifier":"customer-1"})");
    const std::string request = post_request(base + "netflix/charges/acknowledge", body);
    busy.send(request.substr(0, request.size() - 10));  // the request is on its way
    std::this_thread::sleep_for(std::chrono::milliseconds{100});
    s->server.stop();
    CHECK(idle.closed_by_server());
    busy.send(request.substr(request.size() - 10));
    const auto r = busy.read_response();
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->headers.find("Connection: close") != std::string::npos);
    CHECK(service.find(op, "I1")->acknowledged);
    s.reset();  // run() returned: the destructor's join does not hang
}

TEST_CASE_METHOD(fixture, "accept and decline over a socket: racing clients decide each charge exactly once",
                 "[http][server][concurrency]")
{
    for (int i = 0; i < 100; ++i) service.issue(op, a_charge("D" + std::to_string(100 + i)));
    running_server s{*api, {}};
    std::atomic<int> accepted{0};
    std::atomic<int> declined{0};
    std::atomic<int> bad_answers{0};
    auto client = [&](const std::string& path, const std::string& set, std::atomic<int>& applied) {
        raw_connection c{s.port()};
        for (int start = 0; start < 100; start += 25) {
            std::string items;
            for (int k = 0; k < 25; ++k)
                items += std::string{k ? "," : ""} + R"({"number":"D)" + std::to_string(100 + start + k) +
                         R"(","billing_system_customer_identifier":"customer-1"})";
            c.send(post_request(base + path, items_body(set, items)));
            const auto r = c.read_response();
            if (!r) {
                ++bad_answers;
                return;
            }
            const auto body = json::parse(r->body);
            const auto& failed = body.at("data").at("failed_charges_set").as_array();
            for (const auto& f : failed)
                if (f.at("error_code") != "5") ++bad_answers;
            applied += static_cast<int>(25 - failed.size());
        }
    };
    std::thread a{[&] { client("netflix/charges/accept", "accepted_charges_set", accepted); }};
    std::thread d{[&] { client("netflix/charges/decline", "declined_charges_set", declined); }};
    a.join();
    d.join();
    CHECK(bad_answers == 0);
    CHECK(accepted + declined == 100);
    int approved = 0;
    for (int i = 0; i < 100; ++i)
        if (service.find(op, "D" + std::to_string(100 + i))->status == charge_status::approved) ++approved;
    CHECK(approved == accepted);
}
