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

    // Runs `work(transaction)` in one READ COMMITTED transaction on a pooled connection and
    // commits; a serialization failure, a deadlock or a unique key taken by a concurrent
    // transaction starts it again from the beginning (up to max_attempts). Other faults become
    // storage_failure; a broken connection is closed and replaced on next use.
    template <typename Work>
    auto transaction(Work work)
    {
        for (int attempt = 1;; ++attempt) {
            auto conn = acquire();
            try {
                pqxx::work tx{*conn};
                if constexpr (std::is_void_v<decltype(work(tx))>) {
                    work(tx);
                    tx.commit();
                    release(std::move(conn));
                    return;
                } else {
                    auto result = work(tx);
                    tx.commit();
                    release(std::move(conn));
                    return result;
                }
            } catch (const pqxx::broken_connection& e) {
                discard();
                throw storage_failure(e);
            } catch (const pqxx::in_doubt_error& e) {
                discard();
                throw storage_failure(e);
            } catch (const pqxx::transaction_rollback& e) {  // serialization failure, deadlock
                release(std::move(conn));
                if (attempt >= options.max_attempts) throw storage_failure(e);
            } catch (const pqxx::unique_violation& e) {
                release(std::move(conn));
                if (attempt >= options.max_attempts) throw storage_failure(e);
            } catch (const pqxx::failure& e) {
                release(std::move(conn));
                throw storage_failure(e);
            } catch (...) {
                release(std::move(conn));
                throw;
            }
        }
    }

    // Runs `work(transaction)` on a pooled connection without BEGIN and COMMIT (one statement is
    // its own transaction): for reads of one statement. Faults become storage_failure.
    template <typename Work>
    auto read(Work work)
    {
        auto conn = acquire();
        try {
            pqxx::nontransaction tx{*conn};
            auto result = work(tx);
            release(std::move(conn));
            return result;
        } catch (const pqxx::broken_connection& e) {
            discard();
            throw storage_failure(e);
        } catch (const pqxx::failure& e) {
            release(std::move(conn));
            throw storage_failure(e);
        } catch (...) {
            release(std::move(conn));
            throw;
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
