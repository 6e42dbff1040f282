#pragma once

// The rules of acknowledge, accept and decline, as one mechanism: given the state of the
// charges and reference numbers a batch touches, decide what to write and which items fail.

#include <netflix_charges/charge_store.hpp>
#include <netflix_charges/operations.hpp>

#include <string>
#include <vector>

namespace netflix_charges {

enum class batch_operation { acknowledge, accept, decline };

struct batch_plan {
    std::vector<charge_update> updates;
    std::vector<journal_entry> journal;  // one per update, without the actor
    std::vector<item_failure> failures;
};

// The distinct numbers and reference numbers of a batch's items.
batch_keys keys_of(const std::vector<charge_item>& items);

// Items are taken in order, each against the state the earlier items left, with the per-item
// codes checked in the order of their numbers.
batch_plan plan_batch(batch_operation operation, const std::vector<charge_item>& items,
                      const batch_snapshot& snapshot, timestamp now);

}  // namespace netflix_charges
