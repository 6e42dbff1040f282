#include <netflix_charges/report.hpp>

#include <algorithm>

namespace netflix_charges {

namespace {

__extension__ using int128 = __int128;  // GCC and Clang; sums are kept in two int64 outside this file

constexpr std::int64_t e18 = 1'000'000'000'000'000'000;

int128 pow10(int n)
{
    int128 value = 1;
    while (n-- > 0) value *= 10;
    return value;
}

// `value` millionths as text with `scale` decimals (the digits dropped are zeros).
std::string millionths_text(int128 value, int scale)
{
    const bool negative = value < 0;
    if (negative) value = -value;
    std::string digits;
    do {
        digits.push_back(static_cast<char>('0' + static_cast<int>(value % 10)));
        value /= 10;
    } while (value != 0);
    while (digits.size() <= static_cast<std::size_t>(decimal::max_scale)) digits.push_back('0');
    std::reverse(digits.begin(), digits.end());
    const std::size_t point = digits.size() - static_cast<std::size_t>(decimal::max_scale);
    std::string text = (negative ? "-" : "") + digits.substr(0, point);
    if (scale > 0) text += "." + digits.substr(point, static_cast<std::size_t>(scale));
    return text;
}

}  // namespace

void report_totals::add(const charge& c)
{
    auto& t = totals_[{static_cast<int>(c.status), c.currency}];
    ++t.charges;
    t.scale = std::max(t.scale, c.amount.scale());
    const int128 sum = static_cast<int128>(t.high) * e18 + t.low +
                       static_cast<int128>(c.amount.units()) * pow10(decimal::max_scale - c.amount.scale());
    int128 high = sum / e18;
    int128 low = sum % e18;
    if (low < 0) {  // keep 0 <= low < 10^18
        low += e18;
        --high;
    }
    t.high = static_cast<std::int64_t>(high);
    t.low = static_cast<std::int64_t>(low);
}

std::vector<report_row> report_totals::rows() const
{
    std::vector<report_row> rows;
    for (const auto& [key, t] : totals_)
        rows.push_back({static_cast<charge_status>(key.first), key.second, t.charges,
                        millionths_text(static_cast<int128>(t.high) * e18 + t.low, t.scale)});
    return rows;
}

}  // namespace netflix_charges
