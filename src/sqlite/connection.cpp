#include "connection.hpp"

#include <netflix_charges/errors.hpp>
#include <netflix_charges/limits.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <string_view>

namespace netflix_charges::sqlite_detail {

namespace {

// The columns of a charge, in the order read_charge expects.
constexpr std::string_view charge_columns =
    "c.number, c.billing_system_customer_identifier, c.amount, c.currency, c.local_currency_amount, "
    "c.local_currency, c.paid_through_date, c.status, c.received_on, c.set_as_approved_on, c.set_as_declined_on, "
    "c.set_as_bad_request_on, c.set_as_rejected_request_on, c.acknowledged_on, c.acknowledgement_reference, "
    "c.decision, c.decided_on, c.decision_reference, c.id";
constexpr int id_column = 18;

// "?2, ?3, ..." for the `count` placeholders of an IN list that follows ?1.
std::string in_list(std::size_t count)
{
    std::string text;
    for (std::size_t i = 0; i < count; ++i) text += fmt::format("{}?{}", i ? ", " : "", i + 2);
    return text;
}

std::string select_charges(std::string_view from_where)
{
    return "SELECT " + std::string{charge_columns} + " " + std::string{from_where};
}

// Frees a statement for its next use, however the current one ends. Every use binds every
// parameter (an IN list clears its bindings first: an unbound parameter is NULL).
class statement_use {
public:
    explicit statement_use(SQLite::Statement& statement) : statement_(statement) {}
    ~statement_use() { statement_.tryReset(); }
    statement_use(const statement_use&) = delete;
    statement_use& operator=(const statement_use&) = delete;
    SQLite::Statement* operator->() { return &statement_; }
    SQLite::Statement& operator*() { return statement_; }

private:
    SQLite::Statement& statement_;
};

[[noreturn]] void corrupt(const std::string& what)
{
    throw error{errc::storage_failure, "", "a stored value is not valid: " + what};
}

std::optional<std::string> optional_text(SQLite::Statement& row, int column)
{
    if (row.isColumnNull(column)) return std::nullopt;
    return row.getColumn(column).getString();
}

std::optional<timestamp> optional_time(SQLite::Statement& row, int column)
{
    if (row.isColumnNull(column)) return std::nullopt;
    return timestamp{std::chrono::seconds{row.getColumn(column).getInt64()}};
}

// A column's text without copying it (valid until the row moves on).
std::string_view text_of(SQLite::Statement& row, int column)
{
    const auto value = row.getColumn(column);
    return {value.getText(), static_cast<std::size_t>(value.getBytes())};
}

decimal read_decimal(std::string_view text)
{
    auto value = decimal::parse(text);
    if (!value) corrupt("amount " + std::string{text});
    return *value;
}

charge read_charge(SQLite::Statement& row)
{
    charge c;
    c.number = row.getColumn(0).getString();
    c.billing_system_customer_identifier = row.getColumn(1).getString();
    c.amount = read_decimal(text_of(row, 2));
    c.currency = row.getColumn(3).getString();
    if (!row.isColumnNull(4)) c.local_currency_amount = read_decimal(text_of(row, 4));
    c.local_currency = optional_text(row, 5);
    const auto paid_through = parse_date(text_of(row, 6));
    if (!paid_through) corrupt("paid_through_date of " + c.number);
    c.paid_through_date = *paid_through;
    const int status = row.getColumn(7).getInt();
    if (status < 0 || status > 4) corrupt("status of " + c.number);
    c.status = static_cast<charge_status>(status);
    c.received_on = timestamp{std::chrono::seconds{row.getColumn(8).getInt64()}};
    c.set_as_approved_on = optional_time(row, 9);
    c.set_as_declined_on = optional_time(row, 10);
    c.set_as_bad_request_on = optional_time(row, 11);
    c.set_as_rejected_request_on = optional_time(row, 12);
    if (auto on = optional_time(row, 13)) c.acknowledged = acknowledgement{*on, optional_text(row, 14)};
    if (!row.isColumnNull(15)) {
        const auto on = optional_time(row, 16);
        if (!on) corrupt("decided_on of " + c.number);
        c.decision = operator_decision{row.getColumn(15).getInt() == 0 ? decision_kind::accept : decision_kind::decline,
                                       *on, optional_text(row, 17)};
    }
    return c;
}

void bind_optional(SQLite::Statement& statement, int index, const std::optional<std::string>& value)
{
    if (value) statement.bind(index, *value);
    else statement.bind(index);
}

void bind_optional(SQLite::Statement& statement, int index, const std::optional<timestamp>& value)
{
    if (value) statement.bind(index, static_cast<std::int64_t>(value->time_since_epoch().count()));
    else statement.bind(index);
}

// The columns a write may change, in three groups bound from position `first` on.
void bind_status(SQLite::Statement& statement, int first, const charge& c)  // 5 values
{
    statement.bind(first, static_cast<int>(c.status));
    bind_optional(statement, first + 1, c.set_as_approved_on);
    bind_optional(statement, first + 2, c.set_as_declined_on);
    bind_optional(statement, first + 3, c.set_as_bad_request_on);
    bind_optional(statement, first + 4, c.set_as_rejected_request_on);
}

void bind_acknowledgement(SQLite::Statement& statement, int first, const charge& c)  // 2 values
{
    bind_optional(statement, first, c.acknowledged ? std::optional<timestamp>{c.acknowledged->on} : std::nullopt);
    bind_optional(statement, first + 1, c.acknowledged ? c.acknowledged->reference_number : std::nullopt);
}

void bind_decision(SQLite::Statement& statement, int first, const charge& c)  // 3 values
{
    if (c.decision) statement.bind(first, c.decision->kind == decision_kind::accept ? 0 : 1);
    else statement.bind(first);
    bind_optional(statement, first + 1, c.decision ? std::optional<timestamp>{c.decision->on} : std::nullopt);
    bind_optional(statement, first + 2, c.decision ? c.decision->reference_number : std::nullopt);
}

const char* synchronous_pragma(sqlite_synchronous level)
{
    switch (level) {
    case sqlite_synchronous::normal: return "PRAGMA synchronous = NORMAL";
    case sqlite_synchronous::full: return "PRAGMA synchronous = FULL";
    case sqlite_synchronous::extra: return "PRAGMA synchronous = EXTRA";
    }
    return "PRAGMA synchronous = FULL";
}

// Calls `each(begin, count)` for the consecutive chunks of at most `chunk` of `size` items.
template <typename Each>
void for_each_chunk(std::size_t size, std::size_t chunk, Each each)
{
    for (std::size_t begin = 0; begin < size; begin += chunk) each(begin, std::min(chunk, size - begin));
}

// Runs a statement that binds ?1 and then the IN list ?2.. in chunks of its size, calling
// `on_row` for every row.
template <typename OnRow>
void for_each_in_chunks(SQLite::Statement& statement, std::int64_t first, const std::vector<std::string>& keys,
                        OnRow on_row)
{
    for_each_chunk(keys.size(), limits::max_batch_items, [&](std::size_t begin, std::size_t count) {
        statement_use use{statement};
        use->clearBindings();
        use->bind(1, first);
        for (std::size_t i = 0; i < count; ++i) use->bindNoCopy(static_cast<int>(i + 2), keys[begin + i]);
        while (use->executeStep()) on_row(*use);
    });
}

}  // namespace

std::string list_unacknowledged_sql()
{
    return select_charges("FROM charges c WHERE c.operator_id = ?1 AND c.processed = ?2 AND c.acknowledged_on IS NULL "
                          "ORDER BY c.received_on, c.number LIMIT ?3 OFFSET ?4");
}

// Rows after the position (?5, ?6), in list order: the index seeks to it.
std::string list_unacknowledged_after_sql()
{
    return select_charges("FROM charges c WHERE c.operator_id = ?1 AND c.processed = ?2 AND c.acknowledged_on IS NULL "
                          "AND (c.received_on, c.number) > (?5, ?6) ORDER BY c.received_on, c.number LIMIT ?3 OFFSET ?4");
}

SQLite::Database open_database(const std::string& path, const sqlite_options& options)
{
    SQLite::Database db{path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX,
                        static_cast<int>(options.busy_timeout.count())};
    db.exec(synchronous_pragma(options.synchronous));
    db.exec("PRAGMA foreign_keys = ON");
    // A write in a group has a savepoint, whose pages' first images SQLite keeps (the statement
    // journal) until the write is released: in memory, not in a temporary file once they pass
    // 64 KiB, as SQLite's default would (a batch of 50 touches about 20 pages).
    db.exec("PRAGMA temp_store = MEMORY");
    // A checkpoint cycle costs three syncs (the WAL, the database, the restarted WAL's header)
    // and copies each page once, however many commits changed it: after 3,800 frames instead of
    // SQLite's default 1,000, writes take 3-8% more batches a second (BENCHMARKS.md, group
    // commit). The WAL, with the commit that crosses the mark (16 writes are about 190 frames),
    // stays within the first hash table of the WAL index (4,062 frames) unless readers hold the
    // restart back, so a read looks a page up in one table, as at 1,000.
    db.exec("PRAGMA wal_autocheckpoint = 3800");
    if (options.max_page_count > 0) db.exec(fmt::format("PRAGMA max_page_count = {}", options.max_page_count));
    return db;
}

connection::connection(const std::string& path, const sqlite_options& options)
    : db_(open_database(path, options)),
      find_operator_(db_, "SELECT id FROM operators WHERE name = ?1"),
      insert_operator_(db_, "INSERT INTO operators (name) VALUES (?1)"),
      charges_by_numbers_(db_, select_charges("FROM charges c WHERE c.operator_id = ?1 AND c.number IN (" +
                                              in_list(limits::max_batch_items) + ")")),
      owners_of_(db_, "SELECT r.reference_number, c.number FROM reference_numbers r JOIN charges c ON c.id = r.charge_id "
                      "WHERE r.operator_id = ?1 AND r.reference_number IN (" +
                          in_list(limits::max_batch_items) + ")"),
      insert_charge_(db_, "INSERT INTO charges (operator_id, number, billing_system_customer_identifier, amount, currency, "
                          "local_currency_amount, local_currency, paid_through_date, received_on, status, "
                          "set_as_approved_on, set_as_declined_on, set_as_bad_request_on, set_as_rejected_request_on, "
                          "acknowledged_on, acknowledgement_reference, decision, decided_on, decision_reference) "
                          "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)"),
      update_statuses_(db_, "UPDATE charges SET status = v.column2, set_as_approved_on = v.column3, "
                            "set_as_declined_on = v.column4, set_as_bad_request_on = v.column5, "
                            "set_as_rejected_request_on = v.column6, decision = v.column7, decided_on = v.column8, "
                            "decision_reference = v.column9 FROM (", 9, ") AS v WHERE charges.id = v.column1"),
      update_acknowledgements_(db_, "UPDATE charges SET acknowledged_on = v.column2, "
                                    "acknowledgement_reference = v.column3 FROM (", 3,
                               ") AS v WHERE charges.id = v.column1"),
      insert_references_(db_, "INSERT INTO reference_numbers (operator_id, reference_number, charge_id)", 3,
                         "ON CONFLICT DO NOTHING"),
      charge_by_number_(db_, select_charges("FROM charges c WHERE c.operator_id = ?1 AND c.number = ?2")),
      charge_by_reference_(db_, select_charges("FROM reference_numbers r JOIN charges c ON c.id = r.charge_id "
                                               "WHERE r.operator_id = ?1 AND r.reference_number = ?2")),
      list_unacknowledged_(db_, list_unacknowledged_sql()),
      list_unacknowledged_after_(db_, list_unacknowledged_after_sql()),
      is_token_revoked_(db_, "SELECT 1 FROM revoked_tokens WHERE jti = ?1"),
      count_write_(db_, "UPDATE operators SET last_journal_sequence = last_journal_sequence + ?2, "
                        "backlog_not_processed = backlog_not_processed + ?3, backlog_processed = backlog_processed + ?4 "
                        "WHERE id = ?1 RETURNING last_journal_sequence"),
      append_journal_(db_, "INSERT INTO journal (operator_id, sequence, at, kind, number, charge_status, "
                           "reference_number, actor_user, actor_unit)", 9),
      journal_(db_, "SELECT sequence, at, kind, number, charge_status, reference_number, actor_user, actor_unit FROM journal "
                    "WHERE operator_id = ?1 AND sequence > ?2 ORDER BY sequence LIMIT ?3"),
      received_(db_, select_charges("FROM charges c WHERE c.operator_id = ?1 AND c.received_on >= ?2 "
                                    "AND c.received_on < ?3 ORDER BY c.received_on, c.number")),
      backlogs_(db_, "SELECT name, backlog_not_processed, backlog_processed FROM operators ORDER BY name")
{
}

std::optional<std::int64_t> connection::find_operator(const std::string& name)
{
    statement_use use{find_operator_};
    use->bindNoCopy(1, name);
    if (!use->executeStep()) return std::nullopt;
    return use->getColumn(0).getInt64();
}

std::int64_t connection::insert_operator(const std::string& name)
{
    statement_use use{insert_operator_};
    use->bindNoCopy(1, name);
    use->exec();
    return db_.getLastInsertRowid();
}

std::vector<stored_charge> connection::charges_by_numbers(std::int64_t operator_row,
                                                          const std::vector<std::string>& numbers)
{
    std::vector<stored_charge> found;
    found.reserve(numbers.size());
    for_each_in_chunks(charges_by_numbers_, operator_row, numbers, [&](SQLite::Statement& row) {
        found.push_back({row.getColumn(id_column).getInt64(), read_charge(row)});
    });
    return found;
}

std::vector<reference_owner> connection::owners_of(std::int64_t operator_row, const std::vector<std::string>& references)
{
    std::vector<reference_owner> found;
    found.reserve(references.size());
    for_each_in_chunks(owners_of_, operator_row, references, [&](SQLite::Statement& row) {
        found.push_back({row.getColumn(0).getString(), row.getColumn(1).getString()});
    });
    return found;
}

std::int64_t connection::insert_charge(std::int64_t operator_row, const charge& c)
{
    // Bound without a copy: every string lives until the statement has run.
    const std::string amount = c.amount.to_string();
    const std::string paid_through = format_date(c.paid_through_date);
    statement_use use{insert_charge_};
    use->bind(1, operator_row);
    use->bindNoCopy(2, c.number);
    use->bindNoCopy(3, c.billing_system_customer_identifier);
    use->bindNoCopy(4, amount);
    use->bindNoCopy(5, c.currency);
    bind_optional(*use, 6, c.local_currency_amount ? std::optional<std::string>{c.local_currency_amount->to_string()}
                                                   : std::nullopt);
    bind_optional(*use, 7, c.local_currency);
    use->bindNoCopy(8, paid_through);
    use->bind(9, static_cast<std::int64_t>(c.received_on.time_since_epoch().count()));
    bind_status(*use, 10, c);
    bind_acknowledgement(*use, 15, c);
    bind_decision(*use, 17, c);
    use->exec();
    return db_.getLastInsertRowid();
}

void connection::update_charges(const std::vector<changed_charge>& changes)
{
    // Only the columns a change touched are written: an acknowledgement is two columns.
    const auto write = [&](multi_row_statement& statement, bool changed_charge::*touched, auto bind_row) {
        std::vector<const changed_charge*> rows;
        for (const auto& change : changes)
            if (change.*touched) rows.push_back(&change);
        for_each_chunk(rows.size(), multi_row_statement::max_rows, [&](std::size_t begin, std::size_t count) {
            statement_use use{statement.for_rows(count)};
            for (std::size_t r = 0; r < count; ++r) {
                const int p = static_cast<int>(r) * statement.columns();
                use->bind(p + 1, rows[begin + r]->row);
                bind_row(*use, p + 2, *rows[begin + r]->after);
            }
            use->exec();
        });
    };
    write(update_statuses_, &changed_charge::status, [](SQLite::Statement& statement, int first, const charge& c) {
        bind_status(statement, first, c);
        bind_decision(statement, first + 5, c);
    });
    write(update_acknowledgements_, &changed_charge::acknowledgement, bind_acknowledgement);
}

void connection::insert_references(std::int64_t operator_row,
                                   const std::vector<std::pair<std::string, std::int64_t>>& rows)
{
    for_each_chunk(rows.size(), multi_row_statement::max_rows, [&](std::size_t begin, std::size_t count) {
        statement_use use{insert_references_.for_rows(count)};
        for (std::size_t r = 0; r < count; ++r) {
            const int p = static_cast<int>(r) * insert_references_.columns();
            use->bind(p + 1, operator_row);
            use->bindNoCopy(p + 2, rows[begin + r].first);
            use->bind(p + 3, rows[begin + r].second);
        }
        use->exec();
    });
}

std::optional<charge> connection::charge_by_number(std::int64_t operator_row, const std::string& number)
{
    statement_use use{charge_by_number_};
    use->bind(1, operator_row);
    use->bindNoCopy(2, number);
    if (!use->executeStep()) return std::nullopt;
    return read_charge(*use);
}

std::optional<charge> connection::charge_by_reference(std::int64_t operator_row, const std::string& reference)
{
    statement_use use{charge_by_reference_};
    use->bind(1, operator_row);
    use->bindNoCopy(2, reference);
    if (!use->executeStep()) return std::nullopt;
    return read_charge(*use);
}

std::vector<charge> connection::list_unacknowledged(std::int64_t operator_row, status_class cls,
                                                    const detail::list_position* after, std::int64_t skip,
                                                    std::int64_t limit)
{
    statement_use use{after ? list_unacknowledged_after_ : list_unacknowledged_};
    use->bind(1, operator_row);
    use->bind(2, cls == status_class::processed ? 1 : 0);
    use->bind(3, limit);
    use->bind(4, skip);
    if (after) {
        use->bind(5, static_cast<std::int64_t>(after->received_on.time_since_epoch().count()));
        use->bindNoCopy(6, after->number);
    }
    std::vector<charge> found;
    while (use->executeStep()) found.push_back(read_charge(*use));
    return found;
}

bool connection::is_token_revoked(const std::string& jti)
{
    statement_use use{is_token_revoked_};
    use->bindNoCopy(1, jti);
    return use->executeStep();
}

void connection::record_write(std::int64_t operator_row, const std::vector<journal_entry>& entries,
                              const detail::backlog_change& change)
{
    std::int64_t last = 0;
    {
        statement_use use{count_write_};
        use->bind(1, operator_row);
        use->bind(2, static_cast<std::int64_t>(entries.size()));
        use->bind(3, change.not_processed);
        use->bind(4, change.processed);
        if (!use->executeStep()) throw error{errc::internal_error, "", "a write of an unknown operator row"};
        last = use->getColumn(0).getInt64();
    }
    const std::int64_t first = last - static_cast<std::int64_t>(entries.size()) + 1;
    for_each_chunk(entries.size(), multi_row_statement::max_rows, [&](std::size_t begin, std::size_t count) {
        statement_use use{append_journal_.for_rows(count)};
        for (std::size_t r = 0; r < count; ++r) {
            const auto& entry = entries[begin + r];
            const int p = static_cast<int>(r) * append_journal_.columns();
            use->bind(p + 1, operator_row);
            use->bind(p + 2, first + static_cast<std::int64_t>(begin + r));
            use->bind(p + 3, static_cast<std::int64_t>(entry.at.time_since_epoch().count()));
            use->bind(p + 4, static_cast<int>(entry.kind));
            use->bindNoCopy(p + 5, entry.number);
            use->bind(p + 6, static_cast<int>(entry.status));
            bind_optional(*use, p + 7, entry.reference_number);
            bind_optional(*use, p + 8, entry.user);
            use->bindNoCopy(p + 9, entry.unit);
        }
        use->exec();
    });
}

std::vector<operator_backlog> connection::backlogs()
{
    statement_use use{backlogs_};
    std::vector<operator_backlog> all;
    while (use->executeStep()) {
        const auto not_processed = use->getColumn(1).getInt64();
        const auto processed = use->getColumn(2).getInt64();
        if (not_processed < 0 || processed < 0) corrupt("backlog of operator " + use->getColumn(0).getString());
        all.push_back({operator_id{use->getColumn(0).getString()}, static_cast<std::uint64_t>(not_processed),
                       static_cast<std::uint64_t>(processed)});
    }
    return all;
}

std::vector<journal_entry> connection::journal(std::int64_t operator_row, std::int64_t after, std::int64_t limit)
{
    statement_use use{journal_};
    use->bind(1, operator_row);
    use->bind(2, after);
    use->bind(3, limit);
    std::vector<journal_entry> entries;
    while (use->executeStep()) {
        journal_entry e;
        e.sequence = use->getColumn(0).getInt64();
        e.at = timestamp{std::chrono::seconds{use->getColumn(1).getInt64()}};
        const int kind = use->getColumn(2).getInt();
        const int status = use->getColumn(4).getInt();
        if (kind < 0 || kind > 4 || status < 0 || status > 4) corrupt(fmt::format("journal entry {}", e.sequence));
        e.kind = static_cast<journal_kind>(kind);
        e.number = use->getColumn(3).getString();
        e.status = static_cast<charge_status>(status);
        e.reference_number = optional_text(*use, 5);
        e.user = optional_text(*use, 6);
        e.unit = use->getColumn(7).getString();
        entries.push_back(std::move(e));
    }
    return entries;
}

void connection::for_each_received(std::int64_t operator_row, timestamp from, timestamp until,
                                   const std::function<void(const charge&)>& each)
{
    statement_use use{received_};
    use->bind(1, operator_row);
    use->bind(2, static_cast<std::int64_t>(from.time_since_epoch().count()));
    use->bind(3, static_cast<std::int64_t>(until.time_since_epoch().count()));
    while (use->executeStep()) each(read_charge(*use));
}

}  // namespace netflix_charges::sqlite_detail
