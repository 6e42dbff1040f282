// Accounts and tokens on the store under test: users, Web API keys, releases, signing keys.
#include "fixture.hpp"

#include <netflix_charges/jwt_authenticator.hpp>

#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>

using namespace contract;

namespace {

struct auth_fixture : fixture {
    credential_store& credentials = dynamic_cast<credential_store&>(*store);
    jwt_authenticator auth{credentials, fast_hashes(), time};

    static jwt_options fast_hashes()
    {
        jwt_options o;
        o.password_iterations = 1000;  // the default (600,000) is tested once, below
        return o;
    }

    auth_fixture()
    {
        auth.add_user(op, "billing", "unit-1", "correct horse battery");
        auth.add_user(other, "billing", "unit-1", "another password");
    }

    void require_refused(const std::function<void()>& login)
    {
        try {
            login();
            FAIL("logged in");
        } catch (const error& e) {
            CHECK(e.code_value() == errc::invalid_credentials);
            CHECK(e.field().empty());  // the same answer whatever was wrong
        }
    }
};

}  // namespace

TEST_CASE_METHOD(auth_fixture, "a user logs in with user name, password and organisation, unit optional",
                 "[contract][auth]")
{
    for (const auto& unit : {std::optional<std::string>{}, std::optional<std::string>{"unit-1"}}) {
        const auto issued = auth.login("billing", "correct horse battery", "operator-a", unit);
        CHECK(issued.who.organisation() == op);
        CHECK(issued.who.user() == "billing");
        CHECK(issued.who.unit() == "unit-1");
        CHECK(issued.expires_on == time.now() + std::chrono::hours{2});
        const auto checked = auth.verify(issued.token);
        REQUIRE(checked.who);
        CHECK(checked.who->organisation() == op);
    }
}

TEST_CASE_METHOD(auth_fixture, "a wrong user, password, organisation or unit is refused with one answer",
                 "[contract][auth]")
{
    require_refused([&] { auth.login("nobody", "correct horse battery", "operator-a", std::nullopt); });
    require_refused([&] { auth.login("billing", "wrong password", "operator-a", std::nullopt); });
    require_refused([&] { auth.login("billing", "correct horse battery", "operator-x", std::nullopt); });
    require_refused([&] { auth.login("billing", "correct horse battery", "operator-b", std::nullopt); });
    require_refused([&] { auth.login("billing", "correct horse battery", "operator-a", std::string{"unit-2"}); });
    require_refused([&] { auth.login("", "", "", std::nullopt); });
}

TEST_CASE_METHOD(auth_fixture, "a token of one operator sees the other operator's charges as unknown",
                 "[contract][auth][isolation]")
{
    issue_for(other, a_charge("B1"));
    const auto token = auth.login("billing", "correct horse battery", "operator-a", std::nullopt).token;
    const auto who = auth.verify(token).who.value();
    CHECK(codes(service.acknowledge(who, {item("B1")})) == std::vector<std::string>{"2"});
    CHECK(service.list(who, {}).empty());
    CHECK_FALSE(service.find(other, "B1")->acknowledged);
}

TEST_CASE_METHOD(auth_fixture, "passwords are kept only as salted, slow hashes", "[contract][auth]")
{
    const auto a = credentials.find_user(op, "billing").value();
    auth.add_user(op, "second", "", "correct horse battery");
    const auto b = credentials.find_user(op, "second").value();
    CHECK(a.password_hash != b.password_hash);  // same password, different salt
    CHECK(a.password_hash.find("correct horse battery") == std::string::npos);
    CHECK(a.password_hash.rfind("pbkdf2-sha256$1000$", 0) == 0);

    jwt_authenticator defaults{credentials, {}, time};
    defaults.add_user(op, "third", "", "correct horse battery");
    CHECK(credentials.find_user(op, "third")->password_hash.rfind("pbkdf2-sha256$600000$", 0) == 0);
    CHECK(defaults.login("third", "correct horse battery", "operator-a", std::nullopt).who.user() == "third");
}

TEST_CASE_METHOD(auth_fixture, "an unknown user takes about as long as a wrong password", "[contract][auth][timing]")
{
    jwt_options slow;
    slow.password_iterations = 50000;
    jwt_authenticator timed{credentials, slow, time};
    timed.add_user(op, "slow", "", "correct horse battery");
    // The fastest of several alternating tries of each: robust against other work on the machine.
    auto seconds_of = [&](const std::string& user) {
        const auto started = std::chrono::steady_clock::now();
        CHECK_THROWS_AS(timed.login(user, "wrong password", "operator-a", std::nullopt), error);
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    };
    double wrong_password = 1e9;
    double unknown_user = 1e9;
    for (int i = 0; i < 7; ++i) {
        wrong_password = std::min(wrong_password, seconds_of("slow"));
        unknown_user = std::min(unknown_user, seconds_of("nobody"));
    }
    CAPTURE(wrong_password, unknown_user);
    CHECK(unknown_user > wrong_password * 0.5);
    CHECK(unknown_user < wrong_password * 2.0);
}

TEST_CASE_METHOD(auth_fixture, "a user name is unique per operator and a password has at least 8 bytes",
                 "[contract][auth]")
{
    CHECK_THROWS_AS(auth.add_user(op, "billing", "", "yet another one"), error);
    CHECK_THROWS_AS(auth.add_user(op, "new", "", "short"), error);
    CHECK_THROWS_AS(auth.add_user(op, "", "", "long enough"), error);
    CHECK(credentials.find_user(op, "new") == std::nullopt);
}

TEST_CASE_METHOD(auth_fixture, "a Web API key logs in the operator's billing system and is kept only as a digest",
                 "[contract][auth][keys]")
{
    const auto key = auth.create_api_key(op, "unit-1");
    CHECK(key.key.size() >= 40);  // 32 random bytes
    const auto issued = auth.login_with_key(key.key, std::nullopt);
    CHECK(issued.who.organisation() == op);
    CHECK(issued.who.unit() == "unit-1");
    CHECK(auth.login_with_key(key.key, std::string{"unit-1"}).who.organisation() == op);
    require_refused([&] { auth.login_with_key(key.key, std::string{"unit-2"}); });
    require_refused([&] { auth.login_with_key(key.key + "x", std::nullopt); });
    require_refused([&] { auth.login_with_key("", std::nullopt); });

    const auto listed = auth.api_keys(op);
    REQUIRE(listed.size() == 1);
    CHECK(listed[0].key_id == key.key_id);
    CHECK(listed[0].digest != key.key);
    CHECK(listed[0].digest.find(key.key) == std::string::npos);
    CHECK(listed[0].digest.size() == 64);
    CHECK(auth.api_keys(other).empty());
}

TEST_CASE_METHOD(auth_fixture, "a revoked Web API key no longer logs in; another operator cannot revoke it",
                 "[contract][auth][keys]")
{
    const auto key = auth.create_api_key(op, "");
    CHECK_FALSE(auth.revoke_api_key(other, key.key_id));
    CHECK(auth.login_with_key(key.key, std::nullopt).who.organisation() == op);
    CHECK(auth.revoke_api_key(op, key.key_id));
    require_refused([&] { auth.login_with_key(key.key, std::nullopt); });
    CHECK(auth.api_keys(op)[0].revoked_on == time.now());
    CHECK_FALSE(auth.revoke_api_key(op, "no-such-key"));
}

TEST_CASE_METHOD(auth_fixture, "a key of another operator logs in that operator only", "[contract][auth][keys]")
{
    issue_for(op, a_charge("A1"));
    const auto theirs = auth.create_api_key(other, "");
    const auto who = auth.verify(auth.login_with_key(theirs.key, std::nullopt).token).who.value();
    CHECK(who.organisation() == other);
    CHECK(codes(service.acknowledge(who, {item("A1")})) == std::vector<std::string>{"2"});
}

TEST_CASE_METHOD(auth_fixture, "a released token is refused by every authenticator on the store",
                 "[contract][auth]")
{
    const auto token = auth.login("billing", "correct horse battery", "operator-a", std::nullopt).token;
    jwt_authenticator second{credentials, fast_hashes(), time};  // another process on the same store
    REQUIRE(second.verify(token).who);
    auth.release(token);
    CHECK(second.verify(token).rejection == token_rejection::revoked);
    // Once it would have expired anyway, the store forgets it; it stays refused as expired.
    time.advance(std::chrono::hours{3});
    auth.release(auth.login("billing", "correct horse battery", "operator-a", std::nullopt).token);
    CHECK(second.verify(token).rejection == token_rejection::expired);
}

TEST_CASE_METHOD(auth_fixture, "a generated signing key is kept in the store and shared; rotation keeps old tokens",
                 "[contract][auth][keys]")
{
    const auto token = auth.login("billing", "correct horse battery", "operator-a", std::nullopt).token;
    jwt_authenticator restarted{credentials, fast_hashes(), time};
    CHECK(restarted.verify(token).who);

    restarted.rotate_signing_key();
    const auto newer = restarted.login("billing", "correct horse battery", "operator-a", std::nullopt).token;
    CHECK(restarted.verify(token).who);  // signed with the previous key: valid until it expires
    CHECK(auth.verify(newer).who);       // the first instance finds the new key in the store
    CHECK(credentials.signing_keys({"unused", std::string(32, 'u'), time.now()}).size() == 2);
}
