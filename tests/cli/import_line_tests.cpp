// The import file's line parser: amounts exactly as written, every field checked.
#include "import_line.hpp"

#include <catch2/catch.hpp>

using namespace netflix_charges;

namespace {

const std::string base_fields = R"("number":"I1","billing_system_customer_identifier":"c1","currency":"EUR","paid_through_date":"2026-12-31")";

imported_charge parse(const std::string& extra) { return import::parse_line("{" + base_fields + extra + "}"); }

}  // namespace

TEST_CASE("an import line keeps amounts exactly as written, never through a double", "[import]")
{
    CHECK(parse(R"(,"amount":0.1)").details.amount.to_string() == "0.1");
    CHECK(parse(R"(,"amount":1200.00)").details.amount.to_string() == "1200.00");
    CHECK(parse(R"(,"amount":999999999999.999999)").details.amount.to_string() == "999999999999.999999");
    CHECK(parse(R"(,"amount":7,"local_currency_amount":123456789.123456,"local_currency":"ALL")")
              .details.local_currency_amount->to_string() == "123456789.123456");
}

TEST_CASE("an import line reads its status and the matching time", "[import]")
{
    const auto c = parse(R"(,"amount":1,"charge_status":"BAD_REQUEST","set_as_bad_request_on":"2026-01-01T10:00:00","received_on":"2025-12-31T00:00:00")");
    CHECK(c.status == charge_status::bad_request);
    CHECK(format_timestamp(*c.status_on) == "2026-01-01T10:00:00");
    CHECK(format_timestamp(*c.details.received_on) == "2025-12-31T00:00:00");
    CHECK(parse(R"(,"amount":1)").status == charge_status::pending);
}

TEST_CASE("a bad import line says what is wrong", "[import]")
{
    const std::vector<std::pair<std::string, std::string>> cases{
        {"not json", "not a JSON object"},
        {"[1]", "arrays"},
        {"{" + base_fields + R"(,"amount":1e3})", "not a plain decimal amount"},
        {"{" + base_fields + R"(,"amount":"9.99"})", "expected a number"},
        {"{" + base_fields + R"(,"amount":1,"amount":2})", "given twice"},
        {"{" + base_fields + R"(,"amount":1,"extra":{"a":1}})", "nested objects"},
        {"{" + base_fields + R"(,"amount":1,"flag":true})", "true/false"},
        {"{" + base_fields + R"(,"amount":1,"colour":"red"})", "unknown field colour"},
        {"{" + base_fields + "}", "amount is missing"},
        {R"({"number":"I1","amount":1,"currency":"EUR","paid_through_date":"2026-12-31"})", "billing_system_customer_identifier is missing"},
        {"{" + base_fields + R"(,"amount":1,"charge_status":"LOST"})", "is not a status"},
        {"{" + base_fields + R"(,"amount":1,"received_on":"yesterday"})", "received_on"},
        {"{" + base_fields + R"(,"amount":1,"set_as_approved_on":"2026-01-01T00:00:00"})", "does not go with status PENDING"},
        {"{" + base_fields + R"(,"amount":1} trailing)", "not a JSON object"},
    };
    for (const auto& [line, why] : cases) {
        CAPTURE(line);
        try {
            import::parse_line(line);
            FAIL("accepted");
        } catch (const import::line_error& e) {
            CHECK_THAT(e.what(), Catch::Contains(why));
        }
    }
}
