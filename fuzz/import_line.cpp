// Fuzz target: any bytes as a line of an import file, through the sample server's line parser.
// Invariants: a line is either refused with a line_error or gives a charge whose mandatory
// fields are there; the amount text, printed back, parses to the same amount.
#include "fuzz_support.hpp"

#include "import_line.hpp"

#include <cstdint>

namespace nc = netflix_charges;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    try {
        const auto imported = nc::import::parse_line(std::string_view{reinterpret_cast<const char*>(data), size});
        const auto& c = imported.details;
        fuzz_support::require(!c.number.empty() && !c.billing_system_customer_identifier.empty() && !c.currency.empty(),
                              "mandatory fields are present");
        fuzz_support::require(nc::decimal::parse(c.amount.to_string()) == c.amount, "amounts print and parse back");
    } catch (const nc::import::line_error&) {
    }
    return 0;
}
