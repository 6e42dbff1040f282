#include "store_factory.hpp"

#include "temporary_directory.hpp"

#include <netflix_charges/sqlite_store.hpp>

// A SQLite store on a real file in a fresh temporary folder, removed with the store.
std::shared_ptr<netflix_charges::charge_store> contract::make_store()
{
    auto folder = std::make_shared<test_support::temporary_directory>();
    auto store = std::make_shared<netflix_charges::sqlite_store>(folder->file("charges.db"));
    return {store.get(), [store, folder](netflix_charges::charge_store*) mutable {
                store.reset();  // close the database before its folder goes
                folder.reset();
            }};
}
