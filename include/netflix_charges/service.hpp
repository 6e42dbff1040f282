#pragma once

#include <netflix_charges/export.hpp>
#include <netflix_charges/charge.hpp>
#include <netflix_charges/charge_store.hpp>
#include <netflix_charges/clock.hpp>
#include <netflix_charges/errors.hpp>
#include <netflix_charges/identity.hpp>
#include <netflix_charges/journal.hpp>
#include <netflix_charges/limits.hpp>
#include <netflix_charges/operations.hpp>
#include <netflix_charges/operator_id.hpp>
#include <netflix_charges/report.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace netflix_charges {

// One charge of an import (the sample server's `import`): its details and, when processed
// already, its status and the time it entered it (the clock's now when not given).
struct imported_charge {
    new_charge details;
    charge_status status = charge_status::pending;
    std::optional<timestamp> status_on;
};

// An import's charges, part by part: fills `part` (given empty) with the next ones, at most
// limits::max_import_part, and returns false once there are none left.
using import_source = std::function<bool(std::vector<imported_charge>& part)>;

// Told of a bad charge of an import: its position among all the charges given (from 0), and why.
using import_problem = std::function<void(std::size_t position, const error& why)>;

struct import_summary {
    std::size_t issued = 0;     // new charges
    std::size_t processed = 0;  // existing PENDING charges given their outcome
    std::size_t unchanged = 0;  // existing charges the import repeats exactly
};

// The Netflix charges of every operator, as plain C++ calls: the host CRM's side (issue,
// record an outcome, look up) and the operator's side (list, acknowledge, accept, decline).
// Thread-safe as far as its store is. A whole call that cannot be done throws
// `netflix_charges::error` and changes nothing; a failed item of a batch is a value in
// `batch_result::failed`.
//
// **Example**:
//   netflix_charges::memory_store store;
//   netflix_charges::charges_service service{store};
//   auto who = netflix_charges::identity::vouched_for_by_host("billing", netflix_charges::operator_id{"ps_dev"}, "1");
//   auto result = service.acknowledge(who, {{"I00002707", "pp", std::nullopt}});
//   for (const auto& f : result.failed) std::cout << f.number << ": " << f.description << '\n';
class NETFLIX_CHARGES_EXPORT charges_service {
public:
    // Neither the store nor the clock is owned: both must outlive the service.
    explicit charges_service(charge_store& store, const clock& time_source = default_clock());

    // --- host side ---

    // A new charge enters PENDING. Issuing a number the operator already has is a no-op that
    // returns the stored charge when the details are the same, and `errc::charge_conflict`
    // otherwise.
    charge issue(const operator_id& op, const new_charge& c);

    // Issues many charges in one atomic write (imports, data loads): all of them, or, when
    // one conflicts or is malformed, none. Returns them in the order given.
    std::vector<charge> issue_many(const operator_id& op, const std::vector<new_charge>& charges);

    // Imports charges in one atomic write: a new number is issued (and given its status when
    // that is not PENDING); an existing one with the same details is unchanged, or given its
    // outcome when it is PENDING and the import says processed. Anything else — other details,
    // another outcome for a processed charge, a number twice — is an error naming the number,
    // and nothing is written.
    import_summary import_charges(const operator_id& op, const std::vector<imported_charge>& charges);

    // The same for an import too large to hold (the sample server's `import` of a file): read
    // from `next` part by part, in one atomic write, so memory does not grow with it. Every
    // charge is checked, and each bad one given to `on_bad` (a number given twice: its later
    // places) while its part is the last one `next` gave; when there was one, nothing is
    // written and error{errc::invalid_parameter} says how many. An exception from `next` or
    // `on_bad` propagates and nothing is written. Other writes wait until it is done.
    import_summary import_in_parts(const operator_id& op, const import_source& next, const import_problem& on_bad);

    // Processing moves a PENDING charge, once, to a terminal status, with its `set_as_..._on`
    // time (the clock's now when not given). Recording the same status again is a no-op;
    // any other change of a processed charge is `errc::invalid_transition`.
    charge record_outcome(const operator_id& op, const std::string& number, charge_status outcome,
                          std::optional<timestamp> on = std::nullopt);

    std::optional<charge> find(const operator_id& op, const std::string& number);

    // The charge that holds a reference number (by acknowledgement, accept or decline).
    std::optional<charge> find_by_reference(const operator_id& op, const std::string& reference_number);

    // --- operator side (CRM.COM netflix/charges/...) ---
    // Each takes the caller's verified identity (from authenticator::verify): the operator is
    // its `organisation`, never a value from a request body.

    // Unacknowledged charges of one status class, oldest `received_on` first, then by number.
    std::vector<charge> list(const identity& who, const list_request& request);

    // Marks charges as taken by the operator's billing system: a later list omits them.
    batch_result acknowledge(const identity& who, const std::vector<charge_item>& items);

    // Moves PENDING charges to APPROVED (the operator will bill them).
    batch_result accept(const identity& who, const std::vector<charge_item>& items);

    // Moves PENDING charges to DECLINED (the operator will not bill them).
    batch_result decline(const identity& who, const std::vector<charge_item>& items);

    // --- the journal (host side; docs/journal.md) ---
    // Every call above that changes a charge writes one entry per changed charge, in the same
    // atomic write, with the caller's user and unit (nothing for the host side). Replays and
    // failed items write none.

    // The operator's entries with a sequence above `after` (0: from the first), oldest first,
    // at most `limit` (1 to limits::max_journal_entries). A reader keeps the last sequence it
    // has acted on and passes it as `after` next time: each entry is read at least once.
    std::vector<journal_entry> journal(const operator_id& op, std::int64_t after = 0,
                                       std::size_t limit = limits::max_journal_entries);

    // Removes every operator's entries made before `before` (retention); charges stay as
    // they are. Returns how many were removed.
    std::size_t prune_journal(timestamp before);

    // Every operator's backlog (charges not acknowledged, by status class), as the store keeps
    // it: no charge is read.
    std::vector<operator_backlog> backlogs();

    // --- reconciliation (host side; docs/journal.md) ---

    // The operator's charges received from `from` to `to` (both days included, UTC), one row
    // per status and currency with their count and exact sum.
    std::vector<report_row> report(const operator_id& op, const date& from, const date& to);

    // Calls `each` with every charge of the same period, in list order, a bounded number held
    // in memory at a time. `each` must not call the service.
    void for_each_received(const operator_id& op, const date& from, const date& to,
                           const std::function<void(const charge&)>& each);

private:
    static const clock& default_clock();

    charge_store& store_;
    const clock& clock_;
};

}  // namespace netflix_charges
