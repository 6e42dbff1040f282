#include "store_factory.hpp"

#include "test_database.hpp"

#include <netflix_charges/postgres_store.hpp>

// A PostgreSQL store on a new database of the tests' cluster, dropped with the store.
std::shared_ptr<netflix_charges::charge_store> contract::make_store()
{
    auto database = std::make_shared<test_support::test_database>();
    auto store = std::make_shared<netflix_charges::postgres_store>(database->url());
    return {store.get(), [store, database](netflix_charges::charge_store*) mutable {
                store.reset();  // close the connections before the database is dropped
                database.reset();
            }};
}
