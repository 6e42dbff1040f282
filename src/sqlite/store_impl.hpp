#pragma once

// The SQLite store's shared parts: the connection pool, fault translation, the write lock, the
// operators' row ids, and the cache with the change watch it is kept by. Used by the charge
// and the credential halves of sqlite_store.

#include <netflix_charges/errors.hpp>
#include <netflix_charges/sqlite_store.hpp>

#include "../connection_pool.hpp"
#include "../stamped_cache.hpp"
#include "change_watch.hpp"
#include "connection.hpp"

#include <SQLiteCpp/Exception.h>
#include <sqlite3.h>

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace netflix_charges {

using sqlite_detail::connection;

namespace sqlite_detail {

// After these, a connection may be unusable (the file changed under it): it is closed and a
// new one opened on next use, so the store recovers once the fault is gone.
inline bool breaks_connection(int primary_code)
{
    return primary_code == SQLITE_IOERR || primary_code == SQLITE_READONLY || primary_code == SQLITE_CORRUPT ||
           primary_code == SQLITE_NOTADB || primary_code == SQLITE_CANTOPEN || primary_code == SQLITE_PROTOCOL;
}

// BEGIN IMMEDIATE ... COMMIT, rolled back unless committed.
class immediate_transaction {
public:
    explicit immediate_transaction(SQLite::Database& db) : db_(db) { db_.exec("BEGIN IMMEDIATE"); }
    ~immediate_transaction()
    {
        if (!committed_) db_.tryExec("ROLLBACK");
    }
    immediate_transaction(const immediate_transaction&) = delete;
    immediate_transaction& operator=(const immediate_transaction&) = delete;

    void commit()
    {
        db_.exec("COMMIT");
        committed_ = true;
    }

private:
    SQLite::Database& db_;
    bool committed_ = false;
};

// What `open` makes (or does) on the database at `path`, SQLite's faults translated.
template <typename Open>
auto opened(const std::string& path, Open open)
{
    try {
        return open();
    } catch (const SQLite::Exception& e) {
        throw error{errc::storage_failure, "", path + ": " + e.what()};
    }
}

}  // namespace sqlite_detail

// The store of a database that prepare_database has prepared.
struct sqlite_store::impl {
    std::string path;
    sqlite_options options;

    impl(std::string p, sqlite_options o) : path(std::move(p)), options(o) {}

    detail::connection_pool<connection> pool{options.connections, [this] {
        return sqlite_detail::opened(path, [&] { return std::make_unique<connection>(path, options); });
    }};

    sqlite_detail::change_watch watch{
        sqlite_detail::opened(path, [&] { return sqlite_detail::change_watch{path, options}; })};
    detail::stamped_cache<sqlite_detail::change_stamp> cache;  // under watch's stamps

    std::mutex write_mutex;  // one writer at a time in this process; SQLite locks across processes

    std::mutex operators_mutex;
    std::map<std::string, std::int64_t> operator_rows;  // a row id never changes once given

    // Runs `work` on a pooled connection, translating SQLite's faults to storage_failure.
    template <typename Work>
    auto with_connection(Work work)
    {
        std::unique_ptr<connection> conn = acquire();
        try {
            if constexpr (std::is_void_v<decltype(work(*conn))>) {
                work(*conn);
                release(std::move(conn));
            } else {
                auto result = work(*conn);
                release(std::move(conn));
                return result;
            }
        } catch (const SQLite::Exception& e) {
            if (sqlite_detail::breaks_connection(e.getErrorCode())) discard();
            else release(std::move(conn));
            throw error{errc::storage_failure, "", std::string{"SQLite: "} + e.what()};
        } catch (...) {
            release(std::move(conn));
            throw;
        }
    }

    std::unique_ptr<connection> acquire() { return pool.acquire(); }
    void release(std::unique_ptr<connection> conn) { pool.release(std::move(conn)); }
    void discard() { pool.discard(); }

    // The operator's row, or nothing when it has no charges yet.
    std::optional<std::int64_t> operator_row(connection& conn, const operator_id& op)
    {
        {
            std::lock_guard lock{operators_mutex};
            if (const auto it = operator_rows.find(op.value()); it != operator_rows.end()) return it->second;
        }
        const auto row = conn.find_operator(op.value());
        if (row) remember_operator(op, *row);
        return row;
    }

    void remember_operator(const operator_id& op, std::int64_t row)
    {
        std::lock_guard lock{operators_mutex};
        operator_rows.emplace(op.value(), row);
    }

    // Runs `work(conn)` in one BEGIN IMMEDIATE transaction, one writer at a time in this process.
    template <typename Work>
    void write_transaction(Work work)
    {
        std::lock_guard write_lock{write_mutex};
        with_connection([&](connection& conn) {
            sqlite_detail::immediate_transaction transaction{conn.database()};
            work(conn);
            transaction.commit();
        });
    }

    // The same, for work on one operator: `row_of_operator(create)` gives its row id, creating
    // the row when `create` is true (nothing otherwise, when the operator is new). A created id
    // is remembered only once the transaction committed.
    template <typename Work>
    void write_transaction(const operator_id& op, Work work)
    {
        std::optional<std::int64_t> created;
        write_transaction([&](connection& conn) {
            auto row_of_operator = [&, known = operator_row(conn, op)](bool create) mutable {
                if (!known && create) known = created = conn.insert_operator(op.value());
                return known;
            };
            work(conn, row_of_operator);
        });
        if (created) remember_operator(op, *created);
    }
};

}  // namespace netflix_charges
