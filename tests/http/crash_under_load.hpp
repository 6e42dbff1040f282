#pragma once

// A server process killed with SIGKILL while clients acknowledge, again and again: after each
// restart every acknowledgement that was answered OK is there, a batch whose answer was lost is
// there whole or not at all, nothing else changed, and the journal has exactly one entry for
// each acknowledgement and none without its change. Run on each store that a server can use
// (tests/http/crash_tests.cpp for SQLite, tests/postgres/kill_tests.cpp for PostgreSQL).
#include "api_client.hpp"
#include "http_fixture.hpp"

#include "child_process.hpp"
#include "loopback_port.hpp"
#include "temporary_directory.hpp"

#include <netflix_charges/http/server.hpp>

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <thread>

namespace http_tests::crash {

constexpr int kills = 20;
constexpr int client_count = 4;
constexpr int charges_per_client = 10000;
constexpr int batch_size = 10;
inline const operator_id op{"op"};

inline std::string number_of(int client, int i) { return "C" + std::to_string(client) + "-" + std::to_string(100000 + i); }

// One client's run of batches: [cursor, cursor + batch_size) is its next batch.
struct client_progress {
    int cursor = 0;
    int confirmed = 0;          // batches answered OK
    bool in_doubt = false;      // the batch at `cursor` was sent and its answer lost
};

inline std::vector<api_item> batch_at(int client, int cursor)
{
    std::vector<api_item> items;
    for (int i = cursor; i < cursor + batch_size; ++i)
        items.push_back({number_of(client, i), "customer-1", "R" + std::to_string(client) + "-" + std::to_string(i)});
    return items;
}


// The scenario on the store `open` gives (a charge store and a credential store), opened anew in
// this process before and after, and in each server process.
template <typename Store>
void server_killed_under_load(const char* store_name, const std::function<std::unique_ptr<Store>()>& open)
{
    std::string token;
    {
        auto opened = open();
        auto& store = *opened;
        charges_service service{store};
        for (int c = 0; c < client_count; ++c) {
            std::vector<new_charge> chunk;
            for (int i = 0; i < charges_per_client; ++i) chunk.push_back(a_charge(number_of(c, i)));
            service.issue_many(op, chunk);
        }
        jwt_authenticator auth{store, fixture::auth_options()};
        auth.add_user(op, "billing", "", "correct horse");
        token = auth.login("billing", "correct horse", "op", std::nullopt).token;  // valid across restarts
    }

    std::vector<client_progress> progress(client_count);
    std::atomic<int> answered{0};
    std::mt19937 random{11};
    for (int round = 0; round < kills; ++round) {
        const auto port = test_support::free_port();
        test_support::child_process server_process{[&](int) {
            auto opened = open();
            auto& store = *opened;
            charges_service service{store};
            jwt_authenticator auth{store, fixture::auth_options()};
            http::handler api{service, auth};
            http::server_options options;
            options.port = port;
            http::server server{api, options};
            server.run();
            return 0;
        }};
        REQUIRE(test_support::wait_until_listening(port));

        std::vector<std::thread> clients;
        for (int c = 0; c < client_count; ++c) {
            clients.emplace_back([&, c] {
                api_client client{port, token};
                auto& mine = progress[static_cast<std::size_t>(c)];
                while (mine.cursor + batch_size <= charges_per_client) {
                    mine.in_doubt = true;  // a lost answer leaves the batch in doubt; it is sent again next round
                    const auto failed = client.batch("acknowledge", batch_at(c, mine.cursor));
                    if (!failed) return;
                    REQUIRE(failed->empty());  // own charges, own references: a replay of a lost batch is OK too
                    mine.in_doubt = false;
                    ++mine.confirmed;
                    ++answered;
                    mine.cursor += batch_size;
                }
            });
        }
        // Killed in the middle of the traffic: after 20 to 80 more batches were answered.
        const int kill_after = answered.load() + 20 + static_cast<int>(random() % 61);
        while (answered.load() < kill_after) std::this_thread::sleep_for(std::chrono::microseconds{200});
        server_process.kill_now();
        server_process.wait();
        for (auto& t : clients) t.join();
    }

    auto opened = open();
    charges_service service{*opened};
    int confirmed_batches = 0;
    int doubtful_batches_applied = 0;
    for (int c = 0; c < client_count; ++c) {
        const auto& mine = progress[static_cast<std::size_t>(c)];
        confirmed_batches += mine.confirmed;
        for (int i = 0; i < charges_per_client; ++i) {
            const auto charge = service.find(op, number_of(c, i));
            REQUIRE(charge);
            INFO(charge->number);
            if (i < mine.cursor) {  // answered OK: there, with its reference
                REQUIRE(charge->acknowledged);
                CHECK(charge->acknowledged->reference_number == "R" + std::to_string(c) + "-" + std::to_string(i));
            } else if (mine.in_doubt && i < mine.cursor + batch_size) {  // whole or nothing
                const bool first_applied = service.find(op, number_of(c, mine.cursor))->acknowledged.has_value();
                CHECK(charge->acknowledged.has_value() == first_applied);
                if (i == mine.cursor && first_applied) ++doubtful_batches_applied;
            } else {
                CHECK_FALSE(charge->acknowledged);  // never sent: untouched
            }
            CHECK(charge->status == charge_status::pending);
        }
    }
    // The journal agrees with the charges: an acknowledged charge has exactly one `acknowledged`
    // entry, with its reference and the token's user; no entry is there without its change; the
    // numbers run 1, 2, 3... with no gap or repeat across the kills.
    std::map<std::string, int> acknowledged_entries;
    std::int64_t expected_sequence = 0;
    std::size_t issued_entries = 0;
    bool dense = true;
    for (std::int64_t after = 0;;) {
        const auto page = service.journal(op, after, limits::max_journal_entries);
        if (page.empty()) break;
        for (const auto& e : page) {
            dense = dense && e.sequence == ++expected_sequence;
            if (e.kind == journal_kind::issued) ++issued_entries;
            if (e.kind == journal_kind::acknowledged) {
                ++acknowledged_entries[e.number];
                const auto charge = service.find(op, e.number);
                REQUIRE(charge);
                REQUIRE(charge->acknowledged);  // no entry without its change
                CHECK(e.reference_number == charge->acknowledged->reference_number);
                CHECK(e.user == "billing");
            }
        }
        after = page.back().sequence;
    }
    CHECK(dense);
    CHECK(issued_entries == static_cast<std::size_t>(client_count * charges_per_client));
    std::size_t acknowledged_charges = 0;
    for (int c = 0; c < client_count; ++c)
        for (int i = 0; i < charges_per_client; ++i)
            if (service.find(op, number_of(c, i))->acknowledged) {
                ++acknowledged_charges;
                CHECK(acknowledged_entries[number_of(c, i)] == 1);
            }
    CHECK(acknowledged_entries.size() == acknowledged_charges);

    CHECK(confirmed_batches >= kills * 20);  // the clients did real work between kills
    CHECK(confirmed_batches < client_count * charges_per_client / batch_size);  // and were cut short
    std::printf("crash (%s): %d kills survived, %d batches answered OK, %d in doubt at the end (%d of them applied)\n", store_name, kills,
                confirmed_batches, static_cast<int>(std::count_if(progress.begin(), progress.end(), [](const auto& p) { return p.in_doubt; })),
                doubtful_batches_applied);
}

}  // namespace http_tests::crash
