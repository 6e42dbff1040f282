// Tokens across restarts: what the SQLite store keeps for authentication.
#include "sqlite_fixture.hpp"

#include <netflix_charges/jwt_authenticator.hpp>

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
