#pragma once

// What issuing and importing share: a new charge as stored, whether a stored one has the same
// details, and the journal's entry for the host's change.

#include <netflix_charges/charge.hpp>
#include <netflix_charges/errors.hpp>
#include <netflix_charges/journal.hpp>

#include <cstddef>
#include <string>

namespace netflix_charges::detail {

// A new charge as it enters PENDING, received `now` unless it says when.
charge pending_charge(const new_charge& c, timestamp now);

// Whether a stored charge has the details of `c` (its received_on too, when `c` gives one).
bool same_details(const charge& stored, const new_charge& c);

// The error for a number given again, at `position` of the charges given.
error given_twice(const std::string& number, std::size_t position);

// The journal's entry for a change the host made (no user, no unit).
journal_entry host_entry(journal_kind kind, const std::string& number, charge_status after, timestamp now);

}  // namespace netflix_charges::detail
