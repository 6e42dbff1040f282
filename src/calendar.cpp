#include <netflix_charges/calendar.hpp>

#include <cstdint>

namespace netflix_charges {

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const std::int64_t yoe = y - era * 400;
    const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

date civil_from_days(std::int64_t z)
{
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const std::int64_t doe = z - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    const auto day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    const auto month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    const auto year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
    return {year, month, day};
}

int days_in_month(int year, int month)
{
    static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

// Writes `value` as exactly `width` digits at `pos` (zero-padded; the caller keeps it in range).
// A hand loop rather than snprintf: lists format two times per charge, and this is the hot path.
void put_digits(std::string& out, std::size_t pos, std::size_t width, int value)
{
    for (std::size_t i = width; i-- > 0; value /= 10) out[pos + i] = static_cast<char>('0' + value % 10);
}

// Reads exactly `width` digits at `pos`; -1 when they are not all digits.
int read_digits(std::string_view text, std::size_t pos, std::size_t width)
{
    int value = 0;
    for (std::size_t i = pos; i < pos + width; ++i) {
        if (text[i] < '0' || text[i] > '9') return -1;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

std::optional<date> read_date(std::string_view text)
{
    if (text.size() < 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
    const int year = read_digits(text, 0, 4);
    const int month = read_digits(text, 5, 2);
    const int day = read_digits(text, 8, 2);
    if (year < 1 || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return std::nullopt;
    return date{year, month, day};
}

}  // namespace

std::optional<date> parse_date(std::string_view text)
{
    if (text.size() != 10) return std::nullopt;
    return read_date(text);
}

std::string format_date(const date& d)
{
    std::string out = "0000-00-00";
    put_digits(out, 0, 4, d.year);
    put_digits(out, 5, 2, d.month);
    put_digits(out, 8, 2, d.day);
    return out;
}

std::optional<timestamp> parse_timestamp(std::string_view text)
{
    if (text.size() != 19 || text[10] != 'T' || text[13] != ':' || text[16] != ':') return std::nullopt;
    const auto day = read_date(text);
    const int hour = read_digits(text, 11, 2);
    const int minute = read_digits(text, 14, 2);
    const int second = read_digits(text, 17, 2);
    if (!day || day->year < 1970 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59)
        return std::nullopt;
    const std::int64_t seconds = days_from_civil(day->year, day->month, day->day) * 86400 + hour * 3600 + minute * 60 + second;
    return timestamp{std::chrono::seconds{seconds}};
}

std::string format_timestamp(timestamp t)
{
    const std::int64_t seconds = t.time_since_epoch().count();
    const std::int64_t days = (seconds >= 0 ? seconds : seconds - 86399) / 86400;
    const std::int64_t of_day = seconds - days * 86400;
    const date d = civil_from_days(days);
    std::string out = "0000-00-00T00:00:00";
    put_digits(out, 0, 4, d.year);
    put_digits(out, 5, 2, d.month);
    put_digits(out, 8, 2, d.day);
    put_digits(out, 11, 2, static_cast<int>(of_day / 3600));
    put_digits(out, 14, 2, static_cast<int>(of_day % 3600 / 60));
    put_digits(out, 17, 2, static_cast<int>(of_day % 60));
    return out;
}

}  // namespace netflix_charges
