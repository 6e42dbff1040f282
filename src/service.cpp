#include <netflix_charges/service.hpp>

#include "batch_rules.hpp"
#include "new_charges.hpp"
#include "validation.hpp"

#include <netflix_charges/limits.hpp>

#include <fmt/format.h>

#include <chrono>
#include <map>
#include <utility>

namespace netflix_charges {

using detail::host_entry;
using detail::pending_charge;
using detail::same_details;

namespace {

// New charges about to be issued, each checked: the batch's keys, and each number's position
// in the list. A number given twice is refused.
struct new_charge_batch {
    batch_keys keys;
    std::map<std::string, std::size_t> position;
};

new_charge_batch checked_new_charges(const std::vector<new_charge>& charges)
{
    new_charge_batch batch;
    for (std::size_t i = 0; i < charges.size(); ++i) {
        const new_charge& c = charges[i];
        validation::check_new_charge(c, i);
        if (!batch.position.emplace(c.number, i).second) throw detail::given_twice(c.number, i);
        batch.keys.numbers.push_back(c.number);
    }
    return batch;
}

batch_result run_batch(charge_store& store, const clock& time_source, batch_operation operation,
                       const identity& who, const std::vector<charge_item>& items)
{
    const operator_id& op = who.organisation();
    validation::check_operator(op);
    validation::check_items(items);
    const timestamp now = time_source.now();
    batch_plan plan;
    store.write(op, keys_of(items), [&](const batch_snapshot& snapshot) {
        plan = plan_batch(operation, items, snapshot, now);
        for (auto& entry : plan.journal) {
            entry.user = who.user();
            entry.unit = who.unit();
        }
        return batch_writes{{}, std::move(plan.updates), std::move(plan.journal)};  // a retry plans again
    });
    return {std::move(plan.failures)};
}

}  // namespace

charges_service::charges_service(charge_store& store, const clock& time_source) : store_(store), clock_(time_source) {}

const clock& charges_service::default_clock()
{
    static const system_clock instance;
    return instance;
}

charge charges_service::issue(const operator_id& op, const new_charge& c)
{
    return issue_many(op, {c}).front();
}

std::vector<charge> charges_service::issue_many(const operator_id& op, const std::vector<new_charge>& charges)
{
    validation::check_operator(op);
    const auto batch = checked_new_charges(charges);
    const auto& position = batch.position;
    const timestamp now = clock_.now();

    std::vector<charge> result(charges.size());
    store_.write(op, batch.keys, [&](const batch_snapshot& snapshot) {
        batch_writes writes;
        std::vector<bool> stored_already(charges.size(), false);
        for (const auto& existing : snapshot.charges) {
            const std::size_t i = position.at(existing.number);
            if (!same_details(existing, charges[i]))
                throw error{errc::charge_conflict, error_subject{"number", i, existing.number}};
            result[i] = existing;
            stored_already[i] = true;
        }
        for (std::size_t i = 0; i < charges.size(); ++i)
            if (!stored_already[i]) {
                result[i] = pending_charge(charges[i], now);
                writes.inserts.push_back(result[i]);
                writes.journal.push_back(host_entry(journal_kind::issued, result[i].number, result[i].status, now));
            }
        return writes;
    });
    return result;
}

charge charges_service::record_outcome(const operator_id& op, const std::string& number, charge_status outcome,
                                       std::optional<timestamp> on)
{
    validation::check_operator(op);
    validation::check_text("number", number, limits::max_number_length);
    if (outcome == charge_status::pending)
        throw error{errc::invalid_parameter, "charge_status", "must be a terminal status, not PENDING"};
    const timestamp now = clock_.now();
    const timestamp when = on.value_or(now);

    charge result;
    store_.write(op, {{number}, {}}, [&](const batch_snapshot& snapshot) {
        if (snapshot.charges.empty()) throw error{errc::unknown_charge, error_subject{"number", std::nullopt, number}};
        result = snapshot.charges.front();
        batch_writes writes;
        if (result.status == outcome) return writes;  // recorded already: a replay
        if (result.status != charge_status::pending)
            throw error{errc::invalid_transition, error_subject{"number", std::nullopt, number},
                        "is " + std::string{to_string(result.status)} + " already"};
        charge_update update;
        update.number = number;
        update.status = outcome;
        update.status_on = when;
        apply_update(result, update);
        writes.updates.push_back(update);
        writes.journal.push_back(host_entry(journal_kind::processed, number, outcome, now));
        return writes;
    });
    return result;
}

std::optional<charge> charges_service::find(const operator_id& op, const std::string& number)
{
    validation::check_operator(op);
    return store_.find_by_number(op, number);
}

std::optional<charge> charges_service::find_by_reference(const operator_id& op, const std::string& reference_number)
{
    validation::check_operator(op);
    return store_.find_by_reference(op, reference_number);
}

std::vector<charge> charges_service::list(const identity& who, const list_request& request)
{
    validation::check_list(who.organisation(), request);
    return store_.list_unacknowledged(who.organisation(), request.charge_status, request.offset,
                                      request.number_of_results);
}

batch_result charges_service::acknowledge(const identity& who, const std::vector<charge_item>& items)
{
    return run_batch(store_, clock_, batch_operation::acknowledge, who, items);
}

batch_result charges_service::accept(const identity& who, const std::vector<charge_item>& items)
{
    return run_batch(store_, clock_, batch_operation::accept, who, items);
}

batch_result charges_service::decline(const identity& who, const std::vector<charge_item>& items)
{
    return run_batch(store_, clock_, batch_operation::decline, who, items);
}

std::vector<journal_entry> charges_service::journal(const operator_id& op, std::int64_t after, std::size_t limit)
{
    validation::check_operator(op);
    if (after < 0) throw error{errc::invalid_parameter, "after", "must be 0 or a sequence number"};
    if (limit < 1 || limit > limits::max_journal_entries)
        throw error{errc::invalid_parameter, "limit",
                    fmt::format("must be 1 to {}", limits::max_journal_entries)};
    return store_.journal(op, after, limit);
}

std::size_t charges_service::prune_journal(timestamp before) { return store_.prune_journal(before); }

std::vector<operator_backlog> charges_service::backlogs() { return store_.backlogs(); }

namespace {

// The start of a day, UTC; nothing for a day that is not a date from 1970-01-01 to 9999-12-31.
std::optional<timestamp> start_of(const date& d)
{
    return parse_timestamp(format_date(d) + "T00:00:00");
}

}  // namespace

void charges_service::for_each_received(const operator_id& op, const date& from, const date& to,
                                        const std::function<void(const charge&)>& each)
{
    validation::check_operator(op);
    const auto first = start_of(from);
    const auto last = start_of(to);
    for (const auto& [field, day] : {std::pair{"from", &first}, std::pair{"to", &last}})
        if (!*day) throw error{errc::invalid_parameter, field, "must be a date from 1970-01-01 to 9999-12-31"};
    if (*last < *first) throw error{errc::invalid_parameter, "to", "must not be before from"};
    store_.for_each_received(op, *first, *last + std::chrono::hours{24}, each);
}

std::vector<report_row> charges_service::report(const operator_id& op, const date& from, const date& to)
{
    report_totals totals;
    for_each_received(op, from, to, [&](const charge& c) { totals.add(c); });
    return totals.rows();
}

}  // namespace netflix_charges
