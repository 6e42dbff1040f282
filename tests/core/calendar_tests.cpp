#include <netflix_charges/calendar.hpp>

#include <catch2/catch.hpp>

using namespace netflix_charges;

TEST_CASE("timestamps read and print as YYYY-MM-DDTHH:MM:SS in UTC", "[calendar]")
{
    const std::string text = GENERATE(as<std::string>{}, "1970-01-01T00:00:00", "2017-02-28T16:30:02",
                                      "2024-02-29T23:59:59", "2026-11-23T01:33:00", "9999-12-31T23:59:59");
    const auto t = parse_timestamp(text);
    REQUIRE(t);
    CHECK(format_timestamp(*t) == text);
}

TEST_CASE("a timestamp is seconds since the Unix epoch", "[calendar]")
{
    // The seed token's iat, 1488292202, is 2017-02-28T14:30:02 UTC.
    CHECK(parse_timestamp("2017-02-28T14:30:02")->time_since_epoch().count() == 1488292202);
}

TEST_CASE("impossible or differently written timestamps are refused", "[calendar]")
{
    const std::string text = GENERATE(as<std::string>{}, "", "2026-02-29T00:00:00", "2026-13-01T00:00:00",
                                      "2026-01-32T00:00:00", "2026-01-01T24:00:00", "2026-01-01T00:60:00",
                                      "2026-01-01 00:00:00", "2026-01-01T00:00:00Z", "2026-1-01T00:00:00",
                                      "1969-12-31T23:59:59", "2026-01-01T00:00", "+026-01-01T00:00:00");
    CHECK_FALSE(parse_timestamp(text));
}

TEST_CASE("dates read and print as YYYY-MM-DD", "[calendar]")
{
    CHECK(format_date(*parse_date("2026-02-28")) == "2026-02-28");
    CHECK(parse_date("2000-02-29"));
    CHECK_FALSE(parse_date("1900-02-29"));
    CHECK_FALSE(parse_date("2026-04-31"));
    CHECK_FALSE(parse_date("2026-04-01T00:00:00"));
    CHECK_FALSE(parse_date("0000-01-01"));
}
