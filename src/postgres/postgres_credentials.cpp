// The credential_store half of postgres_store: users, Web API keys, released tokens and
// signing keys (schema migration 2), shared by every server on the database.
#include "store_impl.hpp"

namespace netflix_charges {

namespace {

std::int64_t seconds_of(timestamp t) { return t.time_since_epoch().count(); }
timestamp time_of(std::int64_t seconds) { return timestamp{std::chrono::seconds{seconds}}; }

api_key_record read_key(const pqxx::row& row, const operator_id& op)
{
    api_key_record key{row[0].as<std::string>(), op, row[1].as<std::string>(), row[2].as<std::string>(),
                       time_of(row[3].as<std::int64_t>()), std::nullopt};
    if (!row[4].is_null()) key.revoked_on = time_of(row[4].as<std::int64_t>());
    return key;
}

}  // namespace

bool postgres_store::insert_user(const user_record& user)
{
    return impl_->transaction([&](pqxx::work& tx) {
        const auto row = impl::create_operator(tx, user.organisation);
        return tx
                   .exec_params("INSERT INTO users (operator_id, username, unit, password_hash) VALUES ($1, $2, $3, $4) "
                                "ON CONFLICT DO NOTHING",
                                row, user.username, user.unit, user.password_hash)
                   .affected_rows() == 1;
    });
}

std::optional<user_record> postgres_store::find_user(const operator_id& op, const std::string& username)
{
    return impl_->read([&](pqxx::transaction_base& tx) -> std::optional<user_record> {
        const auto rows = tx.exec_params("SELECT u.unit, u.password_hash FROM users u JOIN operators o ON o.id = u.operator_id "
                                         "WHERE o.name = $1 AND u.username = $2",
                                         op.value(), username);
        if (rows.empty()) return std::nullopt;
        return user_record{op, username, rows[0][0].as<std::string>(), rows[0][1].as<std::string>()};
    });
}

void postgres_store::insert_api_key(const api_key_record& key)
{
    impl_->transaction([&](pqxx::work& tx) {
        const auto row = impl::create_operator(tx, key.organisation);
        std::optional<std::int64_t> revoked;
        if (key.revoked_on) revoked = seconds_of(*key.revoked_on);
        tx.exec_params0("INSERT INTO api_keys (key_id, operator_id, unit, digest, created_on, revoked_on) "
                        "VALUES ($1, $2, $3, $4, $5, $6)",
                        key.key_id, row, key.unit, key.digest, seconds_of(key.created_on), revoked);
    });
}

std::optional<api_key_record> postgres_store::find_api_key(const std::string& digest)
{
    return impl_->read([&](pqxx::transaction_base& tx) -> std::optional<api_key_record> {
        const auto rows = tx.exec_params("SELECT k.key_id, k.unit, k.digest, k.created_on, k.revoked_on, o.name "
                                         "FROM api_keys k JOIN operators o ON o.id = k.operator_id WHERE k.digest = $1",
                                         digest);
        if (rows.empty()) return std::nullopt;
        return read_key(rows[0], operator_id{rows[0][5].as<std::string>()});
    });
}

std::vector<api_key_record> postgres_store::api_keys(const operator_id& op)
{
    return impl_->read([&](pqxx::transaction_base& tx) {
        std::vector<api_key_record> keys;
        const auto rows = tx.exec_params("SELECT k.key_id, k.unit, k.digest, k.created_on, k.revoked_on FROM api_keys k "
                                         "JOIN operators o ON o.id = k.operator_id WHERE o.name = $1 "
                                         "ORDER BY k.created_on, k.key_id",
                                         op.value());
        for (const auto& row : rows) keys.push_back(read_key(row, op));
        return keys;
    });
}

bool postgres_store::revoke_api_key(const operator_id& op, const std::string& key_id, timestamp on)
{
    return impl_->transaction([&](pqxx::work& tx) {
        return tx
                   .exec_params("UPDATE api_keys k SET revoked_on = coalesce(k.revoked_on, $1) FROM operators o "
                                "WHERE o.id = k.operator_id AND o.name = $2 AND k.key_id = $3",
                                seconds_of(on), op.value(), key_id)
                   .affected_rows() == 1;
    });
}

void postgres_store::revoke_token(const std::string& jti, timestamp expires_on, timestamp now)
{
    impl_->transaction([&](pqxx::work& tx) {
        tx.exec_params0("DELETE FROM revoked_tokens WHERE expires_on <= $1", seconds_of(now));
        tx.exec_params0("INSERT INTO revoked_tokens (jti, expires_on) VALUES ($1, $2) ON CONFLICT DO NOTHING", jti,
                        seconds_of(expires_on));
    });
}

bool postgres_store::is_token_revoked(const std::string& jti)
{
    return impl_->read(
        [&](pqxx::transaction_base& tx) { return !tx.exec_prepared(postgres_detail::revoked_statement, jti).empty(); });
}

namespace {

std::vector<signing_key_record> stored_signing_keys(pqxx::transaction_base& tx)
{
    std::vector<signing_key_record> keys;
    for (const auto& row : tx.exec("SELECT kid, secret, created_on FROM signing_keys ORDER BY created_on DESC, id DESC"))
        keys.push_back({row[0].as<std::string>(), pqxx::binarystring{row[1]}.str(), time_of(row[2].as<std::int64_t>())});
    return keys;
}

}  // namespace

std::vector<signing_key_record> postgres_store::signing_keys(const signing_key_record& first)
{
    // Read first, and lock and write only a database without a key: a token naming an unknown
    // key (which any request can send) makes the authenticator ask again, and costs a read.
    auto keys = impl_->read([](pqxx::transaction_base& tx) { return stored_signing_keys(tx); });
    if (!keys.empty()) return keys;
    return impl_->transaction([&](pqxx::work& tx) {
        tx.exec0("LOCK TABLE signing_keys IN SHARE ROW EXCLUSIVE MODE");  // the first server to start wins
        tx.exec_params0("INSERT INTO signing_keys (kid, secret, created_on) SELECT $1, $2, $3 "
                        "WHERE NOT EXISTS (SELECT 1 FROM signing_keys)",
                        first.kid, pqxx::binarystring{first.secret}, seconds_of(first.created_on));
        return stored_signing_keys(tx);
    });
}

void postgres_store::add_signing_key(const signing_key_record& key)
{
    impl_->transaction([&](pqxx::work& tx) {
        tx.exec_params0("INSERT INTO signing_keys (kid, secret, created_on) VALUES ($1, $2, $3)", key.kid,
                        pqxx::binarystring{key.secret}, seconds_of(key.created_on));
    });
}

}  // namespace netflix_charges
