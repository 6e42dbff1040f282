#include "json_text.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <array>

namespace netflix_charges::http::detail {

namespace {

std::string time_or_null(const std::optional<timestamp>& t) { return t ? quoted(format_timestamp(*t)) : "null"; }

std::string decimal_or_null(const std::optional<decimal>& d) { return d ? d->to_string() : "null"; }

// The value of one field, as JSON text.
std::string field_value(const charge& c, std::string_view field)
{
    if (field == "number") return quoted(c.number);
    if (field == "billing_system_customer_identifier") return quoted(c.billing_system_customer_identifier);
    if (field == "amount") return c.amount.to_string();  // plain decimal notation, never a double
    if (field == "currency") return quoted(c.currency);
    if (field == "local_currency_amount") return decimal_or_null(c.local_currency_amount);
    if (field == "local_currency") return quoted_or_null(c.local_currency);
    if (field == "paid_through_date") return quoted(format_date(c.paid_through_date));
    if (field == "charge_status") return quoted(to_string(c.status));
    if (field == "received_on") return quoted(format_timestamp(c.received_on));
    if (field == "set_as_approved_on") return time_or_null(c.set_as_approved_on);
    if (field == "set_as_declined_on") return time_or_null(c.set_as_declined_on);
    if (field == "set_as_bad_request_on") return time_or_null(c.set_as_bad_request_on);
    if (field == "set_as_rejected_request_on") return time_or_null(c.set_as_rejected_request_on);
    return "null";
}

}  // namespace

std::string quoted(std::string_view text) { return boost::json::serialize(boost::json::string{text}); }

std::string quoted_or_null(const std::optional<std::string>& text) { return text ? quoted(*text) : "null"; }

std::string envelope(std::string_view data_json, std::string_view code, std::string_view description,
                     std::string_view message)
{
    std::string out;
    out.reserve(data_json.size() + 96 + description.size() + message.size());
    out += R"({"data":)";
    out += data_json;
    out += R"(,"status":{"code":)";
    out += quoted(code);
    out += R"(,"description":)";
    out += quoted(description);
    out += R"(,"message":)";
    out += quoted(message);
    out += "}}";
    return out;
}

const std::vector<std::string_view>& charge_fields()
{
    static const std::vector<std::string_view> fields{
        "number", "billing_system_customer_identifier", "amount", "currency", "local_currency_amount",
        "local_currency", "paid_through_date", "charge_status", "received_on", "set_as_approved_on",
        "set_as_declined_on", "set_as_bad_request_on", "set_as_rejected_request_on"};
    return fields;
}

std::string charge_json(const charge& c, const std::vector<std::string_view>& fields)
{
    std::string out = "{";
    for (const auto field : fields) {
        if (out.size() > 1) out += ',';
        out += quoted(field);
        out += ':';
        out += field_value(c, field);
    }
    out += '}';
    return out;
}

}  // namespace netflix_charges::http::detail
