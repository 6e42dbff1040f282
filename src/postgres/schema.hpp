#pragma once

// The PostgreSQL schema and its migrations, recorded in netflix_charges_schema.

#include <pqxx/pqxx>

namespace netflix_charges::postgres_detail {

// The version this build writes.
int latest_schema_version();

// Applies the missing migrations, one server at a time (an advisory lock), each in its own
// transaction; refuses a database of a newer schema.
void prepare_database(pqxx::connection& connection);

}  // namespace netflix_charges::postgres_detail
