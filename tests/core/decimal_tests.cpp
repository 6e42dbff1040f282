#include <netflix_charges/decimal.hpp>

#include <catch2/catch.hpp>

using netflix_charges::decimal;

TEST_CASE("a decimal reads plain notation and prints it back unchanged", "[decimal]")
{
    const std::string text = GENERATE(as<std::string>{}, "0", "9.99", "1200.00", "0.001", "-5.5", "123456789012.123456",
                                      "999999999999999999", "-0.10");
    const auto value = decimal::parse(text);
    REQUIRE(value);
    CHECK(value->to_string() == text);
}

TEST_CASE("a decimal refuses exponents, signs, spaces and anything not plain notation", "[decimal]")
{
    const std::string text = GENERATE(as<std::string>{}, "", "-", ".", "1.", ".5", "+1", "1e3", "9.99E0", " 1", "1 ",
                                      "01", "-01.5", "1,5", "NaN", "inf", "0x10", "1.2.3", "--1");
    CHECK_FALSE(decimal::parse(text));
}

TEST_CASE("a decimal has at most 6 fraction digits and 18 digits in all", "[decimal]")
{
    CHECK(decimal::parse("0.123456"));
    CHECK_FALSE(decimal::parse("0.1234567"));
    CHECK(decimal::parse("999999999999.999999"));
    CHECK_FALSE(decimal::parse("9999999999999999999"));
    CHECK_FALSE(decimal::parse("9999999999999.999999"));
}

TEST_CASE("decimals compare by value, whatever their scale", "[decimal]")
{
    auto d = [](const char* text) { return *decimal::parse(text); };
    CHECK(d("9.9") == d("9.90"));
    CHECK(d("1200") == d("1200.000000"));
    CHECK(d("0.1") < d("0.11"));
    CHECK(d("-1.5") < d("-1.2"));
    CHECK(d("-0.5") < d("0.3"));
    CHECK(d("999999999999.999999") < d("999999999999999999"));
    CHECK(d("0.10").units() == 10);
    CHECK(d("0.10").scale() == 2);
    CHECK(d("-0.10").is_negative());
}
