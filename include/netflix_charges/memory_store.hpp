#pragma once

#include <netflix_charges/charge_store.hpp>

#include <memory>

namespace netflix_charges {

// A store in process memory: for tests, demos and embedders that keep state elsewhere.
// Safe to use from many threads; an update holds an exclusive lock for its whole batch.
class memory_store final : public charge_store {
public:
    memory_store();
    ~memory_store() override;
    memory_store(const memory_store&) = delete;
    memory_store& operator=(const memory_store&) = delete;

    void write(const operator_id& op, const batch_keys& keys, const write_planner& planner) override;
    std::optional<charge> find_by_number(const operator_id& op, const std::string& number) override;
    std::optional<charge> find_by_reference(const operator_id& op, const std::string& reference_number) override;
    std::vector<charge> list_unacknowledged(const operator_id& op, status_class cls, std::size_t offset,
                                            std::size_t limit) override;

private:
    struct state;
    std::unique_ptr<state> state_;
};

}  // namespace netflix_charges
