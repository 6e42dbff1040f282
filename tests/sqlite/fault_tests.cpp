// Storage faults: each fails the whole call with storage_failure, applies nothing, and the
// store works again once the fault is gone.
#include "sqlite_fixture.hpp"

#include <SQLiteCpp/Database.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>

using namespace sqlite_tests;

namespace {

const operator_id op{"op"};

std::vector<charge_item> items_with_references(int first, int count, const std::string& reference_prefix)
{
    std::vector<charge_item> items;
    for (int i = first; i < first + count; ++i)
        items.push_back({numbered(i), "customer-1", reference_prefix + std::string(100, 'r') + numbered(i)});
    return items;
}

void require_storage_failure(const std::function<void()>& call)
{
    try {
        call();
        FAIL("no storage failure");
    } catch (const error& e) {
        CHECK(e.code_value() == errc::storage_failure);
    }
}

int acknowledged_count(charges_service& service, int count)
{
    int acknowledged = 0;
    for (int i = 0; i < count; ++i) acknowledged += service.find(op, numbered(i))->acknowledged ? 1 : 0;
    return acknowledged;
}

}  // namespace

TEST_CASE("a database locked by another process past the busy timeout fails the call and applies nothing",
          "[sqlite][faults]")
{
    test_support::temporary_directory folder;
    const auto path = folder.file("locked.db");
    sqlite_options options;
    options.busy_timeout = std::chrono::milliseconds{200};
    sqlite_store store{path, options};
    charges_service service{store};
    issue_numbered(service, op, 10);

    SQLite::Database other{path, SQLite::OPEN_READWRITE};
    other.exec("BEGIN IMMEDIATE");
    const auto started = std::chrono::steady_clock::now();
    require_storage_failure([&] { service.acknowledge(as_caller(op), items_with_references(0, 10, "L")); });
    CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds{150});
    CHECK(service.list(as_caller(op), {}).size() == 10);  // reads still work while the writer waits
    other.exec("ROLLBACK");

    CHECK(acknowledged_count(service, 10) == 0);
    CHECK(service.acknowledge(as_caller(op), items_with_references(0, 10, "L")).failed.empty());
    CHECK(acknowledged_count(service, 10) == 10);
}

TEST_CASE("a full disk fails the call and applies nothing of its batch", "[sqlite][faults]")
{
    test_support::temporary_directory folder;
    const auto path = folder.file("full.db");
    {
        sqlite_store store{path};
        charges_service service{store};
        issue_numbered(service, op, 200);
    }
    std::int64_t pages = 0;
    {
        SQLite::Database db{path};
        pages = db.execAndGet("PRAGMA page_count").getInt64();
    }

    sqlite_options capped;
    capped.max_page_count = pages;  // not one page more: the disk is full
    {
        sqlite_store store{path, capped};
        charges_service service{store};
        // 50 long reference numbers need new pages.
        require_storage_failure([&] { service.acknowledge(as_caller(op), items_with_references(0, 50, "F")); });
        CHECK(acknowledged_count(service, 200) == 0);
        CHECK_FALSE(service.find_by_reference(op, items_with_references(0, 1, "F")[0].reference_number.value()));
        // The same store still reads, and writes what fits.
        CHECK(service.list(as_caller(op), {}).size() == 50);
        CHECK(service.acknowledge(as_caller(op), {{numbered(0), "customer-1", std::nullopt}}).failed.empty());
    }
    sqlite_store store{path};  // room again
    charges_service service{store};
    CHECK(service.acknowledge(as_caller(op), items_with_references(1, 50, "F")).failed.empty());
    CHECK(acknowledged_count(service, 200) == 51);
}

TEST_CASE("a database file made read-only under the store fails the call; it works again once writable",
          "[sqlite][faults]")
{
    test_support::temporary_directory folder;
    const auto path = folder.file("readonly.db");
    sqlite_store store{path};
    charges_service service{store};
    issue_numbered(service, op, 20);

    // The file and its WAL become immutable, as on a read-only mount (the shared-memory index
    // stays writable: SQLite maps it into memory, where a write to an immutable file is SIGBUS):
    // even root cannot write them (chmod does not stop root, so chattr is used).
    const std::string files = path + " " + path + "-wal";
    REQUIRE(std::system(("chattr +i " + files + " 2>/dev/null").c_str()) == 0);
    struct undo {
        std::string files;
        ~undo() { (void)std::system(("chattr -i " + files + " 2>/dev/null").c_str()); }
    } make_writable_again{files};

    require_storage_failure([&] { service.acknowledge(as_caller(op), items_with_references(0, 20, "RO")); });
    require_storage_failure([&] { service.issue(op, a_charge("NEW")); });

    REQUIRE(std::system(("chattr -i " + files).c_str()) == 0);
    CHECK(acknowledged_count(service, 20) == 0);
    CHECK_FALSE(service.find(op, "NEW"));
    CHECK(service.acknowledge(as_caller(op), items_with_references(0, 20, "RO")).failed.empty());
    CHECK(acknowledged_count(service, 20) == 20);
}
