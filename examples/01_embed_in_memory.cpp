// 01: embed the library in your own process with the in-memory store.
// Issues a few charges, lists them as the operator would, acknowledges, accepts and declines,
// and prints the per-item failures.
#include <netflix_charges/netflix_charges.hpp>

#include <iostream>

namespace nc = netflix_charges;

int main()
{
    nc::memory_store store;
    nc::charges_service service{store};
    const nc::operator_id op{"ps_dev"};
    // The operator's billing system, as its verified token would say (see 03 for tokens).
    const nc::identity billing = nc::identity::vouched_for_by_host("billing", op, "1");

    // The host CRM's side: charges arrive from Netflix.
    for (const char* number : {"I00002705", "I00002706", "I00002707"}) {
        nc::new_charge c;
        c.number = number;
        c.billing_system_customer_identifier = "pci155";
        c.amount = *nc::decimal::parse("9.99");
        c.currency = "EUR";
        c.paid_through_date = *nc::parse_date("2026-12-31");
        service.issue(op, c);
    }

    // The operator's side: list what is pending.
    for (const auto& c : service.list(billing, {nc::status_class::not_processed, 0, 50}))
        std::cout << c.number << ' ' << c.amount.to_string() << ' ' << c.currency << ' ' << nc::to_string(c.status)
                  << '\n';

    // Decline one, accept one, then acknowledge what the billing system took; one item is wrong.
    const auto declined = service.decline(billing, {{"I00002706", "pci155", std::string{"DEC-1"}}});
    const auto accepted = service.accept(billing, {{"I00002705", "pci155", std::string{"ACC-1"}}});
    const auto acknowledged = service.acknowledge(billing, {{"I00002705", "pci155", std::string{"ACK-1"}},
                                                       {"I00002707", "pp", std::nullopt}});

    for (const auto* result : {&declined, &accepted, &acknowledged})
        for (const auto& failure : result->failed)
            std::cout << "failed " << failure.number << " code " << nc::wire_code(failure.code) << ": "
                      << failure.description << '\n';

    // Reconciliation: which charge holds a reference number?
    std::cout << "ACK-1 -> " << service.find_by_reference(op, "ACK-1")->number << '\n';
    return declined.failed.empty() && accepted.failed.empty() && acknowledged.failed.size() == 1 ? 0 : 1;
}
