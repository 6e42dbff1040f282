#pragma once

#include <netflix_charges/export.hpp>
#include <cstddef>
#include <optional>
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
    server_busy,              // the server is at a limit (password checks at once): try again shortly
    too_many_failed_logins,   // this user's or address's recent logins failed: wait, then try again
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

// What a request-level error is about, as data, in the C++ API's own words.
struct error_subject {
    // The field or parameter at fault: a member of the argument (`number_of_results`,
    // `number`), `items` for a batch's item list as a whole; empty when no single field is.
    std::string field;
    // The index of the batch item (or charge of issue_many / import_charges) it belongs to.
    std::optional<std::size_t> item;
    // The charge the error is about (a conflict, an unknown number), or empty.
    std::string charge_number;
};

// A whole call failed and applied nothing. The subject says where (`field()`, `item()`,
// `charge_number()`); `detail()` says what is wrong, worded to follow the field's name
// ("is missing", "must be between 1 and 50"), or as a sentence of its own when there is no
// field. `what()` is the two together, e.g. "items[3].number is missing", or "charge I1 exists
// with different details" when it names a charge.
//
// **Example**:
//   throw error{errc::missing_parameter, error_subject{"number", 3}};  // items[3].number is missing
class NETFLIX_CHARGES_EXPORT error : public std::system_error {
public:
    // An empty `detail` is the code's usual words for it ("is missing", "is not valid", ...).
    error(errc code, error_subject subject, std::string detail = {});
    error(errc code, std::string field, std::string detail = {});

    errc code_value() const noexcept { return static_cast<errc>(code().value()); }
    const std::string& field() const noexcept { return subject_.field; }
    std::optional<std::size_t> item() const noexcept { return subject_.item; }
    const std::string& charge_number() const noexcept { return subject_.charge_number; }
    const error_subject& subject() const noexcept { return subject_; }
    const std::string& detail() const noexcept { return detail_; }

private:
    error_subject subject_;
    std::string detail_;
};

// The subject in words, with `items` the name of the list the item is in: "charge I1" when it
// names a charge, "<items>[3].number" for an item's field, "<items>" for the list as a whole,
// else the field. The C++ API's list is "items"; the HTTP adapter passes the wire's set name
// (`acknowledged_charges_set[3].number`).
NETFLIX_CHARGES_EXPORT std::string subject_words(const error_subject& subject, std::string_view items);

// "<subject> <detail>", or the detail alone when `subject` is empty: the sentence an error
// makes about the thing it names, in whatever words the caller uses for it.
NETFLIX_CHARGES_EXPORT std::string error_sentence(std::string_view subject, const error& e);

}  // namespace netflix_charges

template <>
struct std::is_error_code_enum<netflix_charges::errc> : std::true_type {};
