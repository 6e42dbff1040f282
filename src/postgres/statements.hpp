#pragma once

// The statements every connection prepares once when it opens (planned once, then only
// executed), by name.

#include <pqxx/pqxx>

namespace netflix_charges::postgres_detail {

inline constexpr const char* list_statement = "list_unacknowledged";
inline constexpr const char* by_number_statement = "charge_by_number";
inline constexpr const char* by_reference_statement = "charge_by_reference";
inline constexpr const char* lock_batch_statement = "lock_batch";
inline constexpr const char* owners_statement = "reference_owners";
inline constexpr const char* acknowledge_statement = "acknowledge_many";
inline constexpr const char* add_references_statement = "add_references";
inline constexpr const char* revoked_statement = "is_token_revoked";
inline constexpr const char* count_write_statement = "count_write";
inline constexpr const char* append_journal_statement = "append_journal";
inline constexpr const char* journal_statement = "journal";
inline constexpr const char* received_statement = "charges_received";

void prepare_statements(pqxx::connection& connection);

}  // namespace netflix_charges::postgres_detail
