#include "new_charges.hpp"

namespace netflix_charges::detail {

charge pending_charge(const new_charge& c, timestamp now)
{
    charge stored;
    stored.number = c.number;
    stored.billing_system_customer_identifier = c.billing_system_customer_identifier;
    stored.amount = c.amount;
    stored.currency = c.currency;
    stored.local_currency_amount = c.local_currency_amount;
    stored.local_currency = c.local_currency;
    stored.paid_through_date = c.paid_through_date;
    stored.received_on = c.received_on.value_or(now);
    return stored;
}

bool same_details(const charge& stored, const new_charge& c)
{
    return stored.billing_system_customer_identifier == c.billing_system_customer_identifier &&
           stored.amount == c.amount && stored.currency == c.currency &&
           stored.local_currency_amount == c.local_currency_amount && stored.local_currency == c.local_currency &&
           stored.paid_through_date == c.paid_through_date && (!c.received_on || stored.received_on == *c.received_on);
}

error given_twice(const std::string& number, std::size_t position)
{
    return error{errc::invalid_parameter, error_subject{"number", position, number}, "is given more than once"};
}

journal_entry host_entry(journal_kind kind, const std::string& number, charge_status after, timestamp now)
{
    return {0, now, kind, number, after, std::nullopt, std::nullopt, {}};
}

}  // namespace netflix_charges::detail
