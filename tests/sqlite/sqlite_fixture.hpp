#pragma once

#include "temporary_directory.hpp"

#include <netflix_charges/jwt_authenticator.hpp>
#include <netflix_charges/netflix_charges.hpp>
#include <netflix_charges/sqlite_store.hpp>
#include <netflix_charges/testing.hpp>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace sqlite_tests {

using namespace netflix_charges;
using netflix_charges::testing::a_charge;

// Accounts with cheap password hashes (the default's cost is tested once, in the contract suite).
inline jwt_options fast_hashes()
{
    jwt_options o;
    o.password_iterations = 1000;
    return o;
}

// The operator's billing system, as its token would say.
inline identity as_caller(const operator_id& op) { return identity::vouched_for_by_host("billing", op); }

inline std::string read_bytes(const std::string& path)
{
    std::ifstream in{path, std::ios::binary};
    return {std::istreambuf_iterator<char>{in}, std::istreambuf_iterator<char>{}};
}

inline void write_bytes(const std::string& path, const std::string& bytes)
{
    std::ofstream out{path, std::ios::binary | std::ios::trunc};
    out << bytes;
}

// Charges "C000000", "C000001", ... issued for one operator in chunks.
inline void issue_numbered(charges_service& service, const operator_id& op, int count, int first = 0)
{
    std::vector<new_charge> chunk;
    for (int i = first; i < first + count; ++i) {
        char number[16];
        std::snprintf(number, sizeof number, "C%06d", i);
        chunk.push_back(a_charge(number));
        if (chunk.size() == 5000 || i + 1 == first + count) {
            service.issue_many(op, chunk);
            chunk.clear();
        }
    }
}

inline std::string numbered(int i)
{
    char number[16];
    std::snprintf(number, sizeof number, "C%06d", i);
    return number;
}

}  // namespace sqlite_tests
