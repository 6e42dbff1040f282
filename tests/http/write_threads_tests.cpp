// Writes on threads of their own (server_options::write_threads): a write that waits for a slow
// fsync holds up no other request, and writes in flight together share a commit. A real SQLite
// file on a real socket; the disk's slowness is the tests' VFS shim sleeping in every sync, as
// a network disk's flush takes milliseconds.
#include "http_fixture.hpp"

#include "faulty_vfs.hpp"
#include "raw_http_client.hpp"
#include "running_server.hpp"
#include "temporary_directory.hpp"

#include <netflix_charges/http/server.hpp>
#include <netflix_charges/sqlite_store.hpp>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

using namespace http_tests;
using sqlite_tests::faulty_vfs;
using sqlite_tests::io_kind;
using test_support::get_request;
using test_support::post_request;
using test_support::raw_connection;

namespace {

// A SQLite store with 400 pending charges, C1000 on, behind a handler, and a billing token.
struct sqlite_api {
    test_support::temporary_directory folder;
    sqlite_store store{folder.file("charges.db")};
    charges_service service{store};
    jwt_authenticator auth{store, fixture::auth_options()};
    http::handler api{service, auth};
    operator_id op{"ps_dev"};
    std::string token;

    sqlite_api()
    {
        auth.add_user(op, "billing", "", "correct horse");
        token = auth.login("billing", "correct horse", "ps_dev", std::nullopt).token;
        std::vector<new_charge> charges;
        for (int i = 0; i < 400; ++i) charges.push_back(a_charge("C" + std::to_string(1000 + i)));
        service.issue_many(op, charges);
    }

    // An acknowledge of the 50 charges from C<first> on, each with its own reference number.
    std::string acknowledge(int first) const
    {
        std::string items;
        for (int k = 0; k < 50; ++k) {
            const auto number = "C" + std::to_string(first + k);
            items += std::string{k ? "," : ""} + R"({"number":")" + number +
                     R"(","billing_system_customer_identifier":"customer-1","reference_number":"R-)" + number + R"("})";
        }
        return post_request(base + "netflix/charges/acknowledge",
                            R"({"token":")" + token + R"(","acknowledged_charges_set":[)" + items + "]}");
    }

    bool acknowledged(int first)
    {
        for (int k = 0; k < 50; ++k)
            if (!service.find(op, "C" + std::to_string(first + k))->acknowledged) return false;
        return true;
    }
};

bool applied_whole(const std::optional<test_support::raw_response>& r)
{
    return r && r->status == 200 && json::parse(r->body).at("data").at("failed_charges_set").as_array().empty();
}

}  // namespace

TEST_CASE("a write waiting for a slow fsync holds up no list, even with one serving thread", "[http][server][writes]")
{
    faulty_vfs vfs{false};
    sqlite_api api;
    http::server_options o;
    o.threads = 1;  // before writes had threads of their own, this one thread waited in the fsync
    running_server s{api.api, o};

    vfs.delay_syncs(std::chrono::milliseconds{1500});
    const auto syncs_before = vfs.count(io_kind::sync);
    std::atomic<bool> write_answered{false};
    std::optional<test_support::raw_response> write_answer;
    std::thread writer{[&] {
        raw_connection c{s.port()};
        c.send(api.acknowledge(1000));
        write_answer = c.read_response();
        write_answered = true;
    }};
    while (vfs.count(io_kind::sync) == syncs_before) std::this_thread::sleep_for(std::chrono::milliseconds{1});

    // The write is in its fsync now, for 1.5 s: a list on another connection is answered meanwhile.
    raw_connection reader{s.port()};
    reader.send(get_request(base + "netflix/charges/list?token=" + api.token +
                            "&number_of_results=50&charge_status=NOT_PROCESSED&offset=0"));
    const auto listed = reader.read_response(std::chrono::milliseconds{1000});
    const bool write_answered_first = write_answered;
    writer.join();
    CHECK_FALSE(write_answered_first);
    CHECK(applied_whole(write_answer));
    CHECK(api.acknowledged(1000));
    REQUIRE(listed);
    CHECK(listed->status == 200);
    // It reads what is committed, which the write in its fsync is not yet: SQLite shows a commit
    // once its WAL is synced (synchronous = FULL).
    const auto page = json::parse(listed->body).at("data").at("charges_set").as_array();
    REQUIRE(page.size() == 50);
    CHECK(page.front().at("number") == "C1000");
}

TEST_CASE("writes in flight together share a commit on the default server", "[http][server][writes][group_commit]")
{
    faulty_vfs vfs{false};
    sqlite_api api;
    running_server s{api.api, {}};  // two serving threads, as by default

    // 8 clients acknowledge at once while every sync takes 300 ms: the first write commits
    // alone, the others queue meanwhile and go into the next commit together.
    vfs.delay_syncs(std::chrono::milliseconds{300});
    const auto syncs_before = vfs.count(io_kind::sync);
    std::vector<std::optional<test_support::raw_response>> answers(8);
    std::vector<std::thread> clients;
    for (int client = 0; client < 8; ++client)
        clients.emplace_back([&, client] {
            raw_connection c{s.port()};
            c.send(api.acknowledge(1000 + 50 * client));
            answers[static_cast<std::size_t>(client)] = c.read_response(std::chrono::seconds{20});
        });
    for (auto& t : clients) t.join();
    const auto syncs = vfs.count(io_kind::sync) - syncs_before;
    for (int client = 0; client < 8; ++client) {
        CAPTURE(client);
        CHECK(applied_whole(answers[static_cast<std::size_t>(client)]));
        CHECK(api.acknowledged(1000 + 50 * client));
    }
    // One sync a commit: 8 writes each on its own would make 8; the server's two threads
    // serving them in the store would make at least 4.
    CHECK(syncs <= 3);
}
