#pragma once

#include <netflix_charges/export.hpp>
#include <netflix_charges/charge.hpp>
#include <netflix_charges/journal.hpp>
#include <netflix_charges/operator_id.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace netflix_charges {

// The charges and reference numbers a write touches.
struct batch_keys {
    std::vector<std::string> numbers;            // distinct charge numbers
    std::vector<std::string> reference_numbers;  // distinct reference numbers
};

// Who already holds a reference number (by acknowledgement, accept or decline).
struct reference_owner {
    std::string reference_number;
    std::string charge_number;
};

// The current state of exactly the keys asked for, read inside the write's transaction.
struct batch_snapshot {
    std::vector<charge> charges;                 // those of the numbers that exist
    std::vector<reference_owner> reference_owners;  // those of the references that are taken
    // In a part of `write_parts`: the numbers of its keys that a part before it had among its
    // keys already (empty in a `write`).
    std::vector<std::string> named_before;
};

// The keys of a write's next part, or nothing once there are no more parts.
using next_part = std::function<std::optional<batch_keys>()>;

// One operator's backlog: how many of its charges are not acknowledged, by status class.
struct operator_backlog {
    operator_id op;
    std::uint64_t not_processed = 0;
    std::uint64_t processed = 0;
};

// A change to one charge. Fields left empty are left as they are.
struct charge_update {
    std::string number;
    std::optional<charge_status> status;  // a new terminal status, with `status_on`
    timestamp status_on;
    std::optional<acknowledgement> acknowledged;
    std::optional<operator_decision> decision;
};

// Applies an update to a charge as it is held in memory: for stores that read, change and
// write whole charges.
NETFLIX_CHARGES_EXPORT void apply_update(charge& c, const charge_update& update);

// The distinct reference numbers an update gives its charge, or a charge holds (zero to two).
NETFLIX_CHARGES_EXPORT std::vector<std::string> references_of(const charge_update& update);
NETFLIX_CHARGES_EXPORT std::vector<std::string> references_of(const charge& c);

// What one atomic write stores: new charges (numbers the snapshot did not have), changes to
// charges of the snapshot, and the journal's entry for each of them. The store gives the
// entries their sequence numbers, in this order, and appends them in the same transaction.
struct batch_writes {
    std::vector<charge> inserts;
    std::vector<charge_update> updates;
    std::vector<journal_entry> journal;
};

// Decides the writes from a snapshot, or throws to abandon the whole write. It must only read
// the snapshot and write what it captures: a store may call it again when it retries.
using write_planner = std::function<batch_writes(const batch_snapshot&)>;

// The storage port. The service owns the rules; a store owns atomicity and concurrency.
// Every call is scoped to one operator and sees nothing of another. A store reports its
// faults as `netflix_charges::error` with `errc::storage_failure`, never as its own types.
//
// Every change goes through `write`: a SQL store implements it as one transaction of a few
// statements (read the keys' rows and reference numbers, call the planner, write, commit).
class NETFLIX_CHARGES_EXPORT charge_store {
public:
    virtual ~charge_store() = default;

    // Atomically: reads the keys, asks `planner` what to write, writes all of it or nothing.
    // Every insert is a number of `keys` absent from the snapshot; every update names a charge
    // present in it. An exception from the planner propagates and nothing is written.
    virtual void write(const operator_id& op, const batch_keys& keys, const write_planner& planner) = 0;

    // The same for a write too large to hold at once (an import), in parts, all in one atomic
    // write: for each part `next` gives, reads its keys (seeing what the parts before it wrote),
    // asks `planner` what to write for it and writes that; then commits every part, or none
    // when `next` or `planner` throws. Both are called once per part, in order, and never
    // again: a store that loses its transaction fails with storage_failure instead of retrying.
    // Other writes wait until it is done. What the store holds does not grow with the parts.
    virtual void write_parts(const operator_id& op, const next_part& next, const write_planner& planner) = 0;

    virtual std::optional<charge> find_by_number(const operator_id& op, const std::string& number) = 0;
    virtual std::optional<charge> find_by_reference(const operator_id& op, const std::string& reference_number) = 0;

    // The charges of a status class that are not acknowledged, ordered by
    // (received_on, number), skipping `offset`, at most `limit`.
    virtual std::vector<charge> list_unacknowledged(const operator_id& op, status_class cls, std::size_t offset,
                                                    std::size_t limit) = 0;

    // The operator's journal entries with a sequence above `after`, in sequence order, at most
    // `limit` of them.
    virtual std::vector<journal_entry> journal(const operator_id& op, std::int64_t after, std::size_t limit) = 0;

    // Removes every operator's journal entries made before `before`, leaving the charges and
    // the sequence numbers as they are (a later entry never reuses a removed one's number).
    // Returns how many it removed.
    virtual std::size_t prune_journal(timestamp before) = 0;

    // Calls `each` with every charge of the operator received in [from, until), in the list's
    // order (received_on, then number), reading a bounded number of rows at a time. `each`
    // must not call the store; an exception from it stops the reading and propagates.
    virtual void for_each_received(const operator_id& op, timestamp from, timestamp until,
                                   const std::function<void(const charge&)>& each) = 0;

    // Every operator's backlog. A store keeps the counts as it writes, so reading them costs
    // nothing per charge (the /metrics scrape reads them).
    virtual std::vector<operator_backlog> backlogs() = 0;
};

}  // namespace netflix_charges
