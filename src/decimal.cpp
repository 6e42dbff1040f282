#include <netflix_charges/decimal.hpp>

namespace netflix_charges {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

constexpr std::int64_t power_of_ten(int exponent)
{
    std::int64_t result = 1;
    for (int i = 0; i < exponent; ++i) result *= 10;
    return result;
}

}  // namespace

std::optional<decimal> decimal::parse(std::string_view text)
{
    std::size_t pos = 0;
    const bool negative = !text.empty() && text[0] == '-';
    if (negative) ++pos;

    const std::size_t integer_begin = pos;
    while (pos < text.size() && is_digit(text[pos])) ++pos;
    const std::size_t integer_digits = pos - integer_begin;
    if (integer_digits == 0) return std::nullopt;
    if (integer_digits > 1 && text[integer_begin] == '0') return std::nullopt;  // no leading zeros, as JSON

    std::size_t fraction_digits = 0;
    if (pos < text.size() && text[pos] == '.') {
        ++pos;
        const std::size_t fraction_begin = pos;
        while (pos < text.size() && is_digit(text[pos])) ++pos;
        fraction_digits = pos - fraction_begin;
        if (fraction_digits == 0) return std::nullopt;
    }
    if (pos != text.size()) return std::nullopt;
    if (fraction_digits > static_cast<std::size_t>(max_scale)) return std::nullopt;
    if (integer_digits + fraction_digits > static_cast<std::size_t>(max_digits)) return std::nullopt;

    std::int64_t units = 0;
    for (std::size_t i = integer_begin; i < text.size(); ++i) {
        if (text[i] == '.') continue;
        units = units * 10 + (text[i] - '0');
    }
    return decimal{negative ? -units : units, static_cast<int>(fraction_digits)};
}

std::string decimal::to_string() const
{
    const std::uint64_t magnitude =
        units_ < 0 ? static_cast<std::uint64_t>(-(units_ + 1)) + 1 : static_cast<std::uint64_t>(units_);
    std::string digits = std::to_string(magnitude);
    const auto scale = static_cast<std::size_t>(scale_);
    if (digits.size() <= scale) digits.insert(0, scale + 1 - digits.size(), '0');
    if (scale > 0) digits.insert(digits.size() - scale, 1, '.');
    return units_ < 0 ? "-" + digits : digits;
}

int compare(const decimal& a, const decimal& b)
{
    if (a.scale_ == b.scale_) return a.units_ < b.units_ ? -1 : (a.units_ > b.units_ ? 1 : 0);
    // Whole parts first, then the fractions brought to the same scale: exact, no overflow
    // (a fraction has at most 6 digits).
    const std::int64_t a_whole = a.units_ / power_of_ten(a.scale_);
    const std::int64_t b_whole = b.units_ / power_of_ten(b.scale_);
    if (a_whole != b_whole) return a_whole < b_whole ? -1 : 1;
    const std::int64_t a_fraction = (a.units_ % power_of_ten(a.scale_)) * power_of_ten(decimal::max_scale - a.scale_);
    const std::int64_t b_fraction = (b.units_ % power_of_ten(b.scale_)) * power_of_ten(decimal::max_scale - b.scale_);
    return a_fraction < b_fraction ? -1 : (a_fraction > b_fraction ? 1 : 0);
}

}  // namespace netflix_charges
