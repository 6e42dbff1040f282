// Opening databases: new, ours at an older version, newer, foreign, corrupt, unreadable.
#include "faulty_vfs.hpp"
#include "sqlite_fixture.hpp"

#include "connection.hpp"
#include "schema.hpp"

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>
#include <catch2/catch.hpp>

using namespace sqlite_tests;

namespace {

// Opening `path` as a store fails with storage_failure whose message contains `why`, and the
// file's bytes stay exactly as they were.
void check_refused_untouched(const std::string& path, const std::string& why)
{
    const auto before = read_bytes(path);
    try {
        sqlite_store store{path};
        FAIL("opened");
    } catch (const error& e) {
        CHECK(e.code_value() == errc::storage_failure);
        CHECK_THAT(e.what(), Catch::Contains(why));
        CHECK_THAT(e.what(), Catch::Contains(path));
    }
    CHECK(read_bytes(path) == before);
}

}  // namespace

TEST_CASE("a new database gets the latest schema, in WAL mode", "[sqlite][schema]")
{
    test_support::temporary_directory folder;
    const auto path = folder.file("new.db");
    { sqlite_store store{path}; }
    SQLite::Database db{path};
    CHECK(db.execAndGet("PRAGMA user_version").getInt() == sqlite_store::schema_version());
    CHECK(db.execAndGet("PRAGMA journal_mode").getString() == "wal");
    CHECK(db.tableExists("charges"));
    CHECK(db.tableExists("reference_numbers"));
    CHECK(db.tableExists("operators"));
}

TEST_CASE("charges survive closing and reopening the database", "[sqlite][schema]")
{
    test_support::temporary_directory folder;
    const auto path = folder.file("charges.db");
    const operator_id op{"op"};
    charge before;
    {
        sqlite_store store{path};
        charges_service service{store};
        service.issue(op, a_charge("I1").in_local_currency("12.345", "KWD"));
        REQUIRE(service.acknowledge(as_caller(op), {{"I1", "customer-1", std::string{"R1"}}}).failed.empty());
        before = *service.find(op, "I1");
    }
    sqlite_store store{path};
    charges_service service{store};
    CHECK(service.find(op, "I1") == before);
    CHECK(service.find_by_reference(op, "R1")->number == "I1");
}

TEST_CASE("opening an older database applies the missing migrations in order", "[sqlite][schema]")
{
    test_support::temporary_directory folder;
    const auto path = folder.file("old.db");
    const std::vector<sqlite_detail::migration> version_1{sqlite_detail::migrations().front()};
    auto upgraded = version_1;
    upgraded.push_back({version_1.back().version + 1, "CREATE TABLE added_later (x INTEGER);"});
    {
        SQLite::Database db{path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE};
        sqlite_detail::prepare_database(db, path, version_1);
        db.exec("INSERT INTO operators (name) VALUES ('kept')");
    }
    SQLite::Database db{path, SQLite::OPEN_READWRITE};
    sqlite_detail::prepare_database(db, path, upgraded);
    CHECK(db.execAndGet("PRAGMA user_version").getInt() == version_1.back().version + 1);
    CHECK(db.tableExists("added_later"));
    CHECK(db.execAndGet("SELECT name FROM operators").getString() == "kept");
    sqlite_detail::prepare_database(db, path, upgraded);  // nothing left to do: no error
}

TEST_CASE("an empty file is a new database", "[sqlite][schema]")
{
    test_support::temporary_directory folder;
    const auto path = folder.file("empty.db");
    write_bytes(path, "");
    sqlite_store store{path};
    charges_service service{store};
    service.issue(operator_id{"op"}, a_charge("I1"));
    CHECK(service.find(operator_id{"op"}, "I1"));
}

TEST_CASE("a database written by a newer version is refused and left untouched", "[sqlite][schema]")
{
    test_support::temporary_directory folder;
    const auto path = folder.file("newer.db");
    { sqlite_store store{path}; }
    {
        SQLite::Database db{path, SQLite::OPEN_READWRITE};
        db.exec("PRAGMA user_version = " + std::to_string(sqlite_store::schema_version() + 1));
        db.exec("PRAGMA journal_mode = DELETE");  // one file to compare
    }
    check_refused_untouched(path, "newer version");
}

TEST_CASE("a file that is not SQLite is refused and left untouched", "[sqlite][schema]")
{
    test_support::temporary_directory folder;
    const auto path = folder.file("notes.db");
    write_bytes(path, std::string(8192, 'x') + "these are not the charges you are looking for");
    check_refused_untouched(path, "not a readable SQLite database");
}

TEST_CASE("a database the disk fails to read is refused as a disk fault, not as a foreign file", "[sqlite][schema][faults]")
{
    test_support::temporary_directory folder;
    const auto path = folder.file("ours.db");
    { sqlite_store store{path}; }
    {
        SQLite::Database db{path, SQLite::OPEN_READWRITE};
        db.exec("PRAGMA journal_mode = DELETE");  // one file to compare
    }
    faulty_vfs vfs;
    // The second read: the first, of the header as the file opens, fails as "disk I/O error".
    vfs.fail(io_kind::read, 2, false);
    check_refused_untouched(path, "the disk failed to read it (disk I/O error");
    CHECK(vfs.fired());
}

TEST_CASE("another program's SQLite database is refused and left untouched", "[sqlite][schema]")
{
    test_support::temporary_directory folder;
    const auto path = folder.file("other.db");
    {
        SQLite::Database db{path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE};
        db.exec("CREATE TABLE invoices (id INTEGER PRIMARY KEY)");
    }
    check_refused_untouched(path, "not made by netflix_charges");
}

TEST_CASE("a corrupt database is refused and left untouched", "[sqlite][schema]")
{
    test_support::temporary_directory folder;
    const auto path = folder.file("corrupt.db");
    {
        sqlite_store store{path};
        charges_service service{store};
        service.issue(operator_id{"op"}, a_charge("I1"));
    }
    {
        SQLite::Database db{path, SQLite::OPEN_READWRITE};
        db.exec("PRAGMA journal_mode = DELETE");
    }
    auto bytes = read_bytes(path);
    REQUIRE(bytes.size() > 4096);
    for (std::size_t i = 100; i < 4096; ++i) bytes[i] = static_cast<char>(0xA5 ^ (i * 7));  // the schema page
    write_bytes(path, bytes);
    check_refused_untouched(path, "corrupt");
}

TEST_CASE("the list queries are range scans of the list index, already in list order", "[sqlite][schema]")
{
    test_support::temporary_directory folder;
    const auto path = folder.file("plan.db");
    { sqlite_store store{path}; }
    SQLite::Database db{path};
    for (const auto& [query, range] :
         {std::pair{sqlite_detail::list_unacknowledged_sql(), std::string{"(operator_id=? AND processed=?)"}},
          // from an anchor: the index seeks to the anchor's key, it does not step from the start
          std::pair{sqlite_detail::list_unacknowledged_after_sql(),
                    std::string{"(operator_id=? AND processed=? AND (received_on,number)>(?,?))"}}}) {
        SQLite::Statement plan{db, "EXPLAIN QUERY PLAN " + query};
        std::string details;
        while (plan.executeStep()) details += plan.getColumn(3).getString() + "\n";
        CAPTURE(details);
        CHECK_THAT(details, Catch::Contains("USING INDEX charges_to_list " + range));
        CHECK_THAT(details, !Catch::Contains("TEMP B-TREE"));
        CHECK_THAT(details, !Catch::Contains("SCAN"));
    }
}

TEST_CASE("the schema keeps reference numbers unique per operator", "[sqlite][schema]")
{
    test_support::temporary_directory folder;
    const auto path = folder.file("unique.db");
    {
        sqlite_store store{path};
        charges_service service{store};
        service.issue(operator_id{"a"}, a_charge("I1"));
        service.issue(operator_id{"a"}, a_charge("I2"));
        service.issue(operator_id{"b"}, a_charge("I1"));
        REQUIRE(service.acknowledge(as_caller(operator_id{"a"}), {{"I1", "customer-1", std::string{"R"}}}).failed.empty());
        REQUIRE(service.acknowledge(as_caller(operator_id{"b"}), {{"I1", "customer-1", std::string{"R"}}}).failed.empty());
    }
    SQLite::Database db{path, SQLite::OPEN_READWRITE};
    CHECK_THROWS(db.exec("INSERT INTO reference_numbers (operator_id, reference_number, charge_id) "
                         "SELECT operator_id, 'R', id FROM charges WHERE number = 'I2'"));
}

TEST_CASE("a version-1 database (charges only) is upgraded in place, charges kept", "[sqlite][schema]")
{
    test_support::temporary_directory folder;
    const auto path = folder.file("v1.db");
    {
        SQLite::Database db{path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE};
        sqlite_detail::prepare_database(db, path, {sqlite_detail::migrations().front()});
        db.exec("INSERT INTO operators (id, name) VALUES (1, 'op')");
        db.exec("INSERT INTO charges (operator_id, number, billing_system_customer_identifier, amount, currency, "
                "paid_through_date, status, received_on) VALUES (1, 'OLD1', 'c1', '9.99', 'EUR', '2026-01-31', 0, 0)");
        REQUIRE(db.execAndGet("PRAGMA user_version").getInt() == 1);
    }
    sqlite_store store{path};
    charges_service service{store};
    CHECK(service.find(operator_id{"op"}, "OLD1")->amount.to_string() == "9.99");
    CHECK(store.insert_user({operator_id{"op"}, "u", "", "hash"}));
    SQLite::Database db{path};
    CHECK(db.execAndGet("PRAGMA user_version").getInt() == sqlite_store::schema_version());
    CHECK(db.tableExists("users"));
    CHECK(db.tableExists("api_keys"));

    // The journal starts with the upgrade: the old charge has no entry until it changes. The
    // backlog was counted by the upgrade.
    CHECK(service.journal(operator_id{"op"}).empty());
    REQUIRE(service.backlogs().size() == 1);
    CHECK(service.backlogs()[0].not_processed == 1);
    const auto billing = identity::vouched_for_by_host("billing", operator_id{"op"}, "u1");
    REQUIRE(service.acknowledge(billing, {{"OLD1", "c1", std::string{"R1"}}}).failed.empty());
    const auto entries = service.journal(operator_id{"op"});
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].sequence == 1);
    CHECK(entries[0].kind == journal_kind::acknowledged);
    CHECK(entries[0].user == "billing");
    CHECK(entries[0].unit == "u1");
    CHECK(service.backlogs()[0].not_processed == 0);
}
