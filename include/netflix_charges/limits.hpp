#pragma once

#include <cstddef>

// The limits on what the library accepts. Strings are counted in bytes of UTF-8; every string
// must be valid UTF-8 without control characters (U+0000 to U+001F and U+007F).
namespace netflix_charges::limits {

inline constexpr std::size_t max_batch_items = 50;        // items of one acknowledge/accept/decline
inline constexpr std::size_t max_list_results = 50;       // number_of_results of one list
inline constexpr std::size_t max_journal_entries = 1000;  // entries of one journal read
inline constexpr std::size_t max_import_part = 5000;      // charges of one part of an import in parts
inline constexpr std::size_t max_number_length = 64;      // a charge number
inline constexpr std::size_t max_customer_length = 128;   // billing_system_customer_identifier
inline constexpr std::size_t max_reference_length = 128;  // a reference number
inline constexpr std::size_t max_operator_length = 64;    // an operator id
inline constexpr std::size_t currency_length = 3;         // ISO 4217: three upper-case letters

}  // namespace netflix_charges::limits
