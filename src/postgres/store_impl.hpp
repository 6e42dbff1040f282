#pragma once

// The PostgreSQL store's shared parts: the connection pool, fault translation, and
// transactions retried when they lose a race with another server.

#include <netflix_charges/errors.hpp>
#include <netflix_charges/postgres_store.hpp>

#include "../connection_pool.hpp"
#include "statements.hpp"

#include <pqxx/pqxx>

#include <memory>
#include <chrono>
#include <mutex>
#include <thread>
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

    // Whether a statement failed because the server went away: a shutdown or restart
    // (SQLSTATE class 57P, operator intervention) or a lost connection (class 08).
    static bool connection_lost(const pqxx::sql_error& e)
    {
        const std::string state = e.sqlstate();
        return state.rfind("57P", 0) == 0 || state.rfind("08", 0) == 0;
    }

    // Runs `work(connection)` on a pooled connection. A connection that broke (the server
    // restarted, or the outcome of a commit was lost) is discarded and, when `again` says so, the
    // work runs again on a fresh one, waiting for the database up to options.reconnect_wait; then
    // the fault becomes storage_failure. Running again is safe for reads, and for a batch: it
    // reads its charges afresh, so a batch that did commit replays as a no-op. Any other exception
    // propagates, the connection back in the pool.
    enum class on_broken { run_again, fail };
    template <typename Work>
    auto with_connection(Work work, on_broken again = on_broken::run_again)
    {
        const auto deadline = std::chrono::steady_clock::now() + options.reconnect_wait;
        const auto give_up = [&] {
            return again == on_broken::fail || std::chrono::steady_clock::now() >= deadline;
        };
        for (;;) {
            std::unique_ptr<pqxx::connection> conn;
            try {
                conn = acquire();
            } catch (const error&) {  // the database cannot be reached now
                if (give_up()) throw;
                std::this_thread::sleep_for(std::chrono::milliseconds{100});
                continue;
            }
            try {
                if constexpr (std::is_void_v<decltype(work(*conn))>) {
                    work(*conn);
                    release(std::move(conn));
                    return;
                } else {
                    auto result = work(*conn);
                    release(std::move(conn));
                    return result;
                }
            } catch (const pqxx::broken_connection& e) {
                conn.reset();
                discard();
                if (give_up()) throw storage_failure(e);
            } catch (const pqxx::in_doubt_error& e) {
                conn.reset();
                discard();
                if (give_up()) throw storage_failure(e);
            } catch (const pqxx::sql_error& e) {
                if (!connection_lost(e)) {
                    release(std::move(conn));
                    throw;
                }
                conn.reset();
                discard();
                if (give_up()) throw storage_failure(e);
            } catch (...) {
                release(std::move(conn));
                throw;
            }
        }
    }

    // Runs `work(transaction)` in one READ COMMITTED transaction and commits; a serialization
    // failure, a deadlock or a unique key taken by a concurrent transaction starts it again from
    // the beginning (up to max_attempts), as does a broken connection (see with_connection),
    // unless `again` is `on_broken::fail`: then any of them is storage_failure at once. Other
    // PostgreSQL faults become storage_failure.
    template <typename Work>
    auto transaction(Work work, on_broken again = on_broken::run_again)
    {
        const int max_attempts = again == on_broken::fail ? 1 : options.max_attempts;
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
                }, again);
            } catch (const pqxx::transaction_rollback& e) {  // serialization failure, deadlock
                if (attempt >= max_attempts) throw storage_failure(e);
            } catch (const pqxx::unique_violation& e) {
                if (attempt >= max_attempts) throw storage_failure(e);
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
