// The SQLite store's cache (src/stamped_cache.hpp, kept under the change watch of
// src/sqlite/change_watch.hpp): a list page, a list anchor or a token's revocation state is
// given again only while nothing has been committed since — by another process, another store
// on the file, or this store on any of its connections.
#include "sqlite_fixture.hpp"

#include "child_process.hpp"

#include <netflix_charges/jwt_authenticator.hpp>

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

using namespace sqlite_tests;

namespace {

const operator_id op{"op"};

std::vector<std::string> numbers_listed(charges_service& service)
{
    std::vector<std::string> numbers;
    for (const auto& c : service.list(as_caller(op), list_request{})) numbers.push_back(c.number);
    return numbers;
}

// A store on a new file, with `count` charges issued.
struct polled_store {
    test_support::temporary_directory folder;
    std::string path = folder.file("cache.db");
    sqlite_store store{path};
    charges_service service{store};

    explicit polled_store(int count) { issue_numbered(service, op, count); }
};

void require_success(test_support::child_process& child)
{
    const int status = child.wait();
    REQUIRE(WIFEXITED(status));
    REQUIRE(WEXITSTATUS(status) == 0);
}

}  // namespace

TEST_CASE("a list read again after another process acknowledged a charge no longer shows it",
          "[sqlite][cache]")
{
    polled_store polled{3};
    auto& service = polled.service;
    REQUIRE(numbers_listed(service) == std::vector<std::string>{"C000000", "C000001", "C000002"});
    REQUIRE(numbers_listed(service).size() == 3);  // the second answer may come from the cache

    test_support::child_process other{[&](int) {
        sqlite_store other_store{polled.path};
        charges_service other_service{other_store};
        const auto result = other_service.acknowledge(as_caller(op), {{"C000001", "customer-1", "R-1"}});
        return result.failed.empty() ? 0 : 1;
    }};
    require_success(other);

    CHECK(numbers_listed(service) == std::vector<std::string>{"C000000", "C000002"});
}

TEST_CASE("a list read again after the same store acknowledged a charge no longer shows it",
          "[sqlite][cache]")
{
    polled_store polled{3};
    auto& service = polled.service;
    REQUIRE(numbers_listed(service).size() == 3);

    REQUIRE(service.acknowledge(as_caller(op), {{"C000000", "customer-1", "R-1"}}).failed.empty());
    CHECK(numbers_listed(service) == std::vector<std::string>{"C000001", "C000002"});

    service.issue(op, a_charge("C000009"));
    CHECK(numbers_listed(service) == std::vector<std::string>{"C000001", "C000002", "C000009"});
}

TEST_CASE("a list read again after another store in the process issued a charge shows it", "[sqlite][cache]")
{
    polled_store polled{2};
    auto& service = polled.service;
    REQUIRE(numbers_listed(service).size() == 2);

    sqlite_store other_store{polled.path};
    charges_service other_service{other_store};
    other_service.issue(op, a_charge("C000005"));
    CHECK(numbers_listed(service) == std::vector<std::string>{"C000000", "C000001", "C000005"});
}

TEST_CASE("a token verified before another process released it is refused at once", "[sqlite][cache][auth]")
{
    test_support::temporary_directory folder;
    const auto path = folder.file("cache.db");
    sqlite_store store{path};
    jwt_authenticator auth{store, fast_hashes()};
    auth.add_user(op, "billing", "", "correct horse");
    const auto token = auth.login("billing", "correct horse", "op", std::nullopt).token;
    REQUIRE(auth.verify(token).who);
    REQUIRE(auth.verify(token).who);  // the second check may use the cache

    test_support::child_process other{[&](int) {
        sqlite_store other_store{path};
        jwt_authenticator other_auth{other_store, fast_hashes()};
        other_auth.release(token);
        return 0;
    }};
    require_success(other);

    CHECK(auth.verify(token).rejection == token_rejection::revoked);
}

TEST_CASE("a token verified before the same store released it is refused at once", "[sqlite][cache][auth]")
{
    test_support::temporary_directory folder;
    sqlite_store store{folder.file("cache.db")};
    jwt_authenticator auth{store, fast_hashes()};
    auth.add_user(op, "billing", "", "correct horse");
    const auto token = auth.login("billing", "correct horse", "op", std::nullopt).token;
    REQUIRE(auth.verify(token).who);

    auth.release(token);
    CHECK(auth.verify(token).rejection == token_rejection::revoked);
}

TEST_CASE("a list under load of commits never shows a charge acknowledged before it began", "[sqlite][cache]")
{
    const int count = 300;
    polled_store polled{count};
    // Another store in the process commits one acknowledgement after another, in list order;
    // `acknowledged` says how many have been committed.
    sqlite_store writer_store{polled.path};
    charges_service writer{writer_store};
    std::atomic<int> acknowledged{0};
    std::atomic<bool> writer_failed{false};
    std::thread writing{[&] {
        for (int i = 0; i < count; ++i) {
            if (!writer.acknowledge(as_caller(op), {{numbered(i), "customer-1", "R-" + std::to_string(i)}}).failed.empty())
                writer_failed = true;
            acknowledged.store(i + 1, std::memory_order_release);
        }
    }};
    int lists = 0;
    bool fresh = true;
    for (int done = 0; done < count && fresh; ++lists) {
        done = acknowledged.load(std::memory_order_acquire);  // committed before this list begins
        const auto page = polled.service.list(as_caller(op), list_request{});
        fresh = page.empty() || page.front().number >= numbered(done);  // newer is fine
    }
    writing.join();
    CHECK_FALSE(writer_failed);
    CHECK(fresh);
    CHECK(lists > 1);
}
