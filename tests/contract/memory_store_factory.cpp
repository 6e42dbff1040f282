#include "store_factory.hpp"

#include <netflix_charges/memory_store.hpp>

std::shared_ptr<netflix_charges::charge_store> contract::make_store()
{
    return std::make_shared<netflix_charges::memory_store>();
}
