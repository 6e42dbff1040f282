// The charge_store half of postgres_store.
#include "../backlog_change.hpp"
#include "charge_rows.hpp"
#include "schema.hpp"
#include "statements.hpp"
#include "store_impl.hpp"

#include <netflix_charges/calendar.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <unordered_map>
#include <unordered_set>

namespace netflix_charges {

using namespace postgres_detail;

namespace {

// A count as a bigint parameter (a size_t beyond it means "no limit").
std::int64_t clamped(std::size_t value)
{
    return static_cast<std::int64_t>(std::min<std::size_t>(value, std::numeric_limits<std::int64_t>::max()));
}

std::optional<std::int64_t> seconds_of(const std::optional<timestamp>& t)
{
    if (!t) return std::nullopt;
    return t->time_since_epoch().count();
}

std::optional<std::string> text_of(const std::optional<decimal>& d)
{
    if (!d) return std::nullopt;
    return d->to_string();
}

std::optional<int> decision_code(const std::optional<operator_decision>& d)
{
    if (!d) return std::nullopt;
    return d->kind == decision_kind::accept ? 0 : 1;
}

std::int64_t insert_charge(pqxx::work& tx, std::int64_t operator_row, const charge& c)
{
    const auto acknowledged_on = c.acknowledged ? std::optional<timestamp>{c.acknowledged->on} : std::nullopt;
    const auto acknowledged_reference = c.acknowledged ? c.acknowledged->reference_number : std::nullopt;
    const auto decided_on = c.decision ? std::optional<timestamp>{c.decision->on} : std::nullopt;
    const auto decision_reference = c.decision ? c.decision->reference_number : std::nullopt;
    return tx
        .exec_params1("INSERT INTO charges (operator_id, number, billing_system_customer_identifier, amount, currency, "
                      "local_currency_amount, local_currency, paid_through_date, received_on, status, "
                      "set_as_approved_on, set_as_declined_on, set_as_bad_request_on, set_as_rejected_request_on, "
                      "acknowledged_on, acknowledgement_reference, decision, decided_on, decision_reference) "
                      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) "
                      "RETURNING id",
                      operator_row, c.number, c.billing_system_customer_identifier, c.amount.to_string(), c.currency,
                      text_of(c.local_currency_amount), c.local_currency, format_date(c.paid_through_date),
                      c.received_on.time_since_epoch().count(), static_cast<int>(c.status),
                      seconds_of(c.set_as_approved_on), seconds_of(c.set_as_declined_on),
                      seconds_of(c.set_as_bad_request_on), seconds_of(c.set_as_rejected_request_on),
                      seconds_of(acknowledged_on), acknowledged_reference, decision_code(c.decision),
                      seconds_of(decided_on), decision_reference)[0]
        .as<std::int64_t>();
}

// Writes a charge's status and decision columns, as they are after an update.
void update_status(pqxx::work& tx, std::int64_t charge_row, const charge& after)
{
    const auto decided_on = after.decision ? std::optional<timestamp>{after.decision->on} : std::nullopt;
    const auto decision_reference = after.decision ? after.decision->reference_number : std::nullopt;
    tx.exec_params0("UPDATE charges SET status = $1, set_as_approved_on = $2, set_as_declined_on = $3, "
                    "set_as_bad_request_on = $4, set_as_rejected_request_on = $5, decision = $6, decided_on = $7, "
                    "decision_reference = $8 WHERE id = $9",
                    static_cast<int>(after.status), seconds_of(after.set_as_approved_on),
                    seconds_of(after.set_as_declined_on), seconds_of(after.set_as_bad_request_on),
                    seconds_of(after.set_as_rejected_request_on), decision_code(after.decision), seconds_of(decided_on),
                    decision_reference, charge_row);
}

// Gives the reference numbers to their charges, all at once. One the planner saw free but that
// a concurrent transaction has given to another charge meanwhile makes the batch start again
// (and then see the owner); one that is already this charge's (an acknowledgement and a
// decision with the same reference) is left as it is.
void add_references(pqxx::work& tx, std::int64_t operator_row, const std::vector<std::string>& references,
                    const std::vector<std::int64_t>& charge_rows)
{
    if (references.empty()) return;
    std::vector<std::string> rows;
    for (const auto id : charge_rows) rows.push_back(std::to_string(id));
    const auto inserted = tx.exec_prepared(add_references_statement, operator_row, text_array(references), text_array(rows));
    if (inserted.affected_rows() == references.size()) return;
    std::unordered_map<std::string, std::int64_t> wanted;
    for (std::size_t i = 0; i < references.size(); ++i) wanted.emplace(references[i], charge_rows[i]);
    for (const auto& owner : tx.exec_prepared(owners_statement, operator_row, text_array(references)))
        if (owner[2].as<std::int64_t>() != wanted.at(owner[0].as<std::string>()))
            throw pqxx::unique_violation{"reference number " + owner[0].as<std::string>() + " was taken meanwhile"};
}

// Gives the entries the operator's next sequence numbers and appends them, in one statement,
// and counts `change` into the operator's backlog.
void record_write(pqxx::work& tx, std::int64_t operator_row, const std::vector<journal_entry>& entries,
                  const detail::backlog_change& change)
{
    const auto last = tx.exec_prepared1(count_write_statement, operator_row, static_cast<std::int64_t>(entries.size()),
                                        change.not_processed, change.processed)[0]
                          .as<std::int64_t>();
    if (entries.empty()) return;
    std::vector<std::string> at, kinds, numbers, statuses, units;
    std::vector<std::optional<std::string>> references, users;
    for (const auto& e : entries) {
        at.push_back(std::to_string(e.at.time_since_epoch().count()));
        kinds.push_back(std::to_string(static_cast<int>(e.kind)));
        numbers.push_back(e.number);
        statuses.push_back(std::to_string(static_cast<int>(e.status)));
        references.push_back(e.reference_number);
        users.push_back(e.user);
        units.push_back(e.unit);
    }
    tx.exec_prepared0(append_journal_statement, operator_row, last - static_cast<std::int64_t>(entries.size()),
                      text_array(at), text_array(kinds), text_array(numbers), text_array(statuses),
                      text_array(references), text_array(users), text_array(units));
}

journal_entry read_journal_entry(const pqxx::row& row)
{
    journal_entry e;
    e.sequence = row[0].as<std::int64_t>();
    e.at = timestamp{std::chrono::seconds{row[1].as<std::int64_t>()}};
    const int kind = row[2].as<int>();
    const int status = row[4].as<int>();
    if (kind < 0 || kind > 4 || status < 0 || status > 4)
        throw error{errc::storage_failure, "", fmt::format("a stored value is not valid: journal entry {}", e.sequence)};
    e.kind = static_cast<journal_kind>(kind);
    e.number = row[3].as<std::string>();
    e.status = static_cast<charge_status>(status);
    if (!row[5].is_null()) e.reference_number = row[5].as<std::string>();
    if (!row[6].is_null()) e.user = row[6].as<std::string>();
    e.unit = row[7].as<std::string>();
    return e;
}

}  // namespace

postgres_store::postgres_store(const std::string& url, const postgres_options& options)
    : impl_(std::make_unique<impl>(url, options))
{
    if (impl_->options.max_attempts < 1) impl_->options.max_attempts = 1;
    auto conn = impl_->acquire();
    try {
        prepare_database(*conn);
    } catch (const error&) {
        impl_->discard();
        throw;
    } catch (const std::exception& e) {
        impl_->discard();
        throw impl::storage_failure(e);
    }
    impl_->release(std::move(conn));
}

postgres_store::~postgres_store() = default;

int postgres_store::schema_version() { return latest_schema_version(); }

namespace {

// One write's part inside its transaction: locks and reads the keys' rows, asks the planner,
// writes. The first part that writes sets `operator_row` with `create_operator()` if unset.
template <typename CreateOperator>
void write_part(pqxx::work& tx, std::optional<std::int64_t>& operator_row, CreateOperator create_operator,
                const batch_keys& keys, const write_planner& planner, std::vector<std::string> named_before = {})
{
    batch_snapshot snapshot;
    snapshot.named_before = std::move(named_before);
    std::vector<std::int64_t> row_ids;  // of snapshot.charges, in order
    if (operator_row) {
        for (const auto& row : tx.exec_prepared(lock_batch_statement, *operator_row, text_array(keys.numbers))) {
            row_ids.push_back(row[id_column].as<std::int64_t>());
            snapshot.charges.push_back(read_charge(row));
        }
        for (const auto& row : tx.exec_prepared(owners_statement, *operator_row, text_array(keys.reference_numbers)))
            snapshot.reference_owners.push_back({row[0].as<std::string>(), row[1].as<std::string>()});
    }
    std::unordered_map<std::string_view, std::size_t> index;
    for (std::size_t i = 0; i < snapshot.charges.size(); ++i) index.emplace(snapshot.charges[i].number, i);

    const batch_writes writes = planner(snapshot);
    if (writes.inserts.empty() && writes.updates.empty() && writes.journal.empty()) return;

    if (!operator_row) operator_row = create_operator();
    std::vector<std::string> references;
    std::vector<std::int64_t> reference_rows;
    detail::backlog_change backlog;
    for (const auto& c : writes.inserts) {
        if (index.count(c.number) != 0) throw error{errc::internal_error, "", "insert of an existing charge: " + c.number};
        backlog.entering(c);
        const auto row = insert_charge(tx, *operator_row, c);  // a number inserted meanwhile: retried
        for (auto& reference : references_of(c)) {
            references.push_back(std::move(reference));
            reference_rows.push_back(row);
        }
    }
    // Acknowledgements, the bulk of the traffic, in one statement; status changes one by one.
    std::vector<std::string> acknowledged_ids, acknowledged_on;
    std::vector<std::optional<std::string>> acknowledged_references;
    for (const auto& update : writes.updates) {
        const auto it = index.find(update.number);
        if (it == index.end())
            throw error{errc::internal_error, "", "update of a charge outside the batch: " + update.number};
        charge& changed = snapshot.charges[it->second];
        backlog.leaving(changed);
        apply_update(changed, update);
        backlog.entering(changed);
        const auto row = row_ids[it->second];
        if (update.status || update.decision) update_status(tx, row, changed);
        if (update.acknowledged) {
            acknowledged_ids.push_back(std::to_string(row));
            acknowledged_on.push_back(std::to_string(changed.acknowledged->on.time_since_epoch().count()));
            acknowledged_references.push_back(changed.acknowledged->reference_number);
        }
        for (auto& reference : references_of(update)) {
            references.push_back(std::move(reference));
            reference_rows.push_back(row);
        }
    }
    if (!acknowledged_ids.empty())
        tx.exec_prepared0(acknowledge_statement, text_array(acknowledged_ids), text_array(acknowledged_on),
                          text_array(acknowledged_references));
    add_references(tx, *operator_row, references, reference_rows);
    record_write(tx, *operator_row, writes.journal, backlog);
}

}  // namespace

void postgres_store::write(const operator_id& op, const batch_keys& keys, const write_planner& planner)
{
    impl_->transaction([&](pqxx::work& tx) {
        auto operator_row = impl::operator_row(tx, op);
        write_part(tx, operator_row, [&] { return impl::create_operator(tx, op); }, keys, planner);
    });
}

void postgres_store::write_parts(const operator_id& op, const next_part& next, const write_planner& planner)
{
    // Not run again: the parts are gone once read.
    impl_->transaction([&](pqxx::work& tx) {
        auto operator_row = impl::operator_row(tx, op);
        // The parts' numbers, in a temporary table that PostgreSQL drops at the commit (or the
        // rollback), so memory does not grow with them.
        tx.exec0("CREATE TEMP TABLE part_numbers (number text PRIMARY KEY) ON COMMIT DROP");
        while (const auto keys = next()) {
            std::unordered_set<std::string> fresh;
            for (const auto& row : tx.exec_params("INSERT INTO part_numbers SELECT unnest($1::text[]) ON CONFLICT DO NOTHING "
                                                  "RETURNING number",
                                                  text_array(keys->numbers)))
                fresh.insert(row[0].as<std::string>());
            std::vector<std::string> named_before;
            for (const auto& number : keys->numbers)
                if (fresh.count(number) == 0) named_before.push_back(number);
            write_part(tx, operator_row, [&] { return impl::create_operator(tx, op); }, *keys, planner,
                       std::move(named_before));
        }
    }, impl::on_broken::fail);
}

std::optional<charge> postgres_store::find_by_number(const operator_id& op, const std::string& number)
{
    return impl_->read([&](pqxx::transaction_base& tx) -> std::optional<charge> {
        const auto rows = tx.exec_prepared(by_number_statement, op.value(), number);
        if (rows.empty()) return std::nullopt;
        return read_charge(rows[0]);
    });
}

std::optional<charge> postgres_store::find_by_reference(const operator_id& op, const std::string& reference_number)
{
    return impl_->read([&](pqxx::transaction_base& tx) -> std::optional<charge> {
        const auto rows = tx.exec_prepared(by_reference_statement, op.value(), reference_number);
        if (rows.empty()) return std::nullopt;
        return read_charge(rows[0]);
    });
}

std::vector<charge> postgres_store::list_unacknowledged(const operator_id& op, status_class cls, std::size_t offset,
                                                        std::size_t limit)
{
    return impl_->read([&](pqxx::transaction_base& tx) {
        std::vector<charge> found;
        for (const auto& row : tx.exec_prepared(list_statement, op.value(), cls == status_class::processed, clamped(limit),
                                                clamped(offset)))
            found.push_back(read_charge(row));
        return found;
    });
}

std::vector<journal_entry> postgres_store::journal(const operator_id& op, std::int64_t after, std::size_t limit)
{
    return impl_->read([&](pqxx::transaction_base& tx) {
        std::vector<journal_entry> entries;
        for (const auto& row : tx.exec_prepared(journal_statement, op.value(), after, clamped(limit)))
            entries.push_back(read_journal_entry(row));
        return entries;
    });
}

std::size_t postgres_store::prune_journal(timestamp before)
{
    return impl_->transaction([&](pqxx::work& tx) {
        return static_cast<std::size_t>(
            tx.exec_params0("DELETE FROM journal WHERE at < $1", before.time_since_epoch().count()).affected_rows());
    });
}

void postgres_store::for_each_received(const operator_id& op, timestamp from, timestamp until,
                                       const std::function<void(const charge&)>& each)
{
    constexpr std::int64_t page = 1000;  // rows held at a time
    try {
        // Not run again when the connection breaks: `each` may have seen rows.
        impl_->with_connection([&](pqxx::connection& conn) {
            // One snapshot for the whole reading, page after page.
            pqxx::transaction<pqxx::isolation_level::repeatable_read, pqxx::readwrite_policy::read_only> tx{conn};
            std::int64_t after_time = from.time_since_epoch().count() - 1;
            std::string after_number;
            for (;;) {
                const auto rows = tx.exec_prepared(received_statement, op.value(), from.time_since_epoch().count(),
                                                   until.time_since_epoch().count(), after_time, after_number, page);
                for (const auto& row : rows) {
                    const charge c = read_charge(row);
                    each(c);
                    after_time = c.received_on.time_since_epoch().count();
                    after_number = c.number;
                }
                if (static_cast<std::int64_t>(rows.size()) < page) break;
            }
            tx.commit();
        }, impl::on_broken::fail);
    } catch (const pqxx::failure& e) {
        throw impl::storage_failure(e);
    }
}

std::vector<operator_backlog> postgres_store::backlogs()
{
    return impl_->read([&](pqxx::transaction_base& tx) {
        std::vector<operator_backlog> all;
        for (const auto& row :
             tx.exec("SELECT name, backlog_not_processed, backlog_processed FROM operators ORDER BY name"))
            all.push_back({operator_id{row[0].as<std::string>()}, row[1].as<std::uint64_t>(), row[2].as<std::uint64_t>()});
        return all;
    });
}

}  // namespace netflix_charges
