#pragma once

// Charges to and from PostgreSQL rows: the column list every query selects, reading a row
// back, and text arrays for `= ANY($n)`.

#include <netflix_charges/charge.hpp>

#include <pqxx/pqxx>

#include <optional>
#include <string>
#include <vector>

namespace netflix_charges::postgres_detail {

// "c.number, c.billing_system_customer_identifier, ..., c.id": what read_charge expects.
extern const std::string charge_columns;
constexpr int id_column = 18;

charge read_charge(const pqxx::row& row);

// A PostgreSQL array literal, for a `$n::text[]` (or `::bigint[]`) parameter; nothing is NULL.
std::string text_array(const std::vector<std::string>& values);
std::string text_array(const std::vector<std::optional<std::string>>& values);

}  // namespace netflix_charges::postgres_detail
