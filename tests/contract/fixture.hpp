#pragma once

#include "store_factory.hpp"

#include <netflix_charges/netflix_charges.hpp>
#include <netflix_charges/testing.hpp>

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace contract {

using namespace netflix_charges;
using netflix_charges::testing::a_charge;
using netflix_charges::testing::amount;
using netflix_charges::testing::at;

inline charge_item item(std::string number, std::string customer = "customer-1",
                        std::optional<std::string> reference = std::nullopt)
{
    return {std::move(number), std::move(customer), std::move(reference)};
}

// A service over a fresh store of the store under test, with a fixed clock and two operators.
struct fixture {
    testing::fixed_clock time;
    std::shared_ptr<charge_store> store = make_store();
    charges_service service{*store, time};
    operator_id op{"operator-a"};
    operator_id other{"operator-b"};
    identity caller = identity::vouched_for_by_host("billing", op);  // op's billing system, as its token says
    identity other_caller = identity::vouched_for_by_host("billing", other);

    charge issue(const new_charge& c, charge_status status = charge_status::pending)
    {
        return issue_for(op, c, status);
    }

    charge issue_for(const operator_id& who, const new_charge& c, charge_status status = charge_status::pending)
    {
        charge issued = service.issue(who, c);
        return status == charge_status::pending ? issued : service.record_outcome(who, c.number, status);
    }

    std::vector<std::string> listed(status_class cls, std::size_t offset = 0, std::size_t count = 50)
    {
        return listed_for(op, cls, offset, count);
    }

    std::vector<std::string> listed_for(const operator_id& who, status_class cls, std::size_t offset = 0,
                                        std::size_t count = 50)
    {
        std::vector<std::string> numbers;
        for (const auto& c : service.list(identity::vouched_for_by_host("billing", who, ""), {cls, offset, count}))
            numbers.push_back(c.number);
        return numbers;
    }

    charge stored(const std::string& number) { return service.find(op, number).value(); }
};

// The codes of a batch's failures, in order, as wire strings ("1".."7").
inline std::vector<std::string> codes(const batch_result& result)
{
    std::vector<std::string> out;
    for (const auto& f : result.failed) out.emplace_back(wire_code(f.code));
    return out;
}

}  // namespace contract
