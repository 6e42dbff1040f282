#pragma once

#include <netflix_charges/export.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace netflix_charges {

// An exact decimal amount: an integer number of units at a fixed scale (`9.99` is 999 at
// scale 2). Money never goes through a binary float in this library.
//
// **Example**:
//   auto price = netflix_charges::decimal::parse("9.99");   // units 999, scale 2
//   price->to_string();                                     // "9.99"
class NETFLIX_CHARGES_EXPORT decimal {
public:
    // At most this many digits after the decimal point.
    static constexpr int max_scale = 6;
    // At most this many digits in all (the units always fit an int64).
    static constexpr int max_digits = 18;

    constexpr decimal() = default;

    // Plain decimal notation as in JSON, without exponent: `-?(0|[1-9][0-9]*)(\.[0-9]+)?`.
    // Returns nothing for anything else, or for more digits than the limits above.
    static std::optional<decimal> parse(std::string_view text);

    // The same text the amount was parsed from, scale kept: "1200.00" stays "1200.00".
    std::string to_string() const;

    std::int64_t units() const { return units_; }
    int scale() const { return scale_; }
    bool is_negative() const { return units_ < 0; }

    // Numeric comparison: 9.9 == 9.90.
    friend NETFLIX_CHARGES_EXPORT int compare(const decimal& a, const decimal& b);
    friend bool operator==(const decimal& a, const decimal& b) { return compare(a, b) == 0; }
    friend bool operator!=(const decimal& a, const decimal& b) { return compare(a, b) != 0; }
    friend bool operator<(const decimal& a, const decimal& b) { return compare(a, b) < 0; }

private:
    constexpr decimal(std::int64_t units, int scale) : units_(units), scale_(scale) {}

    std::int64_t units_ = 0;
    int scale_ = 0;
};

}  // namespace netflix_charges
