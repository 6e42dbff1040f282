#include <netflix_charges/service.hpp>

#include "batch_rules.hpp"
#include "validation.hpp"

#include <netflix_charges/limits.hpp>

namespace netflix_charges {

namespace {

bool same_details(const charge& stored, const new_charge& c)
{
    return stored.billing_system_customer_identifier == c.billing_system_customer_identifier &&
           stored.amount == c.amount && stored.currency == c.currency &&
           stored.local_currency_amount == c.local_currency_amount && stored.local_currency == c.local_currency &&
           stored.paid_through_date == c.paid_through_date && (!c.received_on || stored.received_on == *c.received_on);
}

batch_result run_batch(charge_store& store, const clock& time_source, batch_operation operation,
                       const operator_id& op, const std::vector<charge_item>& items)
{
    validation::check_operator(op);
    validation::check_items(set_name(operation), items);
    const timestamp now = time_source.now();
    batch_plan plan;
    store.update(op, keys_of(items), [&](const batch_snapshot& snapshot) {
        plan = plan_batch(operation, items, snapshot, now);
        return plan.updates;
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
    validation::check_operator(op);
    validation::check_new_charge(c);
    charge stored;
    stored.number = c.number;
    stored.billing_system_customer_identifier = c.billing_system_customer_identifier;
    stored.amount = c.amount;
    stored.currency = c.currency;
    stored.local_currency_amount = c.local_currency_amount;
    stored.local_currency = c.local_currency;
    stored.paid_through_date = c.paid_through_date;
    stored.received_on = c.received_on.value_or(clock_.now());
    if (auto existing = store_.insert(op, stored)) {
        if (!same_details(*existing, c))
            throw error{errc::charge_conflict, "number", "charge " + c.number + " exists with different details"};
        return *existing;
    }
    return stored;
}

charge charges_service::record_outcome(const operator_id& op, const std::string& number, charge_status outcome,
                                       std::optional<timestamp> on)
{
    validation::check_operator(op);
    validation::check_text("number", number, limits::max_number_length);
    if (outcome == charge_status::pending)
        throw error{errc::invalid_parameter, "charge_status", "an outcome is a terminal status, not PENDING"};
    const timestamp when = on.value_or(clock_.now());

    std::optional<errc> failure;
    charge result;
    store_.update(op, {{number}, {}}, [&](const batch_snapshot& snapshot) -> std::vector<charge_update> {
        failure.reset();
        if (snapshot.charges.empty()) {
            failure = errc::unknown_charge;
            return {};
        }
        result = snapshot.charges.front();
        if (result.status == outcome) return {};  // recorded already: a replay
        if (result.status != charge_status::pending) {
            failure = errc::invalid_transition;
            return {};
        }
        charge_update update;
        update.number = number;
        update.status = outcome;
        update.status_on = when;
        apply_update(result, update);
        return {update};
    });
    if (failure) throw error{*failure, "number", "charge " + number};
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

std::vector<charge> charges_service::list(const operator_id& op, const list_request& request)
{
    validation::check_operator(op);
    validation::check_list_request(request);
    return store_.list_unacknowledged(op, request.charge_status, request.offset, request.number_of_results);
}

batch_result charges_service::acknowledge(const operator_id& op, const std::vector<charge_item>& items)
{
    return run_batch(store_, clock_, batch_operation::acknowledge, op, items);
}

batch_result charges_service::accept(const operator_id& op, const std::vector<charge_item>& items)
{
    return run_batch(store_, clock_, batch_operation::accept, op, items);
}

batch_result charges_service::decline(const operator_id& op, const std::vector<charge_item>& items)
{
    return run_batch(store_, clock_, batch_operation::decline, op, items);
}

}  // namespace netflix_charges
