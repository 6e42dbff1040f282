#pragma once

#include <netflix_charges/sqlite_export.hpp>
#include <netflix_charges/charge_store.hpp>
#include <netflix_charges/credential_store.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace netflix_charges {

// SQLite's `PRAGMA synchronous`: how hard a commit waits for the disk.
enum class sqlite_synchronous {
    normal,  // durable against a process crash; a power loss may lose the last commits
    full,    // durable against a power loss too (the default)
    extra,   // FULL, and the directory is synced too
};

struct sqlite_options {
    sqlite_synchronous synchronous = sqlite_synchronous::full;
    // How long a write waits for another process's write to finish before it fails with
    // `errc::storage_failure`.
    std::chrono::milliseconds busy_timeout{5000};
    // Connections kept open; reads run in parallel on them, writes one at a time.
    std::size_t connections = 4;
    // A cap on the database's size in pages (`PRAGMA max_page_count`); 0 leaves SQLite's own.
    std::int64_t max_page_count = 0;
    // Group commit: writes that arrive while another commits go into the next transaction
    // together, each in its own savepoint, and one COMMIT (one fsync) makes them all durable.
    // Each still returns only once durable, and fails alone when its own rules refuse it.
    bool group_commit = true;
};

// What a backup holds (sqlite_store::backup).
struct sqlite_backup_summary {
    int schema_version = 0;
    std::uint64_t operators = 0;
    std::uint64_t charges = 0;
    std::uint64_t journal_entries = 0;
    std::uint64_t bytes = 0;  // the copy's size
};

// The charges, accounts and tokens of every operator in one SQLite file (WAL mode). Safe to use from many threads,
// and from several processes on the same file. Opening a database written by an older
// version upgrades it; a newer version's database, a file that is not SQLite, or one that is
// not ours is refused with `errc::storage_failure` and left untouched. Every fault of SQLite
// (locked past the busy timeout, disk full, read-only, I/O) becomes `errc::storage_failure`
// and applies nothing; the store keeps working once the fault is gone.
//
// **Example**:
//   netflix_charges::sqlite_store store{"charges.db"};
//   netflix_charges::charges_service service{store};
class NETFLIX_CHARGES_SQLITE_EXPORT sqlite_store final : public charge_store, public credential_store {
public:
    explicit sqlite_store(const std::string& path, const sqlite_options& options = {});
    ~sqlite_store() override;
    sqlite_store(const sqlite_store&) = delete;
    sqlite_store& operator=(const sqlite_store&) = delete;

    // The schema version (`PRAGMA user_version`) this build writes.
    static int schema_version();

    // A consistent copy of the database at `from`, taken while servers keep reading and writing
    // it (SQLite's online backup, all pages in one read transaction, which in WAL mode waits for
    // no writer and holds none up), written to `to`, which must not exist, then checked
    // (`PRAGMA integrity_check`).
    // Every write committed before the call began is in the copy. Restore by stopping the
    // servers and putting the copy in the database's place (removing its -wal and -shm files).
    // Throws error{storage_failure}, with nothing left at `to`, when it cannot.
    static sqlite_backup_summary backup(const std::string& from, const std::string& to,
                                        const sqlite_options& options = {});

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

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace netflix_charges
