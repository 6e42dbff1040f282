#include "statements.hpp"

#include "charge_rows.hpp"

namespace netflix_charges::postgres_detail {

void prepare_statements(pqxx::connection& connection)
{
    // Planned for each execution with its own values: a plan cached while a table was small
    // (a seq scan of the empty reference_numbers, say) would stay long after the table grew.
    connection.set_variable("plan_cache_mode", "force_custom_plan");
    const std::string select = "SELECT " + charge_columns;
    // The operator as a scalar subquery, so that its id is an equality on the list index and the
    // rows come in index order: a join would sort the operator's whole list instead.
    connection.prepare(list_statement, select + " FROM charges c WHERE c.operator_id = (SELECT id FROM operators "
                                                "WHERE name = $1) AND c.processed = $2 AND c.acknowledged_on IS NULL "
                                                "ORDER BY c.received_on, c.number LIMIT $3 OFFSET $4");
    connection.prepare(by_number_statement, select + " FROM charges c JOIN operators o ON o.id = c.operator_id "
                                                     "WHERE o.name = $1 AND c.number = $2");
    connection.prepare(by_reference_statement,
                       select + " FROM reference_numbers r JOIN operators o ON o.id = r.operator_id "
                                "JOIN charges c ON c.id = r.charge_id WHERE o.name = $1 AND r.reference_number = $2");
    // Locked in number order, so that two servers locking overlapping batches queue rather than
    // deadlock; a row locked by another transaction is read as that transaction left it.
    connection.prepare(lock_batch_statement, select + " FROM charges c WHERE c.operator_id = $1 "
                                                      "AND c.number = ANY($2::text[]) ORDER BY c.number FOR UPDATE");
    connection.prepare(owners_statement,
                       "SELECT r.reference_number, c.number, r.charge_id FROM reference_numbers r "
                       "JOIN charges c ON c.id = r.charge_id WHERE r.operator_id = $1 AND r.reference_number = ANY($2::text[])");
    connection.prepare(acknowledge_statement,
                       "UPDATE charges c SET acknowledged_on = v.acknowledged_on, acknowledgement_reference = v.reference "
                       "FROM unnest($1::bigint[], $2::bigint[], $3::text[]) AS v(id, acknowledged_on, reference) "
                       "WHERE c.id = v.id");
    connection.prepare(add_references_statement,
                       "INSERT INTO reference_numbers (operator_id, reference_number, charge_id) "
                       "SELECT $1, v.reference, v.charge_id FROM unnest($2::text[], $3::bigint[]) AS v(reference, charge_id) "
                       "ON CONFLICT DO NOTHING");
    connection.prepare(revoked_statement, "SELECT 1 FROM revoked_tokens WHERE jti = $1");
    // The operator's row (its journal's last number and its backlog) stays locked until the
    // commit, so an operator's writers take their
    // sequence numbers one at a time, in the order they commit: a reader of the journal never
    // sees a number before a smaller one that is still to come.
    connection.prepare(count_write_statement,
                       "UPDATE operators SET last_journal_sequence = last_journal_sequence + $2, "
                       "backlog_not_processed = backlog_not_processed + $3, backlog_processed = backlog_processed + $4 "
                       "WHERE id = $1 RETURNING last_journal_sequence");
    connection.prepare(append_journal_statement,
                       "INSERT INTO journal (operator_id, sequence, at, kind, number, charge_status, reference_number, "
                       "actor_user, actor_unit) SELECT $1, $2 + v.i, v.at, v.kind, v.number, v.charge_status, "
                       "v.reference_number, v.actor_user, v.actor_unit FROM unnest($3::bigint[], $4::smallint[], "
                       "$5::text[], $6::smallint[], $7::text[], $8::text[], $9::text[]) WITH ORDINALITY "
                       "AS v(at, kind, number, charge_status, reference_number, actor_user, actor_unit, i)");
    connection.prepare(journal_statement,
                       "SELECT sequence, at, kind, number, charge_status, reference_number, actor_user, actor_unit "
                       "FROM journal WHERE operator_id = (SELECT id FROM operators WHERE name = $1) AND sequence > $2 "
                       "ORDER BY sequence LIMIT $3");
    // A page of the charges received in [$2, $3) after the position ($4, $5), in list order.
    connection.prepare(received_statement,
                       select + " FROM charges c WHERE c.operator_id = (SELECT id FROM operators WHERE name = $1) "
                                "AND c.received_on >= $2 AND c.received_on < $3 AND (c.received_on, c.number) > ($4, $5) "
                                "ORDER BY c.received_on, c.number LIMIT $6");
}

}  // namespace netflix_charges::postgres_detail
