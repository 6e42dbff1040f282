// The charge_store half of postgres_store.
#include "charge_rows.hpp"
#include "schema.hpp"
#include "store_impl.hpp"

#include <netflix_charges/calendar.hpp>

#include <algorithm>
#include <limits>
#include <unordered_map>

namespace netflix_charges {

using namespace postgres_detail;

namespace {

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

// Writes the columns an update changes, from the charge as it is after it.
void update_charge(pqxx::work& tx, std::int64_t charge_row, const charge_update& update, const charge& after)
{
    if (update.status || update.decision) {
        const auto decided_on = after.decision ? std::optional<timestamp>{after.decision->on} : std::nullopt;
        const auto decision_reference = after.decision ? after.decision->reference_number : std::nullopt;
        tx.exec_params0("UPDATE charges SET status = $1, set_as_approved_on = $2, set_as_declined_on = $3, "
                        "set_as_bad_request_on = $4, set_as_rejected_request_on = $5, decision = $6, decided_on = $7, "
                        "decision_reference = $8 WHERE id = $9",
                        static_cast<int>(after.status), seconds_of(after.set_as_approved_on),
                        seconds_of(after.set_as_declined_on), seconds_of(after.set_as_bad_request_on),
                        seconds_of(after.set_as_rejected_request_on), decision_code(after.decision),
                        seconds_of(decided_on), decision_reference, charge_row);
    }
    if (update.acknowledged) {
        tx.exec_params0("UPDATE charges SET acknowledged_on = $1, acknowledgement_reference = $2 WHERE id = $3",
                        after.acknowledged->on.time_since_epoch().count(), after.acknowledged->reference_number,
                        charge_row);
    }
}

// A reference number the planner saw free. Taken meanwhile by another charge (a concurrent
// transaction committed it): the batch is retried, and then sees the owner. Already this
// charge's (an acknowledgement and a decision with the same reference): nothing to do.
void insert_reference(pqxx::work& tx, std::int64_t operator_row, const std::string& reference, std::int64_t charge_row)
{
    const auto inserted = tx.exec_params("INSERT INTO reference_numbers (operator_id, reference_number, charge_id) "
                                         "VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING charge_id",
                                         operator_row, reference, charge_row);
    if (!inserted.empty()) return;
    const auto owner = tx.exec_params1("SELECT charge_id FROM reference_numbers WHERE operator_id = $1 AND "
                                       "reference_number = $2",
                                       operator_row, reference)[0]
                           .as<std::int64_t>();
    if (owner != charge_row) throw pqxx::unique_violation{"reference number " + reference + " was taken meanwhile"};
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

void postgres_store::write(const operator_id& op, const batch_keys& keys, const write_planner& planner)
{
    impl_->transaction([&](pqxx::work& tx) {
        auto operator_row = impl::operator_row(tx, op);
        batch_snapshot snapshot;
        std::vector<std::int64_t> row_ids;  // of snapshot.charges, in order
        if (operator_row) {
            // Locked in number order, so that two servers locking overlapping batches queue
            // rather than deadlock; a locked row is read as the other transaction left it.
            const auto rows = tx.exec_params("SELECT " + charge_columns +
                                                 " FROM charges c WHERE c.operator_id = $1 AND c.number = ANY($2::text[]) "
                                                 "ORDER BY c.number FOR UPDATE",
                                             *operator_row, text_array(keys.numbers));
            for (const auto& row : rows) {
                row_ids.push_back(row[id_column].as<std::int64_t>());
                snapshot.charges.push_back(read_charge(row));
            }
            const auto owners = tx.exec_params(
                "SELECT r.reference_number, c.number FROM reference_numbers r JOIN charges c ON c.id = r.charge_id "
                "WHERE r.operator_id = $1 AND r.reference_number = ANY($2::text[])",
                *operator_row, text_array(keys.reference_numbers));
            for (const auto& row : owners)
                snapshot.reference_owners.push_back({row[0].as<std::string>(), row[1].as<std::string>()});
        }
        std::unordered_map<std::string_view, std::size_t> index;
        for (std::size_t i = 0; i < snapshot.charges.size(); ++i) index.emplace(snapshot.charges[i].number, i);

        const batch_writes writes = planner(snapshot);
        if (writes.inserts.empty() && writes.updates.empty()) return;

        if (!operator_row) operator_row = impl::create_operator(tx, op);
        for (const auto& c : writes.inserts) {
            if (index.count(c.number) != 0) throw error{errc::internal_error, "", "insert of an existing charge: " + c.number};
            const auto row = insert_charge(tx, *operator_row, c);  // a number inserted meanwhile: retried
            for (const auto& reference : references_of(c)) insert_reference(tx, *operator_row, reference, row);
        }
        for (const auto& update : writes.updates) {
            const auto it = index.find(update.number);
            if (it == index.end())
                throw error{errc::internal_error, "", "update of a charge outside the batch: " + update.number};
            charge& changed = snapshot.charges[it->second];
            apply_update(changed, update);
            update_charge(tx, row_ids[it->second], update, changed);
            for (const auto& reference : references_of(update))
                insert_reference(tx, *operator_row, reference, row_ids[it->second]);
        }
    });
}

std::optional<charge> postgres_store::find_by_number(const operator_id& op, const std::string& number)
{
    return impl_->transaction([&](pqxx::work& tx) -> std::optional<charge> {
        const auto rows = tx.exec_params("SELECT " + charge_columns +
                                             " FROM charges c JOIN operators o ON o.id = c.operator_id "
                                             "WHERE o.name = $1 AND c.number = $2",
                                         op.value(), number);
        if (rows.empty()) return std::nullopt;
        return read_charge(rows[0]);
    });
}

std::optional<charge> postgres_store::find_by_reference(const operator_id& op, const std::string& reference_number)
{
    return impl_->transaction([&](pqxx::work& tx) -> std::optional<charge> {
        const auto rows = tx.exec_params("SELECT " + charge_columns +
                                             " FROM reference_numbers r JOIN operators o ON o.id = r.operator_id "
                                             "JOIN charges c ON c.id = r.charge_id "
                                             "WHERE o.name = $1 AND r.reference_number = $2",
                                         op.value(), reference_number);
        if (rows.empty()) return std::nullopt;
        return read_charge(rows[0]);
    });
}

std::vector<charge> postgres_store::list_unacknowledged(const operator_id& op, status_class cls, std::size_t offset,
                                                        std::size_t limit)
{
    const auto clamp = [](std::size_t value) {
        return static_cast<std::int64_t>(std::min<std::size_t>(value, std::numeric_limits<std::int64_t>::max()));
    };
    return impl_->transaction([&](pqxx::work& tx) {
        std::vector<charge> found;
        const auto operator_row = impl::operator_row(tx, op);
        if (!operator_row) return found;
        const auto rows = tx.exec_params("SELECT " + charge_columns +
                                             " FROM charges c WHERE c.operator_id = $1 AND c.processed = $2 "
                                             "AND c.acknowledged_on IS NULL ORDER BY c.received_on, c.number "
                                             "LIMIT $3 OFFSET $4",
                                         *operator_row, cls == status_class::processed, clamp(limit), clamp(offset));
        for (const auto& row : rows) found.push_back(read_charge(row));
        return found;
    });
}

}  // namespace netflix_charges
