#include "../list_paging.hpp"
#include "schema.hpp"
#include "store_impl.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string_view>
#include <unordered_map>

namespace netflix_charges {

using sqlite_detail::connection;

namespace {

// `path`, once its database is ready for the store.
const std::string& prepared(const std::string& path, const sqlite_options& options)
{
    sqlite_detail::opened(path, [&] {
        SQLite::Database db{path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE,
                            static_cast<int>(options.busy_timeout.count())};
        sqlite_detail::prepare_database(db, path);
    });
    return path;
}

}  // namespace

sqlite_store::sqlite_store(const std::string& path, const sqlite_options& options)
    : impl_(std::make_unique<impl>(prepared(path, options), options))
{
    impl_->release(impl_->acquire());  // fail now, not on first use, if statements cannot be prepared
}

sqlite_store::~sqlite_store() = default;

int sqlite_store::schema_version() { return sqlite_detail::migrations().back().version; }

namespace {

// One write's part inside its transaction: reads the keys' rows, asks the planner, writes. The
// operator's row is created by the first part that writes.
template <typename RowOfOperator>
void write_part(connection& conn, RowOfOperator& row_of_operator, const batch_keys& keys, const write_planner& planner,
                std::vector<std::string> named_before = {})
{
    auto operator_row = row_of_operator(false);

    batch_snapshot snapshot;
    snapshot.named_before = std::move(named_before);
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
    if (writes.inserts.empty() && writes.updates.empty() && writes.journal.empty()) return;

    operator_row = row_of_operator(true);
    detail::backlog_change backlog;
    std::vector<std::pair<std::string, std::int64_t>> references;  // (reference number, charge row)
    for (const auto& c : writes.inserts) {
        if (index.count(c.number) != 0) throw error{errc::internal_error, "", "insert of an existing charge: " + c.number};
        backlog.entering(c);
        const auto row = conn.insert_charge(*operator_row, c);
        for (auto& reference : references_of(c)) references.emplace_back(std::move(reference), row);
    }
    std::vector<sqlite_detail::changed_charge> changes;  // one per charge of the snapshot, in its order
    for (std::size_t i = 0; i < snapshot.charges.size(); ++i) changes.push_back({row_ids[i], &snapshot.charges[i]});
    for (const auto& update : writes.updates) {
        const auto it = index.find(update.number);
        if (it == index.end())
            throw error{errc::internal_error, "", "update of a charge outside the batch: " + update.number};
        charge& changed = snapshot.charges[it->second];  // the planner is done with the snapshot
        backlog.leaving(changed);
        apply_update(changed, update);
        backlog.entering(changed);
        changes[it->second].status |= update.status || update.decision;
        changes[it->second].acknowledgement |= update.acknowledged.has_value();
        for (auto& reference : references_of(update)) references.emplace_back(std::move(reference), row_ids[it->second]);
    }
    conn.update_charges(changes);
    conn.insert_references(*operator_row, references);
    conn.record_write(*operator_row, writes.journal, backlog);
}

}  // namespace

void sqlite_store::write(const operator_id& op, const batch_keys& keys, const write_planner& planner)
{
    impl_->write_transaction(op, [&](connection& conn, auto& row_of_operator) {
        write_part(conn, row_of_operator, keys, planner);
    });
}

void sqlite_store::write_parts(const operator_id& op, const next_part& next, const write_planner& planner)
{
    impl_->write_transaction(op, [&](connection& conn, auto& row_of_operator) {
        // The parts' numbers, in a temporary table: SQLite keeps it in a file of its own, so
        // memory does not grow with them. It is this connection's, and rolled back with the rest.
        conn.database().exec("CREATE TEMP TABLE IF NOT EXISTS part_numbers (number TEXT PRIMARY KEY) WITHOUT ROWID");
        conn.database().exec("DELETE FROM temp.part_numbers");
        SQLite::Statement remember{conn.database(), "INSERT INTO temp.part_numbers (number) VALUES (?1) ON CONFLICT DO NOTHING"};
        while (const auto keys = next()) {
            std::vector<std::string> named_before;
            for (const auto& number : keys->numbers) {
                remember.reset();
                remember.bindNoCopy(1, number);
                if (remember.exec() == 0) named_before.push_back(number);
            }
            write_part(conn, row_of_operator, *keys, planner, std::move(named_before));
        }
        conn.database().exec("DELETE FROM temp.part_numbers");
    });
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
    // A connection only for a page that is not in the cache.
    const auto read_rows = [&](const detail::list_position* after, std::int64_t skip, std::int64_t count) {
        return impl_->with_connection([&](connection& conn) {
            const auto operator_row = impl_->operator_row(conn, op);
            if (!operator_row) return std::vector<charge>{};
            return conn.list_unacknowledged(*operator_row, cls, after, skip, count);
        });
    };
    return detail::read_list_page(impl_->cache, detail::list_query::of(op, cls, offset, limit), read_rows,
                                  [&] { return impl_->watch.stamp(); });
}

std::vector<journal_entry> sqlite_store::journal(const operator_id& op, std::int64_t after, std::size_t limit)
{
    return impl_->with_connection([&](connection& conn) {
        const auto operator_row = impl_->operator_row(conn, op);
        if (!operator_row) return std::vector<journal_entry>{};
        return conn.journal(*operator_row, after, static_cast<std::int64_t>(std::min<std::size_t>(limit, INT64_MAX)));
    });
}

std::size_t sqlite_store::prune_journal(timestamp before)
{
    std::size_t removed = 0;
    impl_->write_transaction([&](connection& conn) {
        SQLite::Statement prune{conn.database(), "DELETE FROM journal WHERE at < ?1"};
        prune.bind(1, static_cast<std::int64_t>(before.time_since_epoch().count()));
        removed = static_cast<std::size_t>(prune.exec());
    });
    return removed;
}

void sqlite_store::for_each_received(const operator_id& op, timestamp from, timestamp until,
                                     const std::function<void(const charge&)>& each)
{
    impl_->with_connection([&](connection& conn) {
        if (const auto operator_row = impl_->operator_row(conn, op))
            conn.for_each_received(*operator_row, from, until, each);
    });
}

std::vector<operator_backlog> sqlite_store::backlogs()
{
    return impl_->with_connection([](connection& conn) { return conn.backlogs(); });
}

}  // namespace netflix_charges
