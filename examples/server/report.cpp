// report: an operator's charges received in a period, as CSV (RFC 4180): totals by status and
// currency, or one line per charge. Read a bounded number of charges at a time.
#include "commands.hpp"
#include "store_choice.hpp"

#include <netflix_charges/calendar.hpp>
#include <netflix_charges/errors.hpp>
#include <netflix_charges/service.hpp>

#include <iostream>
#include <optional>
#include <string_view>

namespace sample_server {

namespace nc = netflix_charges;

namespace {

nc::date date_option(const std::string& name, const std::string& text)
{
    const auto day = nc::parse_date(text);
    if (!day) throw nc::error{nc::errc::invalid_parameter, name, "must be a date, YYYY-MM-DD"};
    return *day;
}

// A field as CSV writes it: quoted when it holds a comma, a quote or a line break.
std::string csv(std::string_view field)
{
    if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string{field};
    std::string quoted = "\"";
    for (const char c : field) {
        if (c == '"') quoted += '"';
        quoted += c;
    }
    return quoted + '"';
}

std::string csv(const std::string& field) { return csv(std::string_view{field}); }
std::string csv(const std::optional<std::string>& field) { return field ? csv(*field) : std::string{}; }
std::string csv(const std::optional<nc::timestamp>& t) { return t ? nc::format_timestamp(*t) : std::string{}; }

}  // namespace

int report(const std::string& db, const std::string& org, const std::string& from, const std::string& to, bool detail)
{
    const auto first = date_option("--from", from);
    const auto last = date_option("--to", to);
    if (to < from) throw nc::error{nc::errc::invalid_parameter, "--to", "must not be before --from"};
    opened_store store{db};
    nc::charges_service service{store.charges()};
    const nc::operator_id op{org};
    if (detail) {
        std::cout << "number,billing_system_customer_identifier,charge_status,amount,currency,received_on,"
                     "acknowledged_on,acknowledgement_reference,decided_on,decision_reference\n";
        service.for_each_received(op, first, last, [](const nc::charge& c) {
            const auto acknowledged_on = c.acknowledged ? std::optional{c.acknowledged->on} : std::nullopt;
            const auto decided_on = c.decision ? std::optional{c.decision->on} : std::nullopt;
            std::cout << csv(c.number) << ',' << csv(c.billing_system_customer_identifier) << ','
                      << nc::to_string(c.status) << ',' << c.amount.to_string() << ',' << csv(c.currency) << ','
                      << nc::format_timestamp(c.received_on) << ',' << csv(acknowledged_on) << ','
                      << csv(c.acknowledged ? c.acknowledged->reference_number : std::nullopt) << ','
                      << csv(decided_on) << ',' << csv(c.decision ? c.decision->reference_number : std::nullopt)
                      << '\n';
        });
    } else {
        const auto rows = service.report(op, first, last);
        std::cout << "charge_status,currency,charges,amount\n";
        for (const auto& row : rows)
            std::cout << nc::to_string(row.status) << ',' << csv(row.currency) << ',' << row.charges << ','
                      << row.amount << '\n';
    }
    std::cout.flush();
    return std::cout ? 0 : 1;
}

}  // namespace sample_server
