#include "json_text.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <array>

namespace netflix_charges::http::detail {

namespace {

void append_time_or_null(std::string& out, const std::optional<timestamp>& t)
{
    if (t) append_quoted(out, format_timestamp(*t));
    else out += "null";
}

// One field's value, as JSON text appended to `out`.
void append_field_value(std::string& out, const charge& c, std::string_view field)
{
    if (field == "number") return append_quoted(out, c.number);
    if (field == "billing_system_customer_identifier") return append_quoted(out, c.billing_system_customer_identifier);
    if (field == "amount") {
        out += c.amount.to_string();  // plain decimal notation, never a double
        return;
    }
    if (field == "currency") return append_quoted(out, c.currency);
    if (field == "local_currency_amount") {
        out += c.local_currency_amount ? c.local_currency_amount->to_string() : "null";
        return;
    }
    if (field == "local_currency") {
        if (c.local_currency) return append_quoted(out, *c.local_currency);
        out += "null";
        return;
    }
    if (field == "paid_through_date") return append_quoted(out, format_date(c.paid_through_date));
    if (field == "charge_status") return append_quoted(out, to_string(c.status));
    if (field == "received_on") return append_quoted(out, format_timestamp(c.received_on));
    if (field == "set_as_approved_on") return append_time_or_null(out, c.set_as_approved_on);
    if (field == "set_as_declined_on") return append_time_or_null(out, c.set_as_declined_on);
    if (field == "set_as_bad_request_on") return append_time_or_null(out, c.set_as_bad_request_on);
    if (field == "set_as_rejected_request_on") return append_time_or_null(out, c.set_as_rejected_request_on);
    out += "null";
}

bool needs_escaping(std::string_view text)
{
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c == '"' || c == '\\' || c >= 0x7F) return true;
    }
    return false;
}

}  // namespace

void append_quoted(std::string& out, std::string_view text)
{
    if (needs_escaping(text)) {
        out += boost::json::serialize(boost::json::string{text});  // Boost.JSON escapes the rare rest
        return;
    }
    out += '"';
    out += text;
    out += '"';
}

std::string quoted(std::string_view text)
{
    std::string out;
    append_quoted(out, text);
    return out;
}

std::string quoted_or_null(const std::optional<std::string>& text) { return text ? quoted(*text) : "null"; }

std::string envelope(std::string_view data_json, std::string_view code, std::string_view description,
                     std::string_view message)
{
    std::string out;
    out.reserve(data_json.size() + 96 + description.size() + message.size());
    out += R"({"data":)";
    out += data_json;
    out += R"(,"status":{"code":)";
    append_quoted(out, code);
    out += R"(,"description":)";
    append_quoted(out, description);
    out += R"(,"message":)";
    append_quoted(out, message);
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

void append_charge_json(std::string& out, const charge& c, const std::vector<std::string_view>& fields)
{
    out += '{';
    bool first = true;
    for (const auto field : fields) {
        if (!first) out += ',';
        first = false;
        out += '"';
        out += field;  // wire names need no escaping
        out += "\":";
        append_field_value(out, c, field);
    }
    out += '}';
}

}  // namespace netflix_charges::http::detail
