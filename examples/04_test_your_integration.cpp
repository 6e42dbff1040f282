// 04: unit-test your own integration with <netflix_charges/testing.hpp>: a Catch2 test of a
// made-up billing client that takes every pending charge into its invoices and acknowledges
// them. The harness gives a service on an in-memory store with a clock you control.
#define CATCH_CONFIG_MAIN
#include <netflix_charges/testing.hpp>

#include <catch2/catch.hpp>

#include <map>
#include <string>

namespace nc = netflix_charges;
using nc::testing::a_charge;

// The code under test: your billing system's side of the integration.
class invoicing_run {
public:
    explicit invoicing_run(nc::charges_service& service, nc::identity billing)
        : service_(service), billing_(std::move(billing)) {}

    // Bills every charge not yet taken, then acknowledges them with the invoice line's id.
    std::size_t run()
    {
        std::vector<nc::charge_item> taken;
        for (const auto& c : service_.list(billing_, {nc::status_class::not_processed, 0, 50})) {
            const std::string line = "INV-" + std::to_string(invoice_lines_.size() + 1);
            invoice_lines_[line] = c.amount.to_string() + " " + c.currency;
            taken.push_back({c.number, c.billing_system_customer_identifier, line});
        }
        if (taken.empty()) return 0;  // an empty batch is a bad request, as on CRM.COM
        const auto result = service_.acknowledge(billing_, taken);
        return taken.size() - result.failed.size();
    }

    const std::map<std::string, std::string>& invoice_lines() const { return invoice_lines_; }

private:
    nc::charges_service& service_;
    nc::identity billing_;
    std::map<std::string, std::string> invoice_lines_;
};

TEST_CASE("an invoicing run bills each pending charge once, even when run twice")
{
    nc::testing::harness h;
    h.issue(a_charge("I1").costing("9.99", "EUR"));
    h.issue(a_charge("I2").costing("15.49", "EUR"));
    invoicing_run billing{h.service, h.caller};

    CHECK(billing.run() == 2);
    CHECK(billing.invoice_lines().at("INV-1") == "9.99 EUR");
    CHECK(billing.run() == 0);  // acknowledged charges are not listed again
    CHECK(h.service.find(h.op, "I2")->acknowledged->reference_number == "INV-2");
}

TEST_CASE("an invoicing run takes only charges Netflix has not processed yet")
{
    nc::testing::harness h;
    h.issue(a_charge("I1"), nc::charge_status::approved);  // PROCESSED: not in this run's class
    invoicing_run billing{h.service, h.caller};
    CHECK(billing.run() == 0);
}
