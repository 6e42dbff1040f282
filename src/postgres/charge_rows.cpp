#include "charge_rows.hpp"

#include <netflix_charges/calendar.hpp>
#include <netflix_charges/decimal.hpp>
#include <netflix_charges/errors.hpp>

namespace netflix_charges::postgres_detail {

const std::string charge_columns =
    "c.number, c.billing_system_customer_identifier, c.amount, c.currency, c.local_currency_amount, "
    "c.local_currency, c.paid_through_date, c.status, c.received_on, c.set_as_approved_on, c.set_as_declined_on, "
    "c.set_as_bad_request_on, c.set_as_rejected_request_on, c.acknowledged_on, c.acknowledgement_reference, "
    "c.decision, c.decided_on, c.decision_reference, c.id";

namespace {

[[noreturn]] void corrupt(const std::string& what)
{
    throw error{errc::storage_failure, "", "a stored value is not valid: " + what};
}

decimal read_decimal(const pqxx::field& f)
{
    const auto value = decimal::parse(f.c_str());
    if (!value) corrupt(std::string{"amount "} + f.c_str());
    return *value;
}

std::optional<std::string> optional_text(const pqxx::field& f)
{
    if (f.is_null()) return std::nullopt;
    return f.as<std::string>();
}

std::optional<timestamp> optional_time(const pqxx::field& f)
{
    if (f.is_null()) return std::nullopt;
    return timestamp{std::chrono::seconds{f.as<std::int64_t>()}};
}

}  // namespace

charge read_charge(const pqxx::row& row)
{
    charge c;
    c.number = row[0].as<std::string>();
    c.billing_system_customer_identifier = row[1].as<std::string>();
    c.amount = read_decimal(row[2]);
    c.currency = row[3].as<std::string>();
    if (!row[4].is_null()) c.local_currency_amount = read_decimal(row[4]);
    c.local_currency = optional_text(row[5]);
    const auto paid_through = parse_date(row[6].c_str());
    if (!paid_through) corrupt("paid_through_date of " + c.number);
    c.paid_through_date = *paid_through;
    const int status = row[7].as<int>();
    if (status < 0 || status > 4) corrupt("status of " + c.number);
    c.status = static_cast<charge_status>(status);
    c.received_on = timestamp{std::chrono::seconds{row[8].as<std::int64_t>()}};
    c.set_as_approved_on = optional_time(row[9]);
    c.set_as_declined_on = optional_time(row[10]);
    c.set_as_bad_request_on = optional_time(row[11]);
    c.set_as_rejected_request_on = optional_time(row[12]);
    if (auto on = optional_time(row[13])) c.acknowledged = acknowledgement{*on, optional_text(row[14])};
    if (!row[15].is_null()) {
        const auto on = optional_time(row[16]);
        if (!on) corrupt("decided_on of " + c.number);
        c.decision = operator_decision{row[15].as<int>() == 0 ? decision_kind::accept : decision_kind::decline, *on,
                                       optional_text(row[17])};
    }
    return c;
}

std::string text_array(const std::vector<std::optional<std::string>>& values)
{
    std::string literal = "{";
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0) literal += ',';
        if (!values[i]) {
            literal += "NULL";
            continue;
        }
        literal += '"';
        for (const char ch : *values[i]) {
            if (ch == '"' || ch == '\\') literal += '\\';
            literal += ch;
        }
        literal += '"';
    }
    return literal + "}";
}

std::string text_array(const std::vector<std::string>& values)
{
    return text_array(std::vector<std::optional<std::string>>{values.begin(), values.end()});
}

}  // namespace netflix_charges::postgres_detail
