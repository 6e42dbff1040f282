#pragma once

// The contract suite is written once and linked into one executable per store. Each such
// executable defines `make_store` for its store.

#include <netflix_charges/charge_store.hpp>

#include <memory>

namespace contract {

// A new, empty store. Whatever it needs (a file, a folder) goes away with the last owner.
std::shared_ptr<netflix_charges::charge_store> make_store();

}  // namespace contract
