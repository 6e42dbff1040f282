#include <netflix_charges/errors.hpp>
#include <netflix_charges/sqlite_store.hpp>

#include "connection.hpp"
#include "schema.hpp"

#include <SQLiteCpp/Exception.h>
#include <sqlite3.h>

#include <algorithm>
#include <condition_variable>
#include <limits>
#include <map>
#include <mutex>
#include <string_view>
#include <unordered_map>

namespace netflix_charges {

using sqlite_detail::connection;

namespace {

// After these, a connection may be unusable (the file changed under it): it is closed and a
// new one opened on next use, so the store recovers once the fault is gone.
bool breaks_connection(int primary_code)
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

}  // namespace

struct sqlite_store::impl {
    std::string path;
    sqlite_options options;

    std::mutex pool_mutex;
    std::condition_variable pool_released;
    std::vector<std::unique_ptr<connection>> idle;
    std::size_t open_connections = 0;

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
            if (breaks_connection(e.getErrorCode())) discard();
            else release(std::move(conn));
            throw error{errc::storage_failure, "", std::string{"SQLite: "} + e.what()};
        } catch (...) {
            release(std::move(conn));
            throw;
        }
    }

    std::unique_ptr<connection> acquire()
    {
        std::unique_lock lock{pool_mutex};
        pool_released.wait(lock, [&] { return !idle.empty() || open_connections < options.connections; });
        if (!idle.empty()) {
            auto conn = std::move(idle.back());
            idle.pop_back();
            return conn;
        }
        ++open_connections;
        lock.unlock();
        try {
            return std::make_unique<connection>(path, options);
        } catch (const SQLite::Exception& e) {
            discard();
            throw error{errc::storage_failure, "", path + ": " + e.what()};
        }
    }

    void release(std::unique_ptr<connection> conn)
    {
        {
            std::lock_guard lock{pool_mutex};
            idle.push_back(std::move(conn));
        }
        pool_released.notify_one();
    }

    void discard()
    {
        {
            std::lock_guard lock{pool_mutex};
            --open_connections;
        }
        pool_released.notify_one();
    }

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
};

sqlite_store::sqlite_store(const std::string& path, const sqlite_options& options) : impl_(std::make_unique<impl>())
{
    impl_->path = path;
    impl_->options = options;
    if (impl_->options.connections == 0) impl_->options.connections = 1;
    try {
        SQLite::Database db{path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE,
                            static_cast<int>(options.busy_timeout.count())};
        sqlite_detail::prepare_database(db, path);
    } catch (const SQLite::Exception& e) {
        throw error{errc::storage_failure, "", path + ": " + e.what()};
    }
    impl_->release(impl_->acquire());  // fail now, not on first use, if statements cannot be prepared
}

sqlite_store::~sqlite_store() = default;

int sqlite_store::schema_version() { return sqlite_detail::migrations().back().version; }

void sqlite_store::write(const operator_id& op, const batch_keys& keys, const write_planner& planner)
{
    std::lock_guard write_lock{impl_->write_mutex};
    std::optional<std::int64_t> new_operator_row;
    impl_->with_connection([&](connection& conn) {
        immediate_transaction transaction{conn.database()};
        auto operator_row = impl_->operator_row(conn, op);

        batch_snapshot snapshot;
        std::vector<std::int64_t> row_ids;  // of snapshot.charges, in order
        if (operator_row) {
            for (auto& row : conn.charges_by_numbers(*operator_row, keys.numbers)) {
                row_ids.push_back(row.id);
                snapshot.charges.push_back(std::move(row.value));
            }
            snapshot.reference_owners = conn.owners_of(*operator_row, keys.reference_numbers);
        }
        std::unordered_map<std::string_view, std::size_t> index;  // number -> position in the snapshot
        for (std::size_t i = 0; i < snapshot.charges.size(); ++i) index.emplace(snapshot.charges[i].number, i);

        const batch_writes writes = planner(snapshot);
        if (writes.inserts.empty() && writes.updates.empty()) return;

        if (!operator_row) operator_row = new_operator_row = conn.insert_operator(op.value());
        for (const auto& c : writes.inserts) {
            if (index.count(c.number) != 0)
                throw error{errc::internal_error, "", "insert of an existing charge: " + c.number};
            const auto row = conn.insert_charge(*operator_row, c);
            for (const auto& reference : references_of(c)) conn.insert_reference(*operator_row, reference, row);
        }
        for (const auto& update : writes.updates) {
            const auto it = index.find(update.number);
            if (it == index.end())
                throw error{errc::internal_error, "", "update of a charge outside the batch: " + update.number};
            charge& changed = snapshot.charges[it->second];  // the planner is done with the snapshot
            apply_update(changed, update);
            conn.update_charge(row_ids[it->second], update, changed);
            for (const auto& reference : references_of(update))
                conn.insert_reference(*operator_row, reference, row_ids[it->second]);
        }
        transaction.commit();
    });
    if (new_operator_row) impl_->remember_operator(op, *new_operator_row);
}

std::optional<charge> sqlite_store::find_by_number(const operator_id& op, const std::string& number)
{
    return impl_->with_connection([&](connection& conn) -> std::optional<charge> {
        const auto operator_row = impl_->operator_row(conn, op);
        return operator_row ? conn.charge_by_number(*operator_row, number) : std::nullopt;
    });
}

std::optional<charge> sqlite_store::find_by_reference(const operator_id& op, const std::string& reference_number)
{
    return impl_->with_connection([&](connection& conn) -> std::optional<charge> {
        const auto operator_row = impl_->operator_row(conn, op);
        return operator_row ? conn.charge_by_reference(*operator_row, reference_number) : std::nullopt;
    });
}

std::vector<charge> sqlite_store::list_unacknowledged(const operator_id& op, status_class cls, std::size_t offset,
                                                      std::size_t limit)
{
    return impl_->with_connection([&](connection& conn) -> std::vector<charge> {
        const auto operator_row = impl_->operator_row(conn, op);
        if (!operator_row) return {};
        const auto clamp = [](std::size_t value) {
            return static_cast<std::int64_t>(std::min<std::size_t>(value, std::numeric_limits<std::int64_t>::max()));
        };
        return conn.list_unacknowledged(*operator_row, cls, clamp(offset), clamp(limit));
    });
}

}  // namespace netflix_charges
