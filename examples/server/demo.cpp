#include "demo.hpp"

#include <netflix_charges/sample_data.hpp>

#include <iostream>

namespace sample_server {

namespace nc = netflix_charges;

namespace {

const nc::timestamp demo_start = *nc::parse_timestamp("2026-11-01T08:00:00");

}  // namespace

void fill_demo_data(nc::credential_store& store, nc::charges_service& service, nc::jwt_authenticator& auth)
{
    const nc::operator_id op{demo_operator};
    if (store.find_user(op, demo_user)) return;
    auth.add_user(op, demo_user, "1", demo_password);
    service.issue_many(op, nc::sample_charges(0, 20, demo_start));
    // Charges 12 to 19 were processed: two in each terminal status.
    const nc::charge_status outcomes[] = {nc::charge_status::approved, nc::charge_status::declined,
                                          nc::charge_status::bad_request, nc::charge_status::rejected};
    for (std::size_t i = 12; i < 20; ++i)
        service.record_outcome(op, nc::sample_charge_number(i), outcomes[(i - 12) / 2], demo_start + std::chrono::hours{i});
}

void print_walkthrough(const std::string& host, unsigned short port, const std::string& base_path)
{
    const std::string api = "http://" + host + ":" + std::to_string(port) + base_path;
    const auto first = nc::sample_charges(0, 2, demo_start);  // two of the PENDING demo charges
    std::cout << "\nDemo operator '" << demo_operator << "', user '" << demo_user << "', password '" << demo_password
              << "'. Try, from another terminal:\n\n"
              << "  TOKEN=$(curl -s -X POST " << api << "authentication/token -H 'Content-Type: application/json' \\\n"
              << "    -d '{\"username\":\"" << demo_user << "\",\"password\":\"" << demo_password << "\",\"organisation\":\""
              << demo_operator << "\"}' | sed -E 's/.*\"token\":\"([^\"]+)\".*/\\1/')\n\n"
              << "  curl -s \"" << api << "netflix/charges/list?token=$TOKEN&number_of_results=5&charge_status=NOT_PROCESSED&offset=0\"\n\n"
              << "  curl -s -X POST " << api << "netflix/charges/acknowledge -H 'Content-Type: application/json' \\\n"
              << "    -d '{\"token\":\"'$TOKEN'\",\"acknowledged_charges_set\":[{\"number\":\"" << first[0].number
              << "\",\"billing_system_customer_identifier\":\"" << first[0].billing_system_customer_identifier
              << "\",\"reference_number\":\"ACK-1\"}]}'\n\n"
              << "  curl -s -X POST " << api << "netflix/charges/decline -H 'Content-Type: application/json' \\\n"
              << "    -d '{\"token\":\"'$TOKEN'\",\"declined_charges_set\":[{\"number\":\"" << first[1].number
              << "\",\"billing_system_customer_identifier\":\"" << first[1].billing_system_customer_identifier
              << "\"}]}'\n\n"
              << "Stop with Ctrl-C.\n"
              << std::endl;
}

}  // namespace sample_server
