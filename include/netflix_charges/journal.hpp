#pragma once

// The journal (SPEC section 6): every change a store makes, in order, with who made it.

#include <netflix_charges/export.hpp>
#include <netflix_charges/calendar.hpp>
#include <netflix_charges/charge.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace netflix_charges {

// What happened to a charge.
enum class journal_kind {
    issued,        // the host issued it (an import of a processed charge too: its status says so)
    processed,     // the host recorded its outcome
    acknowledged,  // the operator's billing system took it
    accepted,      // the operator accepted it (it is now APPROVED)
    declined,      // the operator declined it (it is now DECLINED)
};

// "issued", "processed", "acknowledged", "accepted", "declined".
NETFLIX_CHARGES_EXPORT std::string_view to_string(journal_kind kind);
NETFLIX_CHARGES_EXPORT std::optional<journal_kind> parse_journal_kind(std::string_view text);

// One change of one charge. A store writes it in the same transaction as the change, so the
// journal and the charges never disagree.
struct journal_entry {
    std::int64_t sequence = 0;  // per operator: increasing, never reused (the store gives it)
    timestamp at;               // when the change was made
    journal_kind kind = journal_kind::issued;
    std::string number;                           // the charge's
    charge_status status = charge_status::pending;  // the charge's status after the change
    std::optional<std::string> reference_number;  // the operator's, for acknowledged/accepted/declined
    std::optional<std::string> user;              // the caller's user (or Web API key id); nothing: the host
    std::string unit;                             // the caller's unit; empty for the host or none

    friend bool operator==(const journal_entry& a, const journal_entry& b)
    {
        return a.sequence == b.sequence && a.at == b.at && a.kind == b.kind && a.number == b.number &&
               a.status == b.status && a.reference_number == b.reference_number && a.user == b.user &&
               a.unit == b.unit;
    }
    friend bool operator!=(const journal_entry& a, const journal_entry& b) { return !(a == b); }
};

}  // namespace netflix_charges
