#pragma once

// The PostgreSQL store's shared parts: the connection pool, fault translation, and
// transactions retried when they lose a race with another server.

#include <netflix_charges/errors.hpp>
#include <netflix_charges/postgres_store.hpp>

#include "../connection_pool.hpp"
#include "statements.hpp"

#include <pqxx/pqxx>

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

namespace netflix_charges {

struct postgres_store::impl {
    std::string url;
    postgres_options options;

    detail::connection_pool<pqxx::connection> pool{options.connections, [this] {
        try {
            auto conn = std::make_unique<pqxx::connection>(url);
            postgres_detail::prepare_statements(*conn);
            return conn;
        } catch (const std::exception& e) {
            throw storage_failure(e);
        }
    }};

    impl(std::string u, postgres_options o) : url(std::move(u)), options(o) {}

    static error storage_failure(const std::exception& e)
    {
        return error{errc::storage_failure, "", std::string{"PostgreSQL: "} + e.what()};
    }

    std::unique_ptr<pqxx::connection> acquire() { return pool.acquire(); }
    void release(std::unique_ptr<pqxx::connection> conn) { pool.release(std::move(conn)); }
    void discard() { pool.discard(); }

    // Runs `work(connection)` on a pooled connection. A connection that broke (or whose commit
    // is in doubt) is discarded and replaced on next use, and that becomes storage_failure; any
    // other exception propagates, the connection back in the pool.
    template <typename Work>
    auto with_connection(Work work)
    {
        auto conn = acquire();
        try {
            if constexpr (std::is_void_v<decltype(work(*conn))>) {
                work(*conn);
                release(std::move(conn));
            } else {
                auto result = work(*conn);
                release(std::move(conn));
                return result;
            }
        } catch (const pqxx::broken_connection& e) {
            discard();
            throw storage_failure(e);
        } catch (const pqxx::in_doubt_error& e) {
            discard();
            throw storage_failure(e);
        } catch (...) {
            release(std::move(conn));
            throw;
        }
    }

    // Runs `work(transaction)` in one READ COMMITTED transaction and commits; a serialization
    // failure, a deadlock or a unique key taken by a concurrent transaction starts it again from
    // the beginning (up to max_attempts). Other PostgreSQL faults become storage_failure.
    template <typename Work>
    auto transaction(Work work)
    {
        for (int attempt = 1;; ++attempt) {
            try {
                return with_connection([&](pqxx::connection& conn) {
                    pqxx::work tx{conn};
                    if constexpr (std::is_void_v<decltype(work(tx))>) {
                        work(tx);
                        tx.commit();
                    } else {
                        auto result = work(tx);
                        tx.commit();
                        return result;
                    }
                });
            } catch (const pqxx::transaction_rollback& e) {  // serialization failure, deadlock
                if (attempt >= options.max_attempts) throw storage_failure(e);
            } catch (const pqxx::unique_violation& e) {
                if (attempt >= options.max_attempts) throw storage_failure(e);
            } catch (const pqxx::failure& e) {
                throw storage_failure(e);
            }
        }
    }

    // Runs `work(transaction)` without BEGIN and COMMIT (a statement is its own transaction):
    // for reads of one statement. PostgreSQL faults become storage_failure.
    template <typename Work>
    auto read(Work work)
    {
        try {
            return with_connection([&](pqxx::connection& conn) {
                pqxx::nontransaction tx{conn};
                return work(tx);
            });
        } catch (const pqxx::failure& e) {
            throw storage_failure(e);
        }
    }

    // The operator's row id, or nothing when it has none yet.
    static std::optional<std::int64_t> operator_row(pqxx::work& tx, const operator_id& op)
    {
        const auto found = tx.exec_params("SELECT id FROM operators WHERE name = $1", op.value());
        if (found.empty()) return std::nullopt;
        return found[0][0].as<std::int64_t>();
    }

    static std::int64_t create_operator(pqxx::work& tx, const operator_id& op)
    {
        tx.exec_params0("INSERT INTO operators (name) VALUES ($1) ON CONFLICT (name) DO NOTHING", op.value());
        return *operator_row(tx, op);
    }
};

}  // namespace netflix_charges
