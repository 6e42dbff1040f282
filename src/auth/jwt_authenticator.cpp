#include <netflix_charges/errors.hpp>
#include <netflix_charges/jwt_authenticator.hpp>
#include <netflix_charges/limits.hpp>

#include "../validation.hpp"
#include "crypto.hpp"
#include "jwt.hpp"
#include "password_hash.hpp"
#include "verified_token_cache.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <mutex>
#include <thread>

namespace netflix_charges {

namespace {

constexpr std::size_t min_secret_length = 32;
constexpr std::size_t min_password_length = 8;
constexpr std::string_view api_key_prefix = "nck_";

std::int64_t seconds_of(timestamp t) { return t.time_since_epoch().count(); }

// The same answer whatever was wrong, so that nobody learns which part was right.
[[noreturn]] void refuse_password_login()
{
    throw error{errc::invalid_credentials, "", "The user name, password, organisation or unit is not right"};
}
[[noreturn]] void refuse_key_login()
{
    throw error{errc::invalid_credentials, "", "The Web API key is unknown or revoked, or the unit is not the key's"};
}

}  // namespace

struct jwt_authenticator::impl {
    credential_store& store;
    jwt_options options;
    const clock& time;

    std::mutex keys_mutex;
    std::vector<signing_key_record> keys;  // newest first: keys.front() signs
    std::mutex reload_mutex;
    std::optional<timestamp> last_reload;  // for an unknown kid
    std::atomic<std::size_t> password_checks{0};  // running now
    const std::size_t password_checks_at_once =
        options.password_checks_at_once > 0 ? options.password_checks_at_once
                                            : std::max<std::size_t>(1, std::thread::hardware_concurrency() / 2);
    verified_token_cache verified;

    impl(credential_store& s, jwt_options o, const clock& t) : store(s), options(std::move(o)), time(t) {}

    void log(log_level level, const std::string& message) const
    {
        if (options.log) options.log(level, message);
    }

    void load_keys()
    {
        std::vector<signing_key_record> loaded;
        if (!options.signing_keys.empty()) {
            for (const auto& k : options.signing_keys) loaded.push_back({k.kid, k.secret, time.now()});
        } else {
            loaded = store.signing_keys({crypto::to_hex(crypto::random_bytes(8)), crypto::random_bytes(32), time.now()});
        }
        std::lock_guard lock{keys_mutex};
        keys = std::move(loaded);
    }

    std::optional<std::string> secret_for(const std::optional<std::string>& kid, bool reload_when_unknown)
    {
        {
            std::lock_guard lock{keys_mutex};
            if (!kid) return keys.front().secret;  // a token without kid: the current key
            for (const auto& k : keys)
                if (k.kid == *kid) return k.secret;
        }
        // Another process may have rotated the stored keys since they were loaded.
        if (reload_when_unknown && options.signing_keys.empty() && may_reload()) {
            load_keys();
            return secret_for(kid, false);
        }
        return std::nullopt;
    }

    // An unknown kid reloads the keys at most once a second of the clock: another process's
    // rotation is seen within a second, and tokens with made-up kids cost one read a second.
    bool may_reload()
    {
        const timestamp now = time.now();
        std::lock_guard lock{reload_mutex};
        if (last_reload && now < *last_reload + std::chrono::seconds{1}) return false;
        last_reload = now;
        return true;
    }

    // A slot for one password check while it lives, or errc::server_busy when all are taken.
    class password_check_slot {
    public:
        explicit password_check_slot(impl& owner) : running_(owner.password_checks)
        {
            if (running_.fetch_add(1) >= owner.password_checks_at_once) {
                running_.fetch_sub(1);
                owner.log(log_level::warning, "login refused: every password check slot is busy");
                throw error{errc::server_busy, "", "every password check slot is busy"};
            }
        }
        ~password_check_slot() { running_.fetch_sub(1); }
        password_check_slot(const password_check_slot&) = delete;
        password_check_slot& operator=(const password_check_slot&) = delete;

    private:
        std::atomic<std::size_t>& running_;
    };


    issued_token issue(identity who)
    {
        signing_key_record key;
        {
            std::lock_guard lock{keys_mutex};
            key = keys.front();
        }
        const timestamp now = time.now();
        const timestamp expires = now + options.lifetime;
        jwt::claims c{who.user(), who.organisation().value(), who.unit(), seconds_of(now), seconds_of(expires),
                      crypto::to_hex(crypto::random_bytes(16))};
        std::transform(c.jti.begin(), c.jti.end(), c.jti.begin(), [](char ch) { return static_cast<char>(std::toupper(ch)); });
        return {jwt::encode(c, key.kid, key.secret), std::move(who), expires};
    }

    // Verifies and also returns the token's jti and expiry (for release).
    token_check check(std::string_view token, std::string* jti = nullptr, timestamp* expires = nullptr)
    {
        auto known = verified.find(token);
        if (!known) {
            auto decoded = jwt::decode(token, [&](const auto& kid) { return secret_for(kid, true); });
            if (decoded.rejection != token_rejection::none) return {std::nullopt, decoded.rejection};
            verified.remember(token, decoded.values);
            known = std::move(decoded.values);
        }
        const auto& c = *known;
        const std::int64_t now = seconds_of(time.now());
        if (c.exp <= now) return {std::nullopt, token_rejection::expired};
        if (c.iat > now + options.clock_skew.count()) return {std::nullopt, token_rejection::issued_in_future};
        if (store.is_token_revoked(c.jti)) return {std::nullopt, token_rejection::revoked};
        if (jti) *jti = c.jti;
        if (expires) *expires = timestamp{std::chrono::seconds{c.exp}};
        return {authenticator::verified(c.usr, operator_id{c.org}, c.oun), token_rejection::none};
    }
};

jwt_authenticator::jwt_authenticator(credential_store& store, jwt_options options, const clock& time_source)
    : impl_(std::make_unique<impl>(store, std::move(options), time_source))
{
    for (const auto& k : impl_->options.signing_keys) {
        validation::check_text("signing key id", k.kid, limits::max_reference_length);
        if (k.secret.size() < min_secret_length)
            throw error{errc::invalid_parameter, "signing key",
                        fmt::format("needs a secret of at least {} bytes", min_secret_length)};
    }
    if (impl_->options.lifetime.count() <= 0) throw error{errc::invalid_parameter, "lifetime", "must be positive"};
    if (impl_->options.password_iterations < 1)
        throw error{errc::invalid_parameter, "password_iterations", "must be positive"};
    impl_->load_keys();
}

jwt_authenticator::~jwt_authenticator() = default;

const clock& jwt_authenticator::default_clock()
{
    static const system_clock instance;
    return instance;
}

issued_token jwt_authenticator::login(const std::string& username, const std::string& password,
                                      const std::string& organisation, const std::optional<std::string>& unit)
{
    const impl::password_check_slot slot{*impl_};
    const auto user = username.empty() || organisation.empty() ? std::nullopt
                                                               : impl_->store.find_user(operator_id{organisation}, username);
    if (!user) {
        password_hash::waste_time_like(impl_->options.password_iterations);  // as long as a wrong password
        impl_->log(log_level::info, "login refused: unknown user or organisation");
        refuse_password_login();
    }
    const bool password_ok = password_hash::verify(password, user->password_hash);
    if (!password_ok || (unit && *unit != user->unit)) {
        impl_->log(log_level::info, "login refused for user " + username + " of " + organisation +
                                        (password_ok ? ": wrong unit" : ": wrong password"));
        refuse_password_login();
    }
    return impl_->issue(verified(user->username, user->organisation, user->unit));
}

issued_token jwt_authenticator::login_with_key(const std::string& web_api_key, const std::optional<std::string>& unit)
{
    const auto key = web_api_key.empty() ? std::nullopt
                                         : impl_->store.find_api_key(crypto::to_hex(crypto::sha256(web_api_key)));
    if (!key || key->revoked_on || (unit && *unit != key->unit)) {
        impl_->log(log_level::info, key ? "key login refused for key " + key->key_id : "key login refused: unknown key");
        refuse_key_login();
    }
    return impl_->issue(verified("api-key:" + key->key_id, key->organisation, key->unit));
}

token_check jwt_authenticator::verify(std::string_view token)
{
    auto result = impl_->check(token);
    if (result.rejection != token_rejection::none)
        impl_->log(log_level::info, "token refused: " + std::string{to_string(result.rejection)});
    return result;
}

void jwt_authenticator::release(std::string_view token)
{
    std::string jti;
    timestamp expires;
    const auto result = impl_->check(token, &jti, &expires);
    if (!result.who) throw token_refusal(result.rejection);
    impl_->store.revoke_token(jti, expires, impl_->time.now());
}

void jwt_authenticator::add_user(const operator_id& op, const std::string& username, const std::string& unit,
                                 const std::string& password)
{
    validation::check_operator(op);
    validation::check_text("username", username, limits::max_customer_length);
    if (!unit.empty()) validation::check_text("unit", unit, limits::max_customer_length);
    if (password.size() < min_password_length)
        throw error{errc::invalid_parameter, "password",
                    fmt::format("must be at least {} bytes long", min_password_length)};
    const user_record user{op, username, unit, password_hash::make(password, impl_->options.password_iterations)};
    if (!impl_->store.insert_user(user))
        throw error{errc::invalid_parameter, "username", "is taken: the operator already has a user " + username};
}

new_api_key jwt_authenticator::create_api_key(const operator_id& op, const std::string& unit)
{
    validation::check_operator(op);
    if (!unit.empty()) validation::check_text("unit", unit, limits::max_customer_length);
    const std::string key = std::string{api_key_prefix} + crypto::base64url_encode(crypto::random_bytes(32));
    const std::string digest = crypto::to_hex(crypto::sha256(key));
    api_key_record record{digest.substr(0, 16), op, unit, digest, impl_->time.now(), std::nullopt};
    impl_->store.insert_api_key(record);
    return {record.key_id, key};
}

std::vector<api_key_record> jwt_authenticator::api_keys(const operator_id& op)
{
    validation::check_operator(op);
    return impl_->store.api_keys(op);
}

bool jwt_authenticator::revoke_api_key(const operator_id& op, const std::string& key_id)
{
    validation::check_operator(op);
    return impl_->store.revoke_api_key(op, key_id, impl_->time.now());
}

void jwt_authenticator::rotate_signing_key()
{
    if (!impl_->options.signing_keys.empty())
        throw error{errc::invalid_parameter, "signing_keys", "are configured: rotate them in the configuration"};
    impl_->store.add_signing_key({crypto::to_hex(crypto::random_bytes(8)), crypto::random_bytes(32), impl_->time.now()});
    impl_->load_keys();
}

}  // namespace netflix_charges
