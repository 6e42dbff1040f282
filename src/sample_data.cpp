#include <netflix_charges/sample_data.hpp>

#include <fmt/format.h>

#include <array>
#include <cstdint>
#include <cstdio>

namespace netflix_charges {

namespace {

// SplitMix64: a fixed, well-mixed function of the index, so every run makes the same data.
std::uint64_t mix(std::uint64_t x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

struct plan {
    const char* currency;
    const char* amount;
};

constexpr std::array<plan, 6> plans{{
    {"EUR", "7.99"}, {"EUR", "12.99"}, {"EUR", "17.99"}, {"USD", "6.99"}, {"USD", "15.49"}, {"GBP", "10.99"},
}};

}  // namespace

std::string sample_charge_number(std::size_t i)
{
    char number[16];
    std::snprintf(number, sizeof number, "I%010zu", i);
    return number;
}

std::vector<new_charge> sample_charges(std::size_t first, std::size_t count, timestamp start)
{
    std::vector<new_charge> charges;
    charges.reserve(count);
    for (std::size_t i = first; i < first + count; ++i) {
        const std::uint64_t r = mix(i);
        const plan& p = plans[r % plans.size()];
        new_charge c;
        c.number = sample_charge_number(i);
        c.billing_system_customer_identifier = fmt::format("CUST{}", mix(r) % 100000);
        c.amount = *decimal::parse(p.amount);
        c.currency = p.currency;
        if (r % 5 == 0) {  // some customers pay in their local currency
            c.local_currency_amount = *decimal::parse(fmt::format("{}.00", 100 + r % 9000));
            c.local_currency = "ALL";
        }
        c.paid_through_date = date{2026, static_cast<int>(1 + (r >> 8) % 12), 28};
        c.received_on = start + std::chrono::seconds{static_cast<std::int64_t>(i)};
        charges.push_back(std::move(c));
    }
    return charges;
}

}  // namespace netflix_charges
