// Load with invariants: many billing-system clients on a real server and SQLite file, mixing
// list, acknowledge, replay and decline (some aimed at another operator's charges), while the
// host side keeps issuing charges and recording Netflix's outcomes. At the end, with the file
// reopened, every invariant of the contract is checked against what the clients were told.
#include "api_client.hpp"
#include "http_fixture.hpp"
#include "running_server.hpp"
#include "temporary_directory.hpp"

#include <netflix_charges/sqlite_store.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <random>
#include <thread>

using namespace http_tests;

namespace {

constexpr auto load_duration = std::chrono::seconds{12};
constexpr int client_count = 8;

// What the clients were told, and what went against the contract.
struct ledger {
    std::mutex mutex;
    std::map<std::string, std::string> acknowledged;  // number -> the reference answered OK
    std::map<std::string, std::uint64_t> acknowledged_at;  // number -> sequence of that answer
    std::map<std::string, std::string> declined;      // number -> the reference answered OK
    std::map<std::string, charge_status> outcomes;    // number -> the host's recorded outcome
    std::vector<std::string> violations;
    std::atomic<std::uint64_t> sequence{0};
    std::atomic<long> lists{0}, batches{0}, replays{0}, foreign{0};

    void violation(const std::string& what)
    {
        std::lock_guard lock{mutex};
        violations.push_back(what);
    }
};

std::string number_of(char op_letter, int i) { return std::string{op_letter} + "-" + std::to_string(100000 + i); }
std::string customer_of(const std::string& number) { return "cust-" + number.substr(number.size() - 1); }

}  // namespace

TEST_CASE("under load: mixed clients and a busy host side keep every invariant", "[http][load]")
{
    test_support::temporary_directory folder;
    const auto path = folder.file("load.db");
    ledger book;
    const operator_id ops[2] = {operator_id{"op-a"}, operator_id{"op-b"}};
    const char letters[2] = {'A', 'B'};
    {
        sqlite_store store{path};
        charges_service service{store};
        jwt_authenticator auth{store, fixture::auth_options()};
        std::string tokens[2];
        for (int o = 0; o < 2; ++o) {
            auth.add_user(ops[o], "billing", "", "correct horse");
            tokens[o] = auth.login("billing", "correct horse", ops[o].value(), std::nullopt).token;
        }
        auto issue = [&](int o, int first, int count) {
            std::vector<new_charge> chunk;
            for (int i = first; i < first + count; ++i) {
                const auto number = number_of(letters[o], i);
                chunk.push_back(a_charge(number).for_customer(customer_of(number)));
            }
            service.issue_many(ops[o], chunk);
        };
        for (int o = 0; o < 2; ++o) issue(o, 0, 200);

        http::handler api{service, auth};
        running_server server{api, {}};
        const auto deadline = std::chrono::steady_clock::now() + load_duration;

        std::thread host{[&] {  // the host CRM: new charges, and Netflix's outcomes for some
            std::mt19937 random{7};
            for (int next = 200; std::chrono::steady_clock::now() < deadline; next += 10) {
                for (int o = 0; o < 2; ++o) {
                    issue(o, next, 10);
                    const auto number = number_of(letters[o], static_cast<int>(random() % static_cast<unsigned>(next)));
                    const auto outcome = random() % 2 ? charge_status::approved : charge_status::bad_request;
                    try {
                        service.record_outcome(ops[o], number, outcome);
                        std::lock_guard lock{book.mutex};
                        book.outcomes[number] = outcome;
                    } catch (const error& e) {
                        if (e.code_value() != errc::invalid_transition) book.violation("record_outcome: " + std::string{e.what()});
                    }
                }
                std::this_thread::sleep_for(std::chrono::milliseconds{5});
            }
        }};

        std::vector<std::thread> clients;
        for (int c = 0; c < client_count; ++c) {
            clients.emplace_back([&, c] {
                const int o = c % 2;
                api_client client{server.port(), tokens[o]};
                std::mt19937 random{static_cast<unsigned>(c)};
                std::vector<std::string> seen;
                std::vector<api_item> answered;  // acknowledgements answered OK, for replays
                while (std::chrono::steady_clock::now() < deadline) {
                    const auto pick = random() % 10;
                    if (pick < 3 || seen.empty()) {
                        const auto before = book.sequence.load();
                        const auto listed = client.list(50);
                        if (!listed) return book.violation("a list got no answer");
                        ++book.lists;
                        std::lock_guard lock{book.mutex};
                        for (const auto& number : *listed) {
                            if (number[0] != letters[o]) book.violations.push_back("listed another operator's " + number);
                            const auto at = book.acknowledged_at.find(number);
                            if (at != book.acknowledged_at.end() && at->second <= before)
                                book.violations.push_back("listed " + number + " after it was acknowledged");
                        }
                        seen = *listed;
                        continue;
                    }
                    if (pick == 9 && !answered.empty()) {  // a replay: same number, same reference
                        const auto& again = answered[random() % answered.size()];
                        const auto failed = client.batch("acknowledge", {again});
                        if (!failed || !failed->empty()) book.violation("the replay of " + again.number + " failed");
                        ++book.replays;
                        continue;
                    }
                    const bool decline = pick >= 7;
                    std::vector<api_item> items;
                    for (std::size_t k = 0; k < 8 && !seen.empty(); ++k) {
                        const auto& number = seen[random() % seen.size()];
                        if (std::any_of(items.begin(), items.end(), [&](const api_item& i) { return i.number == number; })) continue;
                        items.push_back({number, customer_of(number), (decline ? "D" : "K") + std::to_string(c) + "-" + number});
                    }
                    const bool aim_at_other = random() % 5 == 0;
                    const auto stranger = number_of(letters[1 - o], static_cast<int>(random() % 200));
                    if (aim_at_other) items.push_back({stranger, customer_of(stranger), "X" + std::to_string(c) + "-" + stranger});
                    const auto failed = client.batch(decline ? "decline" : "acknowledge", items);
                    if (!failed) return book.violation("a batch got no answer");
                    ++book.batches;
                    std::lock_guard lock{book.mutex};
                    for (const auto& item : items) {
                        const auto refused = std::find_if(failed->begin(), failed->end(),
                                                          [&](const auto& f) { return f.first == item.number; });
                        if (item.number == stranger && aim_at_other) {
                            ++book.foreign;
                            if (refused == failed->end() || refused->second != "2")
                                book.violations.push_back("another operator's " + stranger + " was not 'not found'");
                            continue;
                        }
                        if (refused != failed->end()) continue;
                        auto& told = decline ? book.declined : book.acknowledged;
                        const auto [it, first_time] = told.emplace(item.number, item.reference);
                        if (!first_time && it->second != item.reference)
                            book.violations.push_back(item.number + " answered OK with two references");
                        if (!decline) {
                            book.acknowledged_at.emplace(item.number, ++book.sequence);
                            answered.push_back(item);
                        }
                    }
                }
            });
        }
        for (auto& t : clients) t.join();
        host.join();
    }

    // Durable: a new store on the file, as after a restart.
    sqlite_store store{path};
    charges_service service{store};
    for (const auto& [number, reference] : book.acknowledged) {
        const auto c = service.find(ops[number[0] == 'A' ? 0 : 1], number);
        REQUIRE(c);
        CHECK((c->acknowledged && c->acknowledged->reference_number == reference));
    }
    for (const auto& [number, reference] : book.declined) {
        const auto c = service.find(ops[number[0] == 'A' ? 0 : 1], number);
        REQUIRE(c);
        CHECK(c->status == charge_status::declined);
        CHECK((c->decision && c->decision->reference_number == reference));
        CHECK(book.outcomes.count(number) == 0);  // the host could not also decide it: it was PENDING
    }
    for (const auto& [number, outcome] : book.outcomes) {
        const auto c = service.find(ops[number[0] == 'A' ? 0 : 1], number);
        REQUIRE(c);
        CHECK(c->status == outcome);
    }
    for (int o = 0; o < 2; ++o) {
        for (const auto& c : service.list(identity::vouched_for_by_host("billing", ops[o], ""), {status_class::not_processed, 0, 50})) {
            CHECK(c.number[0] == letters[o]);
            CHECK_FALSE(c.acknowledged);
        }
        CHECK_FALSE(service.find(ops[o], number_of(letters[1 - o], 0)));
    }
    INFO(book.violations.size() << " violations, the first: " << (book.violations.empty() ? "" : book.violations.front()));
    CHECK(book.violations.empty());
    CHECK(book.acknowledged.size() > 100);
    CHECK(book.declined.size() > 20);
    CHECK(book.foreign > 10);
    std::printf("load: %ld lists, %ld batches, %ld replays, %ld aimed at another operator; %zu acknowledged, "
                "%zu declined, %zu host outcomes; %zu violations\n",
                book.lists.load(), book.batches.load(), book.replays.load(), book.foreign.load(), book.acknowledged.size(),
                book.declined.size(), book.outcomes.size(), book.violations.size());
}
