#pragma once

#include <netflix_charges/export.hpp>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

namespace netflix_charges {

// Every error this library reports, per item of a batch or for a whole call.
// Values 1 to 7 are the per-item codes of the CRM.COM API; their wire strings are "1" to "7"
// and never change. The others are request-level: the whole call applied nothing.
enum class errc {
    // Per item, checked in this order.
    not_issued_for_customer = 1,           // the charge exists but not for the given customer
    charge_not_found = 2,                  // no charge with this number for this operator
    acknowledged_with_other_reference = 3, // already acknowledged with another reference number
    reference_number_in_use = 4,           // the reference number belongs to another charge
    charge_not_pending = 5,                // accept/decline: the charge is no longer PENDING
    decided_with_other_reference = 6,      // already accepted/declined with another reference number
    duplicate_in_request = 7,              // the same number earlier in this request

    // Request level.
    missing_parameter = 100,  // a mandatory field or parameter is absent or empty
    invalid_parameter,        // a field or parameter has a wrong type or value
    too_many_items,           // more items in a batch than allowed (50)
    malformed_request,        // the request as a whole cannot be read (not JSON, ...)
    unauthenticated,          // a missing, invalid, expired or released token
    invalid_credentials,      // login refused: unknown user, wrong password, revoked key
    charge_conflict,          // issuing an existing number with different details
    unknown_charge,           // a host-side call named a charge the operator does not have
    invalid_transition,       // a host-side outcome for a charge that is no longer PENDING
    storage_failure,          // the store failed; nothing of the call was applied
    internal_error,           // a bug: nothing of the call was applied
};

NETFLIX_CHARGES_EXPORT const std::error_category& error_category() noexcept;

inline std::error_code make_error_code(errc e) noexcept
{
    return {static_cast<int>(e), error_category()};
}

// True for codes 1 to 7: a failure of one item, reported as a value.
NETFLIX_CHARGES_EXPORT bool is_item_error(errc e) noexcept;

// The stable machine code on the wire: "1".."7" per item; upper-case words
// ("MISSING_PARAMETER", "STORAGE_FAILURE", ...) for request-level errors.
NETFLIX_CHARGES_EXPORT std::string_view wire_code(errc e) noexcept;

// The human-readable description, e.g. code 1's is the CRM.COM sentence
// "The specified charge was not issued for the specified customer".
NETFLIX_CHARGES_EXPORT std::string_view description(errc e) noexcept;

// A whole call failed and applied nothing. `field()` names the field or parameter at fault
// in the CRM.COM API's own words ("number_of_results", "declined_charges_set[3].number"),
// or is empty when no single field is.
class NETFLIX_CHARGES_EXPORT error : public std::system_error {
public:
    error(errc code, std::string field, const std::string& detail = {});

    errc code_value() const noexcept { return static_cast<errc>(code().value()); }
    const std::string& field() const noexcept { return field_; }

private:
    std::string field_;
};

}  // namespace netflix_charges

template <>
struct std::is_error_code_enum<netflix_charges::errc> : std::true_type {};
