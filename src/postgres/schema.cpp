#include "schema.hpp"

#include <netflix_charges/errors.hpp>

#include <fmt/format.h>

#include <string>
#include <vector>

namespace netflix_charges::postgres_detail {

namespace {

struct migration {
    int version;
    const char* sql;
};

// The same tables as the SQLite store's migrations 1 to 3, in PostgreSQL's types.
const std::vector<migration>& migrations()
{
    static const std::vector<migration> all{
        {1, R"sql(
CREATE TABLE operators (
    id   BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE charges (
    id                                 BIGSERIAL PRIMARY KEY,
    operator_id                        BIGINT NOT NULL REFERENCES operators (id),
    number                             TEXT NOT NULL,
    billing_system_customer_identifier TEXT NOT NULL,
    amount                             TEXT NOT NULL,  -- exact decimal, as written
    currency                           TEXT NOT NULL,
    local_currency_amount              TEXT,
    local_currency                     TEXT,
    paid_through_date                  TEXT NOT NULL,  -- YYYY-MM-DD
    status                             SMALLINT NOT NULL CHECK (status BETWEEN 0 AND 4),
    processed                          BOOLEAN GENERATED ALWAYS AS (status <> 0) STORED,
    received_on                        BIGINT NOT NULL,  -- Unix seconds, UTC
    set_as_approved_on                 BIGINT,
    set_as_declined_on                 BIGINT,
    set_as_bad_request_on              BIGINT,
    set_as_rejected_request_on         BIGINT,
    acknowledged_on                    BIGINT,
    acknowledgement_reference          TEXT,
    decision                           SMALLINT CHECK (decision IN (0, 1)),  -- 0 accept, 1 decline
    decided_on                         BIGINT,
    decision_reference                 TEXT,
    UNIQUE (operator_id, number)
);
CREATE INDEX charges_to_list ON charges (operator_id, processed, received_on, number)
    WHERE acknowledged_on IS NULL;
CREATE TABLE reference_numbers (
    operator_id      BIGINT NOT NULL REFERENCES operators (id),
    reference_number TEXT NOT NULL,
    charge_id        BIGINT NOT NULL REFERENCES charges (id),
    PRIMARY KEY (operator_id, reference_number)
);
)sql"},
        {2, R"sql(
CREATE TABLE users (
    operator_id   BIGINT NOT NULL REFERENCES operators (id),
    username      TEXT NOT NULL,
    unit          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    PRIMARY KEY (operator_id, username)
);
CREATE TABLE api_keys (
    key_id      TEXT PRIMARY KEY,
    operator_id BIGINT NOT NULL REFERENCES operators (id),
    unit        TEXT NOT NULL,
    digest      TEXT NOT NULL UNIQUE,
    created_on  BIGINT NOT NULL,
    revoked_on  BIGINT
);
CREATE TABLE revoked_tokens (
    jti        TEXT PRIMARY KEY,
    expires_on BIGINT NOT NULL
);
CREATE TABLE signing_keys (
    id         BIGSERIAL PRIMARY KEY,
    kid        TEXT NOT NULL UNIQUE,
    secret     BYTEA NOT NULL,
    created_on BIGINT NOT NULL
);
)sql"},
        {3, R"sql(
ALTER TABLE operators ADD COLUMN last_journal_sequence BIGINT NOT NULL DEFAULT 0;
ALTER TABLE operators ADD COLUMN backlog_not_processed BIGINT NOT NULL DEFAULT 0;
ALTER TABLE operators ADD COLUMN backlog_processed BIGINT NOT NULL DEFAULT 0;
UPDATE operators SET
    backlog_not_processed = (SELECT count(*) FROM charges c
                             WHERE c.operator_id = operators.id AND NOT c.processed AND c.acknowledged_on IS NULL),
    backlog_processed = (SELECT count(*) FROM charges c
                         WHERE c.operator_id = operators.id AND c.processed AND c.acknowledged_on IS NULL);
CREATE TABLE journal (
    operator_id      BIGINT NOT NULL REFERENCES operators (id),
    sequence         BIGINT NOT NULL,
    at               BIGINT NOT NULL,
    kind             SMALLINT NOT NULL CHECK (kind BETWEEN 0 AND 4),
    number           TEXT NOT NULL,
    charge_status    SMALLINT NOT NULL CHECK (charge_status BETWEEN 0 AND 4),
    reference_number TEXT,
    actor_user       TEXT,
    actor_unit       TEXT NOT NULL,
    PRIMARY KEY (operator_id, sequence)
);
CREATE INDEX charges_received ON charges (operator_id, received_on, number);
)sql"},
    };
    return all;
}

// Any number will do, as long as it is ours: "netflix_charges" in ASCII, truncated.
constexpr long long migration_lock = 0x6e6574666c6978;

}  // namespace

int latest_schema_version() { return migrations().back().version; }

void prepare_database(pqxx::connection& connection)
{
    pqxx::work setup{connection};
    setup.exec(fmt::format("SELECT pg_advisory_xact_lock({})", migration_lock));
    setup.exec0("CREATE TABLE IF NOT EXISTS netflix_charges_schema (version INTEGER NOT NULL)");
    const auto found = setup.exec("SELECT max(version) FROM netflix_charges_schema");
    const int current = found[0][0].is_null() ? 0 : found[0][0].as<int>();
    if (current > latest_schema_version())
        throw error{errc::storage_failure, "",
                    fmt::format("the database was written by a newer version of netflix_charges (schema {}; this "
                                "build knows up to {})",
                                current, latest_schema_version())};
    for (const auto& step : migrations()) {
        if (step.version <= current) continue;
        setup.exec0(step.sql);
        setup.exec_params0("INSERT INTO netflix_charges_schema (version) VALUES ($1)", step.version);
    }
    setup.commit();  // all the missing steps at once: a server sees the old schema or the new one
}

}  // namespace netflix_charges::postgres_detail
