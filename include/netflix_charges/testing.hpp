#pragma once

// Test support for codebases that integrate with netflix_charges: an in-memory service with a
// clock you set, and a builder for charges. A whole test takes a few lines:
//
// **Example**:
//   netflix_charges::testing::harness h;
//   h.issue(netflix_charges::testing::a_charge("I00002707").for_customer("pp"));
//   auto result = h.service.acknowledge(h.caller, {{"I00002707", "pp", std::nullopt}});
//   REQUIRE(result.failed.empty());

#include <netflix_charges/calendar.hpp>
#include <netflix_charges/charge.hpp>
#include <netflix_charges/clock.hpp>
#include <netflix_charges/decimal.hpp>
#include <netflix_charges/identity.hpp>
#include <netflix_charges/memory_store.hpp>
#include <netflix_charges/operator_id.hpp>
#include <netflix_charges/service.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>

namespace netflix_charges::testing {

// A clock that stands still until told otherwise. Thread-safe.
class fixed_clock final : public clock {
public:
    // 2026-01-01T00:00:00 unless told otherwise.
    explicit fixed_clock(timestamp start = timestamp{std::chrono::seconds{1767225600}}) : now_(start.time_since_epoch().count()) {}

    timestamp now() const override { return timestamp{std::chrono::seconds{now_.load()}}; }
    void set(timestamp t) { now_ = t.time_since_epoch().count(); }
    void advance(std::chrono::seconds by) { now_ += by.count(); }

private:
    std::atomic<std::int64_t> now_;
};

// Reads a literal in plain decimal notation, or throws std::invalid_argument.
inline decimal amount(const std::string& text)
{
    auto value = decimal::parse(text);
    if (!value) throw std::invalid_argument("not a decimal amount: " + text);
    return *value;
}

// Reads `YYYY-MM-DDTHH:MM:SS`, or throws std::invalid_argument.
inline timestamp at(const std::string& text)
{
    auto value = parse_timestamp(text);
    if (!value) throw std::invalid_argument("not a timestamp: " + text);
    return *value;
}

// A charge with sensible defaults (customer "customer-1", 9.99 EUR, paid through
// 2026-01-31), each changeable in one call.
class charge_builder {
public:
    explicit charge_builder(std::string number)
    {
        charge_.number = std::move(number);
        charge_.billing_system_customer_identifier = "customer-1";
        charge_.amount = amount("9.99");
        charge_.currency = "EUR";
        charge_.paid_through_date = date{2026, 1, 31};
    }

    charge_builder& for_customer(std::string customer)
    {
        charge_.billing_system_customer_identifier = std::move(customer);
        return *this;
    }
    charge_builder& costing(const std::string& value, std::string currency)
    {
        charge_.amount = amount(value);
        charge_.currency = std::move(currency);
        return *this;
    }
    charge_builder& in_local_currency(const std::string& value, std::string currency)
    {
        charge_.local_currency_amount = amount(value);
        charge_.local_currency = std::move(currency);
        return *this;
    }
    charge_builder& paid_through(date d)
    {
        charge_.paid_through_date = d;
        return *this;
    }
    charge_builder& received_on(timestamp t)
    {
        charge_.received_on = t;
        return *this;
    }

    const new_charge& build() const { return charge_; }
    operator const new_charge&() const { return charge_; }  // NOLINT: a builder converts implicitly

private:
    new_charge charge_;
};

inline charge_builder a_charge(std::string number) { return charge_builder{std::move(number)}; }

// An in-memory store, a fixed clock and a service over both, for one operator by default:
// `op` for the host side's calls, `caller` (its billing system's identity) for the operator's.
struct harness {
    fixed_clock time;
    memory_store store;
    charges_service service{store, time};
    operator_id op{"test-operator"};
    identity caller = identity::vouched_for_by_host("test-billing", op);

    // Issues a charge for `op`; a status other than PENDING is recorded as its outcome.
    charge issue(const new_charge& c, charge_status status = charge_status::pending)
    {
        charge issued = service.issue(op, c);
        return status == charge_status::pending ? issued : service.record_outcome(op, c.number, status);
    }
};

}  // namespace netflix_charges::testing
