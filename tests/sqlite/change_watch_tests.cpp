// The WAL index watch (src/sqlite/wal_index_watch.hpp) and the store's change watch built on it
// (change_watch.hpp): the store's cache trusts them to change on every commit to the file,
// whoever makes it.
#include "change_watch.hpp"
#include "child_process.hpp"
#include "temporary_directory.hpp"
#include "wal_index_watch.hpp"

#include <SQLiteCpp/Database.h>

#include <catch2/catch.hpp>

#include <filesystem>

using netflix_charges::sqlite_detail::change_watch;
using netflix_charges::sqlite_detail::wal_index_watch;

namespace {

SQLite::Database open_file(const std::string& path) { return {path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE}; }

int rows(SQLite::Database& db) { return db.execAndGet("SELECT count(*) FROM t").getInt(); }

// A new database in WAL mode with a table t, and a connection to it.
SQLite::Database wal_database(const std::string& path)
{
    auto db = open_file(path);
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("CREATE TABLE t (x INTEGER)");
    return db;
}

}  // namespace

TEST_CASE("a WAL index watch changes with every commit, whoever makes it, and only then", "[sqlite][wal index]")
{
    test_support::temporary_directory folder;
    const auto path = folder.file("watched.db");
    auto writer = wal_database(path);
    auto watched = open_file(path);
    rows(watched);  // a connection maps its WAL index on its first read
    const auto watch = wal_index_watch::of(watched.getHandle());
    REQUIRE(watch);
    const auto before = watch->read();
    REQUIRE(before);

    SECTION("reads by either connection commit nothing")
    {
        rows(watched);
        rows(writer);
        CHECK(watch->read() == before);
    }
    SECTION("another connection commits")
    {
        writer.exec("INSERT INTO t VALUES (1)");
        CHECK(watch->read() != before);
    }
    SECTION("the watched connection commits")
    {
        watched.exec("INSERT INTO t VALUES (1)");
        CHECK(watch->read() != before);
    }
    SECTION("another process commits")
    {
        test_support::child_process other{[&](int) {
            auto db = open_file(path);
            db.exec("INSERT INTO t VALUES (1)");
            return 0;
        }};
        const int status = other.wait();
        REQUIRE(WIFEXITED(status));
        REQUIRE(WEXITSTATUS(status) == 0);
        CHECK(watch->read() != before);
        CHECK(rows(watched) == 1);
    }
    SECTION("each of many commits, across checkpoints that restart the WAL")
    {
        auto last = before;
        for (int i = 0; i < 200; ++i) {
            writer.exec("INSERT INTO t VALUES (" + std::to_string(i) + ")");
            if (i % 50 == 49) writer.exec("PRAGMA wal_checkpoint(TRUNCATE)");
            const auto now = watch->read();
            REQUIRE(now);
            REQUIRE(now != last);
            last = now;
        }
        CHECK(rows(watched) == 200);
    }
}

TEST_CASE("a database not in WAL mode has no watch, and none is made for it", "[sqlite][wal index]")
{
    test_support::temporary_directory folder;
    const auto path = folder.file("rollback.db");
    auto db = open_file(path);
    db.exec("CREATE TABLE t (x INTEGER)");
    rows(db);
    CHECK_FALSE(wal_index_watch::of(db.getHandle()));
    CHECK_FALSE(std::filesystem::exists(path + "-shm"));
}

TEST_CASE("a store's change watch without a WAL index reads data_version, which every commit changes",
          "[sqlite][wal index]")
{
    test_support::temporary_directory folder;
    const auto path = folder.file("rollback.db");
    auto writer = open_file(path);
    writer.exec("CREATE TABLE t (x INTEGER)");
    change_watch watch{path, {}};
    const auto before = watch.stamp();
    REQUIRE(std::holds_alternative<std::int64_t>(before));  // the fallback
    CHECK(watch.stamp() == before);
    rows(writer);
    CHECK(watch.stamp() == before);  // a read commits nothing
    writer.exec("INSERT INTO t VALUES (1)");
    const auto after = watch.stamp();
    CHECK(after != before);
    writer.exec("INSERT INTO t VALUES (2)");
    CHECK(watch.stamp() != after);
}

TEST_CASE("a store's change watch on a WAL database reads the WAL index header", "[sqlite][wal index]")
{
    test_support::temporary_directory folder;
    const auto path = folder.file("watched.db");
    auto writer = wal_database(path);
    change_watch watch{path, {}};
    const auto before = watch.stamp();
    CHECK(std::holds_alternative<netflix_charges::sqlite_detail::wal_index_header>(before));
    writer.exec("INSERT INTO t VALUES (1)");
    CHECK(watch.stamp() != before);
}
