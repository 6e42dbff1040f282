#include "schema.hpp"

#include <netflix_charges/errors.hpp>

#include <fmt/format.h>
#include <SQLiteCpp/Exception.h>
#include <SQLiteCpp/Statement.h>
#include <sqlite3.h>

namespace netflix_charges::sqlite_detail {

namespace {

const char* const schema_1 = R"sql(
CREATE TABLE operators (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE charges (
    id                                 INTEGER PRIMARY KEY,
    operator_id                        INTEGER NOT NULL REFERENCES operators (id),
    number                             TEXT NOT NULL,
    billing_system_customer_identifier TEXT NOT NULL,
    amount                             TEXT NOT NULL,  -- exact decimal, as written
    currency                           TEXT NOT NULL,
    local_currency_amount              TEXT,
    local_currency                     TEXT,
    paid_through_date                  TEXT NOT NULL,  -- YYYY-MM-DD
    status                             INTEGER NOT NULL CHECK (status BETWEEN 0 AND 4),
    processed                          INTEGER GENERATED ALWAYS AS (status <> 0) VIRTUAL,
    received_on                        INTEGER NOT NULL,  -- Unix seconds, UTC
    set_as_approved_on                 INTEGER,
    set_as_declined_on                 INTEGER,
    set_as_bad_request_on              INTEGER,
    set_as_rejected_request_on         INTEGER,
    acknowledged_on                    INTEGER,
    acknowledgement_reference          TEXT,
    decision                           INTEGER CHECK (decision IN (0, 1)),  -- 0 accept, 1 decline
    decided_on                         INTEGER,
    decision_reference                 TEXT,
    UNIQUE (operator_id, number)
);

-- The list query: one operator, one status class, not acknowledged, in list order.
CREATE INDEX charges_to_list ON charges (operator_id, processed, received_on, number)
    WHERE acknowledged_on IS NULL;

-- Reference numbers are unique per operator across acknowledgements, accepts and declines.
CREATE TABLE reference_numbers (
    operator_id      INTEGER NOT NULL REFERENCES operators (id),
    reference_number TEXT NOT NULL,
    charge_id        INTEGER NOT NULL REFERENCES charges (id),
    PRIMARY KEY (operator_id, reference_number)
) WITHOUT ROWID;
)sql";

// Accounts and tokens (the authentication work).
const char* const schema_2 = R"sql(
CREATE TABLE users (
    operator_id   INTEGER NOT NULL REFERENCES operators (id),
    username      TEXT NOT NULL,
    unit          TEXT NOT NULL,
    password_hash TEXT NOT NULL,  -- pbkdf2-sha256$iterations$salt$hash, never the password
    PRIMARY KEY (operator_id, username)
) WITHOUT ROWID;

CREATE TABLE api_keys (
    key_id      TEXT PRIMARY KEY,
    operator_id INTEGER NOT NULL REFERENCES operators (id),
    unit        TEXT NOT NULL,
    digest      TEXT NOT NULL UNIQUE,  -- hex SHA-256 of the key, never the key
    created_on  INTEGER NOT NULL,
    revoked_on  INTEGER
);

CREATE TABLE revoked_tokens (
    jti        TEXT PRIMARY KEY,
    expires_on INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE signing_keys (
    kid        TEXT PRIMARY KEY,
    secret     BLOB NOT NULL,
    created_on INTEGER NOT NULL
);
)sql";

// The journal (SPEC section 6), the operators' backlog counts, and the index the report reads
// charges by. Charges stored
// before this version have no entries: the journal starts with the upgrade.
const char* const schema_3 = R"sql(
ALTER TABLE operators ADD COLUMN last_journal_sequence INTEGER NOT NULL DEFAULT 0;
-- The backlog (charges not acknowledged, by status class), kept with every write.
ALTER TABLE operators ADD COLUMN backlog_not_processed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE operators ADD COLUMN backlog_processed INTEGER NOT NULL DEFAULT 0;
UPDATE operators SET
    backlog_not_processed = (SELECT count(*) FROM charges c
                             WHERE c.operator_id = operators.id AND c.processed = 0 AND c.acknowledged_on IS NULL),
    backlog_processed = (SELECT count(*) FROM charges c
                         WHERE c.operator_id = operators.id AND c.processed = 1 AND c.acknowledged_on IS NULL);

CREATE TABLE journal (
    operator_id      INTEGER NOT NULL REFERENCES operators (id),
    sequence         INTEGER NOT NULL,
    at               INTEGER NOT NULL,  -- Unix seconds, UTC
    kind             INTEGER NOT NULL CHECK (kind BETWEEN 0 AND 4),  -- journal_kind
    number           TEXT NOT NULL,
    charge_status    INTEGER NOT NULL CHECK (charge_status BETWEEN 0 AND 4),
    reference_number TEXT,
    actor_user       TEXT,  -- the caller's user or Web API key id; NULL: the host
    actor_unit       TEXT NOT NULL,
    PRIMARY KEY (operator_id, sequence)
) WITHOUT ROWID;

CREATE INDEX charges_received ON charges (operator_id, received_on, number);
)sql";

[[noreturn]] void refuse(const std::string& path, const std::string& why)
{
    throw error{errc::storage_failure, "", path + ": " + why + "; the file was left untouched"};
}

int read_version(SQLite::Database& db, const std::string& path)
{
    try {
        return db.execAndGet("PRAGMA user_version").getInt();
    } catch (const SQLite::Exception& e) {
        // A disk that fails to read is not a file of another kind: the message says which it is.
        const bool disk_fault = (e.getErrorCode() & 0xff) == SQLITE_IOERR;
        refuse(path, std::string{disk_fault ? "the disk failed to read it (" : "not a readable SQLite database ("} +
                         e.what() + ")");
    }
}

int count_objects(SQLite::Database& db, const std::string& path)
{
    try {
        return db.execAndGet("SELECT count(*) FROM sqlite_schema").getInt();
    } catch (const SQLite::Exception& e) {
        refuse(path, std::string{"the database is corrupt ("} + e.what() + ")");
    }
}

}  // namespace

const std::vector<migration>& migrations()
{
    static const std::vector<migration> all{{1, schema_1}, {2, schema_2}, {3, schema_3}};
    return all;
}

void prepare_database(SQLite::Database& db, const std::string& path, const std::vector<migration>& to_apply)
{
    const int latest = to_apply.empty() ? 0 : to_apply.back().version;
    const int found = read_version(db, path);
    if (found > latest)
        refuse(path, fmt::format("written by a newer version of netflix_charges (schema {}; this build knows up to {})",
                                 found, latest));
    if (count_objects(db, path) > 0 && found == 0) refuse(path, "an SQLite database not made by netflix_charges");

    db.exec("PRAGMA journal_mode = WAL");
    for (const auto& step : to_apply) {
        if (step.version <= found) continue;
        db.exec("BEGIN IMMEDIATE");
        try {
            // Another process may have migrated meanwhile: decide inside the transaction.
            if (db.execAndGet("PRAGMA user_version").getInt() < step.version) {
                db.exec(step.sql);
                db.exec(fmt::format("PRAGMA user_version = {}", step.version));
            }
            db.exec("COMMIT");
        } catch (...) {
            db.tryExec("ROLLBACK");
            throw;
        }
    }
}

}  // namespace netflix_charges::sqlite_detail
