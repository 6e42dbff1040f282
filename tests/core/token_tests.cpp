// The built-in authenticator's token checks: every rejection reason, tampering, the seed token.
#include <netflix_charges/jwt_authenticator.hpp>
#include <netflix_charges/testing.hpp>

#include "crypto.hpp"
#include "jwt.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <type_traits>

using namespace netflix_charges;
using netflix_charges::testing::at;

// An identity comes from an authenticator that verified a token, or by name from a host that
// authenticated its caller itself; loose strings (a request's fields) never make one.
static_assert(!std::is_aggregate_v<identity>);
static_assert(!std::is_constructible_v<identity, std::string, operator_id, std::string>);
static_assert(!std::is_constructible_v<identity, const char*, operator_id, const char*>);

namespace {

// The seed document's example token (CRM.COM's acknowledge page).
const std::string seed_token =
    "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJ1c3IiOiJNUEFkbWluaXN0cmF0b3IiLCJvcmciOiJwc19kZXYiLCJvdW4iOiIxIiwiZXhwIjoiMTQ4"
    "ODI5OTQwMiIsImlhdCI6IjE0ODgyOTIyMDIiLCJqdGkiOiJFNEIyNTdDNDA2NUE0NTA3OTYzNkI3NkI2MDUwMzY5QSJ9.KhMhy4Sz2iG0g14Sv_pUpE0"
    "KFweKsicf9aR44mg0vuE";

const std::string secret(32, 's');

struct token_fixture {
    testing::fixed_clock time{at("2026-06-01T12:00:00")};
    memory_store store;
    jwt_authenticator auth{store, options(), time};
    std::string token;

    static jwt_options options()
    {
        jwt_options o;
        o.signing_keys = {{"k1", secret}};
        o.password_iterations = 1000;
        return o;
    }

    token_fixture()
    {
        auth.add_user(operator_id{"ps_dev"}, "billing", "1", "correct horse");
        token = auth.login("billing", "correct horse", "ps_dev", std::nullopt).token;
    }

    std::int64_t now() const { return time.now().time_since_epoch().count(); }

    // A token with the given header and payload JSON, signed with HS256 under `key`.
    static std::string forge(const std::string& header, const std::string& payload, const std::string& key = secret)
    {
        const auto input = crypto::base64url_encode(header) + "." + crypto::base64url_encode(payload);
        return input + "." + crypto::base64url_encode(crypto::hmac_sha256(key, input));
    }

    std::string payload(std::int64_t iat, std::int64_t exp) const
    {
        return R"({"usr":"billing","org":"ps_dev","oun":"1","iat":)" + std::to_string(iat) + R"(,"exp":)" +
               std::to_string(exp) + R"(,"jti":"J1"})";
    }

    token_rejection rejection_of(const std::string& t) { return auth.verify(t).rejection; }
};

const std::string hs256_header = R"({"alg":"HS256","typ":"JWT","kid":"k1"})";

}  // namespace

TEST_CASE("the seed's example token parses to its claims and is refused for its signature", "[auth][seed]")
{
    const auto claims = jwt::read_claims_unverified(seed_token);
    REQUIRE(claims);
    CHECK(claims->usr == "MPAdministrator");
    CHECK(claims->org == "ps_dev");
    CHECK(claims->oun == "1");
    CHECK(claims->iat == 1488292202);  // a numeric string in the seed
    CHECK(claims->exp == 1488299402);
    CHECK(claims->exp - claims->iat == 7200);
    CHECK(claims->jti == "E4B257C4065A45079636B76B6050369A");

    testing::fixed_clock then{timestamp{std::chrono::seconds{1488292300}}};  // while it was valid
    memory_store store;
    jwt_authenticator auth{store, {}, then};
    CHECK(auth.verify(seed_token).rejection == token_rejection::bad_signature);
}

TEST_CASE_METHOD(token_fixture, "an issued token carries CRM.COM's claims and lives two hours", "[auth][token]")
{
    const auto claims = jwt::read_claims_unverified(token);
    REQUIRE(claims);
    CHECK(claims->usr == "billing");
    CHECK(claims->org == "ps_dev");
    CHECK(claims->oun == "1");
    CHECK(claims->iat == now());
    CHECK(claims->exp == now() + 7200);
    CHECK(claims->jti.size() == 32);

    const auto ok = auth.verify(token);
    REQUIRE(ok.who);
    CHECK(ok.who->user() == "billing");
    CHECK(ok.who->organisation() == operator_id{"ps_dev"});
    CHECK(ok.who->unit() == "1");

    time.advance(std::chrono::seconds{7199});
    CHECK(auth.verify(token).who);
    time.advance(std::chrono::seconds{1});
    CHECK(rejection_of(token) == token_rejection::expired);
}

TEST_CASE_METHOD(token_fixture, "iat and exp are accepted as numbers or as numeric strings", "[auth][token]")
{
    const auto t = now();
    CHECK(auth.verify(forge(hs256_header, payload(t, t + 60))).who);
    const auto as_strings = R"({"usr":"u","org":"ps_dev","oun":1,"iat":")" + std::to_string(t) + R"(","exp":")" +
                            std::to_string(t + 60) + R"(","jti":"J2"})";
    const auto ok = auth.verify(forge(hs256_header, as_strings));
    REQUIRE(ok.who);
    CHECK(ok.who->unit() == "1");
    CHECK(rejection_of(forge(hs256_header, R"({"usr":"u","org":"o","oun":"1","iat":"12x","exp":"99999999999","jti":"J"})")) ==
          token_rejection::malformed);
}

TEST_CASE_METHOD(token_fixture, "iat and exp may be non-integer NumericDates (RFC 7519), their fraction dropped",
                 "[auth][token]")
{
    const auto t = now();
    const auto with = [&](const std::string& iat, const std::string& exp) {
        return forge(hs256_header, R"({"usr":"u","org":"ps_dev","oun":"1","iat":)" + iat + R"(,"exp":)" + exp + R"(,"jti":"F1"})");
    };
    CHECK(auth.verify(with(std::to_string(t) + ".25", std::to_string(t + 7200) + ".75")).who);
    CHECK(auth.verify(with(std::to_string(t) + ".0", "1.0e10")).who);  // exponent form, as some encoders write
    CHECK(rejection_of(with(std::to_string(t - 10) + ".5", std::to_string(t - 1) + ".5")) == token_rejection::expired);
    CHECK(rejection_of(with(std::to_string(t) + ".5", "-1.5")) == token_rejection::expired);  // as -2 would be
    CHECK(rejection_of(with(std::to_string(t) + ".5", "1e300")) == token_rejection::malformed);
}

TEST_CASE_METHOD(token_fixture, "each kind of bad token is refused, for its own reason", "[auth][token]")
{
    const auto t = now();
    const auto good_payload = payload(t, t + 60);
    struct bad_case {
        std::string token;
        token_rejection reason;
    };
    const auto none_token =
        crypto::base64url_encode(R"({"alg":"none","typ":"JWT"})") + "." + crypto::base64url_encode(good_payload) + ".";
    const auto hs512_input =
        crypto::base64url_encode(R"({"alg":"HS512","typ":"JWT","kid":"k1"})") + "." + crypto::base64url_encode(good_payload);
    const std::vector<bad_case> cases{
        {"", token_rejection::wrong_part_count},
        {"abc", token_rejection::wrong_part_count},
        {"a.b", token_rejection::wrong_part_count},
        {"a.b.c.d", token_rejection::wrong_part_count},
        {token + ".", token_rejection::wrong_part_count},
        {"e30.e30.a+b", token_rejection::bad_base64url},
        {"e30=.e30.abc", token_rejection::bad_base64url},
        {"..", token_rejection::bad_base64url},
        {crypto::base64url_encode("not json") + ".e30.abc", token_rejection::malformed},
        {crypto::base64url_encode("[1,2]") + ".e30.abc", token_rejection::malformed},
        {none_token, token_rejection::unsupported_algorithm},
        {hs512_input + "." + crypto::base64url_encode(crypto::hmac_sha256(secret, hs512_input)),
         token_rejection::unsupported_algorithm},
        {forge(R"({"typ":"JWT","kid":"k1"})", good_payload), token_rejection::unsupported_algorithm},
        {forge(R"({"alg":"hs256","kid":"k1"})", good_payload), token_rejection::unsupported_algorithm},
        {forge(R"({"alg":"HS256","kid":"other"})", good_payload), token_rejection::unknown_key},
        {forge(hs256_header, good_payload, std::string(32, 'x')), token_rejection::bad_signature},
        {forge(hs256_header, payload(t - 7200, t)), token_rejection::expired},
        {forge(hs256_header, payload(t + 61, t + 7200)), token_rejection::issued_in_future},
        {forge(hs256_header, R"({"org":"ps_dev","oun":"1","iat":1,"exp":99999999999,"jti":"J"})"), token_rejection::malformed},
        {forge(hs256_header, R"({"usr":"u","org":"","oun":"1","iat":1,"exp":99999999999,"jti":"J"})"), token_rejection::malformed},
        {forge(hs256_header, R"({"usr":"u","org":"o","oun":"1","iat":1,"exp":99999999999})"), token_rejection::malformed},
        {forge(hs256_header, "not json"), token_rejection::malformed},
    };
    for (const auto& c : cases) {
        CAPTURE(c.token);
        const auto result = auth.verify(c.token);
        CHECK_FALSE(result.who);
        CHECK(result.rejection == c.reason);
    }
    // Within the allowed skew, a token from a clock a little ahead is fine.
    CHECK(auth.verify(forge(hs256_header, payload(t + 60, t + 7200))).who);
}

TEST_CASE_METHOD(token_fixture, "a token with any byte of its header, payload or signature changed is refused",
                 "[auth][token]")
{
    REQUIRE(auth.verify(token).who);
    int refused = 0;
    for (std::size_t i = 0; i < token.size(); ++i) {
        if (token[i] == '.') continue;
        for (char replacement : {'A', 'x', '_'}) {
            if (token[i] == replacement) continue;
            auto tampered = token;
            tampered[i] = replacement;
            CAPTURE(i, tampered);
            CHECK_FALSE(auth.verify(tampered).who);
            ++refused;
        }
    }
    CHECK(refused > 3 * 100);
}

TEST_CASE_METHOD(token_fixture, "a released token stops working at once and cannot be released again",
                 "[auth][token]")
{
    auth.release(token);
    CHECK(rejection_of(token) == token_rejection::revoked);
    CHECK_THROWS_AS(auth.release(token), error);
    CHECK_THROWS_AS(auth.release("not a token"), error);
    const auto fresh = auth.login("billing", "correct horse", "ps_dev", std::nullopt).token;
    CHECK(auth.verify(fresh).who);  // releasing one token leaves the others
}

TEST_CASE("a configured previous key keeps its tokens valid while the new one signs", "[auth][keys]")
{
    testing::fixed_clock time;
    memory_store store;
    jwt_options before;
    before.signing_keys = {{"2026-01", std::string(32, 'a')}};
    before.password_iterations = 1000;
    jwt_authenticator old_auth{store, before, time};
    old_auth.add_user(operator_id{"op"}, "u", "", "password1");
    const auto old_token = old_auth.login("u", "password1", "op", std::nullopt).token;

    jwt_options rotated = before;
    rotated.signing_keys = {{"2026-02", std::string(32, 'b')}, {"2026-01", std::string(32, 'a')}};
    jwt_authenticator new_auth{store, rotated, time};
    CHECK(new_auth.verify(old_token).who);
    const auto new_token = new_auth.login("u", "password1", "op", std::nullopt).token;
    CHECK(old_auth.verify(new_token).rejection == token_rejection::unknown_key);

    jwt_options dropped = before;
    dropped.signing_keys = {{"2026-02", std::string(32, 'b')}};
    jwt_authenticator later{store, dropped, time};
    CHECK(later.verify(old_token).rejection == token_rejection::unknown_key);
}

TEST_CASE("a configured secret shorter than 32 bytes is refused", "[auth][keys]")
{
    memory_store store;
    jwt_options o;
    o.signing_keys = {{"k", "short"}};
    CHECK_THROWS_AS(jwt_authenticator(store, o), error);
}

TEST_CASE("base64url decoding accepts only the canonical form", "[auth][crypto]")
{
    CHECK(crypto::base64url_decode("") == std::string{});
    CHECK(crypto::base64url_decode("Zm9v") == std::string{"foo"});
    CHECK(crypto::base64url_decode("Zm8") == std::string{"fo"});
    CHECK(crypto::base64url_decode("_-8") == std::string{"\xFF\xEF"});
    CHECK_FALSE(crypto::base64url_decode("Zm9="));
    CHECK_FALSE(crypto::base64url_decode("Zm9"));  // "fo" with stray bits set: only "Zm8" is canonical
    CHECK_FALSE(crypto::base64url_decode("Z"));
    CHECK_FALSE(crypto::base64url_decode("Zm+v"));
    CHECK_FALSE(crypto::base64url_decode("Zm/v"));
    CHECK(crypto::base64url_encode(std::string{"\xFF\xEF"}) == "_-8");
}

namespace {

// A credential store that counts how often the signing keys are read.
struct key_reads_counted final : credential_store {
    memory_store inner;
    int signing_key_reads = 0;

    bool insert_user(const user_record& user) override { return inner.insert_user(user); }
    std::optional<user_record> find_user(const operator_id& op, const std::string& name) override
    {
        return inner.find_user(op, name);
    }
    void insert_api_key(const api_key_record& key) override { inner.insert_api_key(key); }
    std::optional<api_key_record> find_api_key(const std::string& digest) override { return inner.find_api_key(digest); }
    std::vector<api_key_record> api_keys(const operator_id& op) override { return inner.api_keys(op); }
    bool revoke_api_key(const operator_id& op, const std::string& id, timestamp on) override
    {
        return inner.revoke_api_key(op, id, on);
    }
    void revoke_token(const std::string& jti, timestamp expires, timestamp now) override
    {
        inner.revoke_token(jti, expires, now);
    }
    bool is_token_revoked(const std::string& jti) override { return inner.is_token_revoked(jti); }
    std::vector<signing_key_record> signing_keys(const signing_key_record& first) override
    {
        ++signing_key_reads;
        return inner.signing_keys(first);
    }
    void add_signing_key(const signing_key_record& key) override { inner.add_signing_key(key); }
};

}  // namespace

TEST_CASE("an unknown kid reloads the stored keys at most once a second", "[auth][keys][security]")
{
    testing::fixed_clock time{at("2026-06-01T12:00:00")};
    key_reads_counted store;
    jwt_options o;
    o.password_iterations = 1000;
    jwt_authenticator auth{store, o, time};
    const int at_start = store.signing_key_reads;
    const auto forged = token_fixture::forge(R"({"alg":"HS256","typ":"JWT","kid":"made-up"})",
                                             R"({"usr":"u","org":"o","oun":"","iat":1,"exp":2,"jti":"J"})");
    for (int i = 0; i < 100; ++i) CHECK(auth.verify(forged).rejection == token_rejection::unknown_key);
    CHECK(store.signing_key_reads == at_start + 1);
    time.advance(std::chrono::seconds{1});
    for (int i = 0; i < 100; ++i) CHECK(auth.verify(forged).rejection == token_rejection::unknown_key);
    CHECK(store.signing_key_reads == at_start + 2);

    // A key another process adds is found once a second has passed since the last reload.
    jwt_authenticator other{store, o, time};
    other.rotate_signing_key();
    const auto newer = other.login_with_key(other.create_api_key(operator_id{"op"}, "").key, std::nullopt).token;
    CHECK(auth.verify(newer).rejection == token_rejection::unknown_key);  // within the same second
    time.advance(std::chrono::seconds{1});
    CHECK(auth.verify(newer).who);
}

