// The credential_store half of sqlite_store: users, Web API keys, released tokens and signing
// keys (schema migration 2).
#include "store_impl.hpp"

#include <SQLiteCpp/Statement.h>

namespace netflix_charges {

namespace {

std::int64_t seconds_of(timestamp t) { return t.time_since_epoch().count(); }
timestamp time_of(std::int64_t seconds) { return timestamp{std::chrono::seconds{seconds}}; }

api_key_record read_key(SQLite::Statement& row, const operator_id& op)
{
    api_key_record key{row.getColumn(0).getString(), op, row.getColumn(1).getString(), row.getColumn(2).getString(),
                       time_of(row.getColumn(3).getInt64()), std::nullopt};
    if (!row.isColumnNull(4)) key.revoked_on = time_of(row.getColumn(4).getInt64());
    return key;
}

}  // namespace

bool sqlite_store::insert_user(const user_record& user)
{
    bool inserted = false;
    impl_->write_transaction(user.organisation, [&](connection& conn, auto& row_of_operator) {
        SQLite::Statement insert{conn.database(), "INSERT INTO users (operator_id, username, unit, password_hash) "
                                                  "VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING"};
        insert.bind(1, *row_of_operator(true));
        insert.bind(2, user.username);
        insert.bind(3, user.unit);
        insert.bind(4, user.password_hash);
        inserted = insert.exec() == 1;
    });
    return inserted;
}

std::optional<user_record> sqlite_store::find_user(const operator_id& op, const std::string& username)
{
    return impl_->with_connection([&](connection& conn) -> std::optional<user_record> {
        const auto operator_row = impl_->operator_row(conn, op);
        if (!operator_row) return std::nullopt;
        SQLite::Statement select{conn.database(),
                                 "SELECT unit, password_hash FROM users WHERE operator_id = ?1 AND username = ?2"};
        select.bind(1, *operator_row);
        select.bind(2, username);
        if (!select.executeStep()) return std::nullopt;
        return user_record{op, username, select.getColumn(0).getString(), select.getColumn(1).getString()};
    });
}

void sqlite_store::insert_api_key(const api_key_record& key)
{
    impl_->write_transaction(key.organisation, [&](connection& conn, auto& row_of_operator) {
        SQLite::Statement insert{conn.database(), "INSERT INTO api_keys (key_id, operator_id, unit, digest, created_on, "
                                                  "revoked_on) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"};
        insert.bind(1, key.key_id);
        insert.bind(2, *row_of_operator(true));
        insert.bind(3, key.unit);
        insert.bind(4, key.digest);
        insert.bind(5, seconds_of(key.created_on));
        if (key.revoked_on) insert.bind(6, seconds_of(*key.revoked_on));
        insert.exec();
    });
}

std::optional<api_key_record> sqlite_store::find_api_key(const std::string& digest)
{
    return impl_->with_connection([&](connection& conn) -> std::optional<api_key_record> {
        SQLite::Statement select{conn.database(),
                                 "SELECT k.key_id, k.unit, k.digest, k.created_on, k.revoked_on, o.name "
                                 "FROM api_keys k JOIN operators o ON o.id = k.operator_id WHERE k.digest = ?1"};
        select.bind(1, digest);
        if (!select.executeStep()) return std::nullopt;
        return read_key(select, operator_id{select.getColumn(5).getString()});
    });
}

std::vector<api_key_record> sqlite_store::api_keys(const operator_id& op)
{
    return impl_->with_connection([&](connection& conn) {
        std::vector<api_key_record> keys;
        const auto operator_row = impl_->operator_row(conn, op);
        if (!operator_row) return keys;
        SQLite::Statement select{conn.database(), "SELECT key_id, unit, digest, created_on, revoked_on FROM api_keys "
                                                  "WHERE operator_id = ?1 ORDER BY created_on, key_id"};
        select.bind(1, *operator_row);
        while (select.executeStep()) keys.push_back(read_key(select, op));
        return keys;
    });
}

bool sqlite_store::revoke_api_key(const operator_id& op, const std::string& key_id, timestamp on)
{
    bool found = false;
    impl_->write_transaction(op, [&](connection& conn, auto& row_of_operator) {
        const auto operator_row = row_of_operator(false);
        if (!operator_row) return;
        SQLite::Statement revoke{conn.database(), "UPDATE api_keys SET revoked_on = coalesce(revoked_on, ?1) "
                                                  "WHERE operator_id = ?2 AND key_id = ?3"};
        revoke.bind(1, seconds_of(on));
        revoke.bind(2, *operator_row);
        revoke.bind(3, key_id);
        found = revoke.exec() == 1;
    });
    return found;
}

void sqlite_store::revoke_token(const std::string& jti, timestamp expires_on, timestamp now)
{
    impl_->write_transaction([&](connection& conn) {
        SQLite::Statement forget{conn.database(), "DELETE FROM revoked_tokens WHERE expires_on <= ?1"};
        forget.bind(1, seconds_of(now));
        forget.exec();
        SQLite::Statement revoke{conn.database(),
                                 "INSERT INTO revoked_tokens (jti, expires_on) VALUES (?1, ?2) ON CONFLICT DO NOTHING"};
        revoke.bind(1, jti);
        revoke.bind(2, seconds_of(expires_on));
        revoke.exec();
    });
}

bool sqlite_store::is_token_revoked(const std::string& jti)
{
    const auto stamp = impl_->watch.stamp();
    if (impl_->cache.known_unrevoked(stamp, jti)) return false;
    if (impl_->with_connection([&](connection& conn) { return conn.is_token_revoked(jti); })) return true;
    if (impl_->watch.stamp() == stamp) impl_->cache.remember_unrevoked(stamp, jti);  // the cache's rule
    return false;
}

namespace {

std::vector<signing_key_record> stored_signing_keys(SQLite::Database& db)
{
    std::vector<signing_key_record> keys;
    SQLite::Statement select{db, "SELECT kid, secret, created_on FROM signing_keys ORDER BY created_on DESC, rowid DESC"};
    while (select.executeStep()) {
        const auto secret = select.getColumn(1);
        keys.push_back({select.getColumn(0).getString(),
                        std::string{static_cast<const char*>(secret.getBlob()), static_cast<std::size_t>(secret.getBytes())},
                        time_of(select.getColumn(2).getInt64())});
    }
    return keys;
}

}  // namespace

std::vector<signing_key_record> sqlite_store::signing_keys(const signing_key_record& first)
{
    // Read first, and write only into a database without a key: a token naming an unknown key
    // (which any request can send) makes the authenticator ask again, and costs a read.
    auto keys = impl_->with_connection([](connection& conn) { return stored_signing_keys(conn.database()); });
    if (!keys.empty()) return keys;
    impl_->write_transaction([&](connection& conn) {
        SQLite::Statement insert_first{conn.database(), "INSERT INTO signing_keys (kid, secret, created_on) "
                                                        "SELECT ?1, ?2, ?3 WHERE NOT EXISTS (SELECT 1 FROM signing_keys)"};
        insert_first.bind(1, first.kid);
        insert_first.bind(2, first.secret.data(), static_cast<int>(first.secret.size()));
        insert_first.bind(3, seconds_of(first.created_on));
        insert_first.exec();
        keys = stored_signing_keys(conn.database());
    });
    return keys;
}

void sqlite_store::add_signing_key(const signing_key_record& key)
{
    impl_->write_transaction([&](connection& conn) {
        SQLite::Statement insert{conn.database(), "INSERT INTO signing_keys (kid, secret, created_on) VALUES (?1, ?2, ?3)"};
        insert.bind(1, key.kid);
        insert.bind(2, key.secret.data(), static_cast<int>(key.secret.size()));
        insert.bind(3, seconds_of(key.created_on));
        insert.exec();
    });
}

}  // namespace netflix_charges
