#pragma once

#include <netflix_charges/postgres_export.hpp>
#include <netflix_charges/charge_store.hpp>
#include <netflix_charges/credential_store.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

namespace netflix_charges {

struct postgres_options {
    // Connections kept open; calls run in parallel on them.
    std::size_t connections = 4;
    // How often a write whose transaction lost a race with another server (a serialization
    // failure, a deadlock, or a unique key taken meanwhile) is tried again before it fails with
    // `errc::storage_failure`. Each try reads the batch afresh, so nothing is applied twice.
    int max_attempts = 20;
    // How long a call waits for the database when its connection broke or cannot be made (a
    // restart, a failover): it runs again on a fresh connection until then, and only then
    // fails with `errc::storage_failure`.
    std::chrono::milliseconds reconnect_wait{5000};
};

// The charges, accounts and tokens of every operator in one PostgreSQL database, for several
// servers at once. Each batch is one transaction that locks the batch's charges (in number
// order, so two servers never deadlock on them) and relies on unique keys for new charges and
// reference numbers; a transaction that loses a race is retried from the start. Connecting
// applies the missing schema migrations (one server at a time, under an advisory lock); a
// database of a newer schema is refused. Every PostgreSQL fault becomes `errc::storage_failure`
// and applies nothing.
//
// **Example**:
//   netflix_charges::postgres_store store{"postgresql://billing@db.example/netflix_charges"};
//   netflix_charges::charges_service service{store};
class NETFLIX_CHARGES_POSTGRES_EXPORT postgres_store final : public charge_store, public credential_store {
public:
    // `url`: a libpq connection URI or key=value string.
    explicit postgres_store(const std::string& url, const postgres_options& options = {});
    ~postgres_store() override;
    postgres_store(const postgres_store&) = delete;
    postgres_store& operator=(const postgres_store&) = delete;

    // The schema version this build writes.
    static int schema_version();

    void write(const operator_id& op, const batch_keys& keys, const write_planner& planner) override;
    void write_parts(const operator_id& op, const next_part& next, const write_planner& planner) override;
    std::optional<charge> find_by_number(const operator_id& op, const std::string& number) override;
    std::optional<charge> find_by_reference(const operator_id& op, const std::string& reference_number) override;
    std::vector<charge> list_unacknowledged(const operator_id& op, status_class cls, std::size_t offset,
                                            std::size_t limit) override;
    std::vector<journal_entry> journal(const operator_id& op, std::int64_t after, std::size_t limit) override;
    std::size_t prune_journal(timestamp before) override;
    void for_each_received(const operator_id& op, timestamp from, timestamp until,
                           const std::function<void(const charge&)>& each) override;
    std::vector<operator_backlog> backlogs() override;

    bool insert_user(const user_record& user) override;
    std::optional<user_record> find_user(const operator_id& op, const std::string& username) override;
    void insert_api_key(const api_key_record& key) override;
    std::optional<api_key_record> find_api_key(const std::string& digest) override;
    std::vector<api_key_record> api_keys(const operator_id& op) override;
    bool revoke_api_key(const operator_id& op, const std::string& key_id, timestamp on) override;
    void revoke_token(const std::string& jti, timestamp expires_on, timestamp now) override;
    bool is_token_revoked(const std::string& jti) override;
    std::vector<signing_key_record> signing_keys(const signing_key_record& first) override;
    void add_signing_key(const signing_key_record& key) override;

    struct impl;

private:
    std::unique_ptr<impl> impl_;
};

}  // namespace netflix_charges
