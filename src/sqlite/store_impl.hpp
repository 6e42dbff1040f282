#pragma once

// The SQLite store's shared parts: the connection pool, fault translation, the write lock, the
// operators' row ids, and the cache with the change watch it is kept by. Used by the charge
// and the credential halves of sqlite_store.

#include <netflix_charges/errors.hpp>
#include <netflix_charges/sqlite_store.hpp>

#include "../connection_pool.hpp"
#include "../stamped_cache.hpp"
#include "change_watch.hpp"
#include "commit_queue.hpp"
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

    // Writes, one transaction at a time in this process, merged (SQLite locks across processes).
    sqlite_detail::commit_queue writes{options.group_commit};

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

    // The operator's row, or nothing when it has no charges yet. For reads, outside a write's
    // transaction: what they read is committed.
    std::optional<std::int64_t> operator_row(connection& conn, const operator_id& op)
    {
        if (const auto row = remembered_operator(op)) return row;
        const auto row = conn.find_operator(op.value());
        if (row) remember_operator(op, *row);
        return row;
    }

    std::optional<std::int64_t> remembered_operator(const operator_id& op)
    {
        std::lock_guard lock{operators_mutex};
        const auto it = operator_rows.find(op.value());
        return it == operator_rows.end() ? std::nullopt : std::optional<std::int64_t>{it->second};
    }

    void remember_operator(const operator_id& op, std::int64_t row)
    {
        std::lock_guard lock{operators_mutex};
        operator_rows.emplace(op.value(), row);
    }

    // Runs `work(conn)` in a BEGIN IMMEDIATE transaction, one at a time in this process, with
    // the writes that arrive meanwhile (commit_queue.hpp); returns once it has committed.
    template <typename Work>
    void write_transaction(Work work)
    {
        writes.run(work, [&](const auto& body) {
            with_connection([&](connection& conn) {
                sqlite_detail::immediate_transaction transaction{conn.database()};
                body(conn);
                transaction.commit();
            });
        });
    }

    // The same, for work on one operator: `row_of_operator(create)` gives its row id, creating
    // the row when `create` is true (nothing otherwise, when the operator is new). An id read or
    // made inside the transaction is remembered only once it committed: an earlier write of the
    // same group may have made it, and a failed group takes it back.
    template <typename Work>
    void write_transaction(const operator_id& op, Work work)
    {
        std::optional<std::int64_t> row;
        write_transaction([&](connection& conn) {
            row = remembered_operator(op);
            if (!row) row = conn.find_operator(op.value());
            auto row_of_operator = [&](bool create) {
                if (!row && create) row = conn.insert_operator(op.value());
                return row;
            };
            work(conn, row_of_operator);
        });
        if (row) remember_operator(op, *row);
    }
};

}  // namespace netflix_charges
