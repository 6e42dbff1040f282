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
    CHECK_FALSE(e.item());
    CHECK(e.detail() == "must be between 1 and 50");
    CHECK(std::string{e.what()}.find("number_of_results must be between 1 and 50") == 0);
}

TEST_CASE("an error carries its subject as data: field, item and charge", "[errors]")
{
    const error item_error{errc::missing_parameter, error_subject{"number", 3, {}}};
    CHECK(item_error.field() == "number");
    CHECK(item_error.item() == std::size_t{3});
    CHECK(item_error.detail() == "is missing");
    CHECK(std::string{item_error.what()}.find("items[3].number is missing") == 0);
    // Another caller words the subject its own way.
    CHECK(error_sentence("acknowledged_charges_set[3].number", item_error) == "acknowledged_charges_set[3].number is missing");

    const error conflict{errc::charge_conflict, error_subject{"number", 0, "I1"}};
    CHECK(conflict.charge_number() == "I1");
    CHECK(std::string{conflict.what()}.find("charge I1 exists with different details") == 0);
}

TEST_CASE("an error without a subject is a sentence of its own, never empty", "[errors]")
{
    for (int value = static_cast<int>(errc::missing_parameter); value <= static_cast<int>(errc::internal_error); ++value) {
        const error e{static_cast<errc>(value), ""};
        CAPTURE(value);
        CHECK(e.detail() == description(static_cast<errc>(value)));
        CHECK(error_sentence("", e) == e.detail());
    }
    const error with_subject{errc::invalid_parameter, "offset"};
    CHECK(error_sentence("offset", with_subject) == "offset is not valid");
}
