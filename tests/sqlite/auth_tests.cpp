// Tokens across restarts: what the SQLite store keeps for authentication.
#include "sqlite_fixture.hpp"

#include <netflix_charges/jwt_authenticator.hpp>

#include <SQLiteCpp/Database.h>

#include <catch2/catch.hpp>

using namespace sqlite_tests;

TEST_CASE("a token stays valid across a restart, and a released one stays released", "[sqlite][auth]")
{
    test_support::temporary_directory folder;
    const auto path = folder.file("auth.db");
    std::string kept;
    std::string released;
    {
        sqlite_store store{path};
        jwt_authenticator auth{store, fast_hashes()};
        auth.add_user(operator_id{"op"}, "billing", "1", "correct horse");
        kept = auth.login("billing", "correct horse", "op", std::nullopt).token;
        released = auth.login("billing", "correct horse", "op", std::nullopt).token;
        auth.release(released);
    }
    sqlite_store store{path};
    jwt_authenticator auth{store, fast_hashes()};
    const auto who = auth.verify(kept).who;
    REQUIRE(who);
    CHECK(who->organisation() == operator_id{"op"});
    CHECK(auth.verify(released).rejection == token_rejection::revoked);
    CHECK(auth.login("billing", "correct horse", "op", std::nullopt).who.unit() == "1");
}

TEST_CASE("neither a password nor a Web API key is written to the database file", "[sqlite][auth]")
{
    test_support::temporary_directory folder;
    const auto path = folder.file("secrets.db");
    std::string key;
    {
        sqlite_store store{path};
        jwt_authenticator auth{store, fast_hashes()};
        auth.add_user(operator_id{"op"}, "billing", "", "Sup3r-Secret-Passw0rd");
        key = auth.create_api_key(operator_id{"op"}, "").key;
    }  // closing checkpoints the WAL into the file; whatever is left of it is read too
    std::string everything = read_bytes(path);
    for (const auto* suffix : {"-wal", "-shm"}) everything += read_bytes(path + suffix);
    CHECK(everything.find("Sup3r-Secret-Passw0rd") == std::string::npos);
    CHECK(everything.find(key) == std::string::npos);
    CHECK(everything.find(key.substr(4, 20)) == std::string::npos);
}

TEST_CASE("tokens naming unknown signing keys write nothing and need no write lock", "[sqlite][auth][security]")
{
    test_support::temporary_directory folder;
    const auto path = folder.file("keys.db");
    sqlite_options options;
    options.busy_timeout = std::chrono::milliseconds{200};
    sqlite_store store{path, options};
    testing::fixed_clock time;
    jwt_authenticator auth{store, fast_hashes(), time};  // its keys are stored, so an unknown kid asks the store
    auth.add_user(operator_id{"op"}, "billing", "", "correct horse");
    const auto token = auth.login("billing", "correct horse", "op", std::nullopt).token;
    // The same claims and signature under a header naming a key that does not exist:
    // {"typ":"JWT","alg":"HS256","kid":"0000000000000000"}.
    const auto forged = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiIsImtpZCI6IjAwMDAwMDAwMDAwMDAwMDAifQ" +
                        token.substr(token.find('.'));

    // PRAGMA data_version changes when another connection commits (sqlite.org/pragma.html).
    SQLite::Database watcher{path, SQLite::OPEN_READWRITE};
    const auto commits = [&] { return watcher.execAndGet("PRAGMA data_version").getInt64(); };
    const auto before = commits();
    watcher.exec("BEGIN IMMEDIATE");  // another process writing: a reload that wanted to write would wait, then fail
    for (int i = 0; i < 200; ++i) {
        CHECK(auth.verify(forged).rejection == token_rejection::unknown_key);
        if (i % 50 == 0) time.advance(std::chrono::seconds{1});  // reloads allowed again
    }
    watcher.exec("ROLLBACK");
    CHECK(commits() == before);
    CHECK(auth.verify(token).who);
}
