#pragma once

#include <netflix_charges/export.hpp>
#include <netflix_charges/charge_store.hpp>
#include <netflix_charges/credential_store.hpp>

#include <memory>

namespace netflix_charges {

// A store in process memory, of charges and of accounts: for tests, demos and embedders that
// keep state elsewhere. Safe to use from many threads; a write holds an exclusive lock for its
// whole batch.
class NETFLIX_CHARGES_EXPORT memory_store final : public charge_store, public credential_store {
public:
    memory_store();
    ~memory_store() override;
    memory_store(const memory_store&) = delete;
    memory_store& operator=(const memory_store&) = delete;

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
    struct state;
    std::unique_ptr<state> state_;
};

}  // namespace netflix_charges
