#pragma once

#include <netflix_charges/export.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace netflix_charges {

// A point in time, to the second, in UTC.
using timestamp = std::chrono::time_point<std::chrono::system_clock, std::chrono::seconds>;

// A calendar date (proleptic Gregorian), years 0001 to 9999.
struct date {
    int year = 1970;
    int month = 1;
    int day = 1;

    friend bool operator==(const date& a, const date& b)
    {
        return a.year == b.year && a.month == b.month && a.day == b.day;
    }
    friend bool operator!=(const date& a, const date& b) { return !(a == b); }
};

// `YYYY-MM-DD`; nothing for any other text or an impossible date (2026-02-30).
NETFLIX_CHARGES_EXPORT std::optional<date> parse_date(std::string_view text);
NETFLIX_CHARGES_EXPORT std::string format_date(const date& d);

// `YYYY-MM-DDTHH:MM:SS`, UTC, years 1970 to 9999; nothing for any other text.
NETFLIX_CHARGES_EXPORT std::optional<timestamp> parse_timestamp(std::string_view text);
NETFLIX_CHARGES_EXPORT std::string format_timestamp(timestamp t);

}  // namespace netflix_charges
