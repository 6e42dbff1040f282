#pragma once

// The benchmarks' baseline: what the store does for a list and an acknowledgement (with its
// journal entries), written directly with the sqlite3 C API on the store's schema, with the
// store's pragmas.

#include <netflix_charges/operations.hpp>

#include <sqlite3.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace bench {

class raw_sqlite {
public:
    explicit raw_sqlite(const std::string& path)
    {
        if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK)
            throw std::runtime_error("open failed");
        sqlite3_busy_timeout(db_, 5000);
        exec("PRAGMA journal_mode = WAL");
        exec("PRAGMA synchronous = FULL");
        exec("PRAGMA foreign_keys = ON");
        exec("PRAGMA wal_autocheckpoint = 3800");  // as the store's connections (src/sqlite/connection.cpp)
        // Every column of a charge, as the store reads a list page.
        list_ = prepare("SELECT c.number, c.billing_system_customer_identifier, c.amount, c.currency, "
                        "c.local_currency_amount, c.local_currency, c.paid_through_date, c.status, c.received_on, "
                        "c.set_as_approved_on, c.set_as_declined_on, c.set_as_bad_request_on, "
                        "c.set_as_rejected_request_on, c.acknowledged_on, c.acknowledgement_reference, c.decision, "
                        "c.decided_on, c.decision_reference, c.id FROM charges c "
                        "WHERE c.operator_id = (SELECT id FROM operators WHERE name = ?1) AND c.processed = 0 "
                        "AND c.acknowledged_on IS NULL ORDER BY c.received_on, c.number LIMIT ?2");
        update_ = prepare("UPDATE charges SET acknowledged_on = ?1, acknowledgement_reference = ?2 "
                          "WHERE operator_id = (SELECT id FROM operators WHERE name = ?3) AND number = ?4");
        reference_ = prepare("INSERT INTO reference_numbers (operator_id, reference_number, charge_id) "
                             "SELECT operator_id, ?1, id FROM charges WHERE number = ?2 AND operator_id = "
                             "(SELECT id FROM operators WHERE name = ?3)");
        // The journal, as the store writes it: the operator's next sequence numbers, then one
        // entry per acknowledged charge.
        take_sequences_ = prepare("UPDATE operators SET last_journal_sequence = last_journal_sequence + ?1 "
                                  "WHERE name = ?2 RETURNING last_journal_sequence");
        journal_ = prepare("INSERT INTO journal (operator_id, sequence, at, kind, number, charge_status, "
                           "reference_number, actor_user, actor_unit) SELECT id, ?1, ?2, 2, ?3, 0, ?4, ?5, '' "
                           "FROM operators WHERE name = ?6");
    }
    ~raw_sqlite()
    {
        sqlite3_finalize(list_);
        sqlite3_finalize(update_);
        sqlite3_finalize(reference_);
        sqlite3_finalize(take_sequences_);
        sqlite3_finalize(journal_);
        sqlite3_close(db_);
    }
    raw_sqlite(const raw_sqlite&) = delete;
    raw_sqlite& operator=(const raw_sqlite&) = delete;

    // The first `limit` unacknowledged PENDING charges of `operator_name`, each column read.
    std::vector<netflix_charges::charge_item> first_unacknowledged(const std::string& operator_name, int limit)
    {
        sqlite3_bind_text(list_, 1, operator_name.c_str(), -1, SQLITE_STATIC);
        sqlite3_bind_int(list_, 2, limit);
        std::vector<netflix_charges::charge_item> page;
        int rc = SQLITE_ROW;
        while ((rc = sqlite3_step(list_)) == SQLITE_ROW) {
            for (int column = 2; column < sqlite3_column_count(list_); ++column) sqlite3_column_text(list_, column);
            page.push_back({column_text(0), column_text(1), std::nullopt});
        }
        sqlite3_reset(list_);
        if (rc != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db_));
        return page;
    }

    // The journal's inserts can be left out, to measure what they cost.
    enum class journal { written, left_out };

    [[gnu::noinline]] void acknowledge(const std::string& operator_name,
                                       const std::vector<netflix_charges::charge_item>& batch, std::int64_t now,
                                       journal entries = journal::written)  // a profile shows it
    {
        exec("BEGIN IMMEDIATE");
        std::int64_t sequence = 0;
        if (entries == journal::written) {
            sqlite3_bind_int64(take_sequences_, 1, static_cast<std::int64_t>(batch.size()));
            sqlite3_bind_text(take_sequences_, 2, operator_name.c_str(), -1, SQLITE_STATIC);
            if (sqlite3_step(take_sequences_) != SQLITE_ROW) throw std::runtime_error(sqlite3_errmsg(db_));
            sequence = sqlite3_column_int64(take_sequences_, 0) - static_cast<std::int64_t>(batch.size());
            sqlite3_reset(take_sequences_);
        }
        for (const auto& item : batch) {
            sqlite3_bind_int64(update_, 1, now);
            sqlite3_bind_text(update_, 2, item.reference_number->c_str(), -1, SQLITE_STATIC);
            sqlite3_bind_text(update_, 3, operator_name.c_str(), -1, SQLITE_STATIC);
            sqlite3_bind_text(update_, 4, item.number.c_str(), -1, SQLITE_STATIC);
            step(update_);
            sqlite3_bind_text(reference_, 1, item.reference_number->c_str(), -1, SQLITE_STATIC);
            sqlite3_bind_text(reference_, 2, item.number.c_str(), -1, SQLITE_STATIC);
            sqlite3_bind_text(reference_, 3, operator_name.c_str(), -1, SQLITE_STATIC);
            step(reference_);
            if (entries == journal::written) {
                sqlite3_bind_int64(journal_, 1, ++sequence);
                sqlite3_bind_int64(journal_, 2, now);
                sqlite3_bind_text(journal_, 3, item.number.c_str(), -1, SQLITE_STATIC);
                sqlite3_bind_text(journal_, 4, item.reference_number->c_str(), -1, SQLITE_STATIC);
                sqlite3_bind_text(journal_, 5, "bench-billing", -1, SQLITE_STATIC);
                sqlite3_bind_text(journal_, 6, operator_name.c_str(), -1, SQLITE_STATIC);
                step(journal_);
            }
        }
        exec("COMMIT");
    }

    // How many of the operator's charges were received in [from, until), reading the three
    // columns a report sums (status, currency, amount) of each: the report's baseline.
    std::size_t scan_received(const std::string& operator_name, std::int64_t from, std::int64_t until)
    {
        sqlite3_stmt* scan = prepare("SELECT c.status, c.currency, c.amount FROM charges c WHERE c.operator_id = "
                                     "(SELECT id FROM operators WHERE name = ?1) AND c.received_on >= ?2 "
                                     "AND c.received_on < ?3 ORDER BY c.received_on, c.number");
        sqlite3_bind_text(scan, 1, operator_name.c_str(), -1, SQLITE_STATIC);
        sqlite3_bind_int64(scan, 2, from);
        sqlite3_bind_int64(scan, 3, until);
        std::size_t rows = 0;
        std::size_t bytes = 0;
        while (sqlite3_step(scan) == SQLITE_ROW) {
            ++rows;
            bytes += static_cast<std::size_t>(sqlite3_column_int(scan, 0)) +
                     static_cast<std::size_t>(sqlite3_column_bytes(scan, 1) + sqlite3_column_bytes(scan, 2));
        }
        sqlite3_finalize(scan);
        return bytes > 0 ? rows : 0;
    }

private:
    std::string column_text(int column)
    {
        return {reinterpret_cast<const char*>(sqlite3_column_text(list_, column)),
                static_cast<std::size_t>(sqlite3_column_bytes(list_, column))};
    }
    void exec(const char* sql)
    {
        if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) throw std::runtime_error(sqlite3_errmsg(db_));
    }
    sqlite3_stmt* prepare(const char* sql)
    {
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr) != SQLITE_OK)
            throw std::runtime_error(sqlite3_errmsg(db_));
        return statement;
    }
    void step(sqlite3_stmt* statement)
    {
        if (sqlite3_step(statement) != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db_));
        sqlite3_reset(statement);
    }

    sqlite3* db_ = nullptr;
    sqlite3_stmt* list_ = nullptr;
    sqlite3_stmt* update_ = nullptr;
    sqlite3_stmt* reference_ = nullptr;
    sqlite3_stmt* take_sequences_ = nullptr;
    sqlite3_stmt* journal_ = nullptr;
};

}  // namespace bench
