#include <netflix_charges/errors.hpp>

#include <catch2/catch.hpp>

#include <set>

using namespace netflix_charges;

TEST_CASE("the per-item codes are the wire strings 1 to 7", "[errors]")
{
    CHECK(wire_code(errc::not_issued_for_customer) == "1");
    CHECK(wire_code(errc::charge_not_found) == "2");
    CHECK(wire_code(errc::acknowledged_with_other_reference) == "3");
    CHECK(wire_code(errc::reference_number_in_use) == "4");
    CHECK(wire_code(errc::charge_not_pending) == "5");
    CHECK(wire_code(errc::decided_with_other_reference) == "6");
    CHECK(wire_code(errc::duplicate_in_request) == "7");
    for (int value = 1; value <= 7; ++value) CHECK(is_item_error(static_cast<errc>(value)));
    CHECK_FALSE(is_item_error(errc::storage_failure));
}

TEST_CASE("code 1's description is the CRM.COM sentence", "[errors]")
{
    CHECK(description(errc::not_issued_for_customer) == "The specified charge was not issued for the specified customer");
}

TEST_CASE("request-level codes are distinct upper-case words, never OK", "[errors]")
{
    std::set<std::string_view> seen;
    for (int value = static_cast<int>(errc::missing_parameter); value <= static_cast<int>(errc::internal_error); ++value) {
        const auto code = wire_code(static_cast<errc>(value));
        CAPTURE(code);
        CHECK(code != "OK");
        CHECK(seen.insert(code).second);
        for (char c : code) CHECK(((c >= 'A' && c <= 'Z') || c == '_'));
        CHECK_FALSE(description(static_cast<errc>(value)).empty());
    }
}

TEST_CASE("errc plugs into std::error_code", "[errors]")
{
    const std::error_code ec = errc::storage_failure;
    CHECK(ec.category().name() == std::string{"netflix_charges"});
    CHECK(ec.message() == description(errc::storage_failure));
    CHECK(ec == errc::storage_failure);
}

TEST_CASE("an error names the field at fault", "[errors]")
{
    const error e{errc::invalid_parameter, "number_of_results", "must be between 1 and 50"};
    CHECK(e.code_value() == errc::invalid_parameter);
    CHECK(e.field() == "number_of_results");
    CHECK(std::string{e.what()}.find("number_of_results: must be between 1 and 50") != std::string::npos);
}
