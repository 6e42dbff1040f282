#include "batch_rules.hpp"

#include <netflix_charges/errors.hpp>

#include <algorithm>
#include <string_view>
#include <unordered_map>

namespace netflix_charges {

namespace {

decision_kind decision_of(batch_operation operation)
{
    return operation == batch_operation::accept ? decision_kind::accept : decision_kind::decline;
}

journal_kind journal_kind_of(batch_operation operation)
{
    switch (operation) {
    case batch_operation::acknowledge: return journal_kind::acknowledged;
    case batch_operation::accept: return journal_kind::accepted;
    case batch_operation::decline: return journal_kind::declined;
    }
    throw error{errc::internal_error, "", "unknown batch operation"};
}

std::string describe(errc code, batch_operation operation)
{
    if (code == errc::decided_with_other_reference)
        return operation == batch_operation::accept
                   ? "The specified charge was already accepted with a different reference number"
                   : "The specified charge was already declined with a different reference number";
    return std::string{description(code)};
}

// The batch's working state: the snapshot, as changed by the items applied so far. A changed
// charge is copied only when a later item of the batch names it again (no other item reads it).
class working_state {
public:
    working_state(const batch_snapshot& snapshot, const std::vector<charge_item>& items)
    {
        charges_.reserve(snapshot.charges.size());
        reference_owners_.reserve(snapshot.reference_owners.size() + snapshot.charges.size());
        occurrences_.reserve(items.size());
        for (const auto& c : snapshot.charges) charges_.emplace(c.number, &c);
        for (const auto& owner : snapshot.reference_owners)
            reference_owners_.emplace(owner.reference_number, owner.charge_number);
        for (const auto& item : items) ++occurrences_[item.number].total;
    }

    // Takes the batch's next item, `item`: whether an earlier item named the same charge.
    bool take_repeated(const charge_item& item)
    {
        return occurrences_.at(item.number).taken++ > 0;
    }

    const charge* find(const std::string& number) const
    {
        if (const auto it = changed_.find(number); it != changed_.end()) return &it->second;
        const auto it = charges_.find(number);
        return it == charges_.end() ? nullptr : it->second;
    }

    bool reference_held_by_another(const std::optional<std::string>& reference, const std::string& number) const
    {
        if (!reference) return false;
        const auto it = reference_owners_.find(*reference);
        return it != reference_owners_.end() && it->second != number;
    }

    // Records the item just taken as applied; `item` outlives the state.
    void apply(const charge_item& item, const charge_update& update)
    {
        if (const auto& count = occurrences_.at(item.number); count.taken < count.total) {
            charge changed = *find(item.number);
            apply_update(changed, update);
            changed_.insert_or_assign(item.number, std::move(changed));
        }
        if (item.reference_number) reference_owners_.emplace(*item.reference_number, item.number);
    }

private:
    struct occurrences {
        std::size_t total = 0;
        std::size_t taken = 0;
    };
    std::unordered_map<std::string_view, const charge*> charges_;
    std::unordered_map<std::string_view, charge> changed_;
    std::unordered_map<std::string_view, std::string_view> reference_owners_;
    std::unordered_map<std::string_view, occurrences> occurrences_;  // of the items' numbers
};

// Whether the item fails against the charge, and why; nothing when it can be applied
// (`replay` then says whether it already was, exactly so).
std::optional<errc> check_item(batch_operation operation, const charge_item& item, const charge* c,
                               const working_state& state, bool& replay)
{
    replay = false;
    if (c == nullptr) return errc::charge_not_found;
    if (c->billing_system_customer_identifier != item.billing_system_customer_identifier)
        return errc::not_issued_for_customer;
    if (operation == batch_operation::acknowledge && c->acknowledged) {
        if (c->acknowledged->reference_number != item.reference_number) return errc::acknowledged_with_other_reference;
        replay = true;
    }
    if (state.reference_held_by_another(item.reference_number, item.number)) return errc::reference_number_in_use;
    if (operation != batch_operation::acknowledge) {
        // A charge the operator already decided the same way is a replay or code 6; any other
        // charge that left PENDING (processed, or decided the other way) is code 5.
        if (c->decision && c->decision->kind == decision_of(operation)) {
            if (c->decision->reference_number != item.reference_number) return errc::decided_with_other_reference;
            replay = true;
        } else if (c->status != charge_status::pending)
            return errc::charge_not_pending;
    }
    return std::nullopt;
}

charge_update update_for(batch_operation operation, const charge_item& item, timestamp now)
{
    charge_update update;
    update.number = item.number;
    if (operation == batch_operation::acknowledge) {
        update.acknowledged = acknowledgement{now, item.reference_number};
    } else {
        update.status = operation == batch_operation::accept ? charge_status::approved : charge_status::declined;
        update.status_on = now;
        update.decision = operator_decision{decision_of(operation), now, item.reference_number};
    }
    return update;
}

}  // namespace

batch_keys keys_of(const std::vector<charge_item>& items)
{
    batch_keys keys;
    for (const auto& item : items) {
        keys.numbers.push_back(item.number);
        if (item.reference_number) keys.reference_numbers.push_back(*item.reference_number);
    }
    for (auto* list : {&keys.numbers, &keys.reference_numbers}) {
        std::sort(list->begin(), list->end());
        list->erase(std::unique(list->begin(), list->end()), list->end());
    }
    return keys;
}

batch_plan plan_batch(batch_operation operation, const std::vector<charge_item>& items,
                      const batch_snapshot& snapshot, timestamp now)
{
    working_state state{snapshot, items};
    batch_plan plan;
    plan.updates.reserve(items.size());
    plan.journal.reserve(items.size());
    for (const auto& item : items) {
        const bool repeated = state.take_repeated(item);
        bool replay = false;
        auto failure = check_item(operation, item, state.find(item.number), state, replay);
        if (!failure && repeated) failure = errc::duplicate_in_request;
        if (failure) {
            plan.failures.push_back({item.number, item.reference_number, *failure, describe(*failure, operation)});
        } else if (!replay) {
            const auto& update = plan.updates.emplace_back(update_for(operation, item, now));
            plan.journal.push_back({0, now, journal_kind_of(operation), item.number,
                                    update.status.value_or(state.find(item.number)->status), item.reference_number,
                                    std::nullopt, {}});
            state.apply(item, update);
        }
    }
    return plan;
}

}  // namespace netflix_charges
