#include "json_text.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include <iterator>

namespace netflix_charges::http::detail {

namespace {

void append_time_or_null(std::string& out, const std::optional<timestamp>& t)
{
    if (t) append_quoted(out, format_timestamp(*t));
    else out += "null";
}

constexpr std::string_view field_names[] = {
    "number", "billing_system_customer_identifier", "amount", "currency", "local_currency_amount", "local_currency",
    "paid_through_date", "charge_status", "received_on", "set_as_approved_on", "set_as_declined_on",
    "set_as_bad_request_on", "set_as_rejected_request_on"};

// One field's value, as JSON text appended to `out`.
void append_field_value(std::string& out, const charge& c, charge_field field)
{
    switch (field) {
    case charge_field::number: return append_quoted(out, c.number);
    case charge_field::billing_system_customer_identifier: return append_quoted(out, c.billing_system_customer_identifier);
    case charge_field::amount: out += c.amount.to_string(); return;  // plain decimal notation, never a double
    case charge_field::currency: return append_quoted(out, c.currency);
    case charge_field::local_currency_amount:
        out += c.local_currency_amount ? c.local_currency_amount->to_string() : "null";
        return;
    case charge_field::local_currency:
        if (c.local_currency) return append_quoted(out, *c.local_currency);
        out += "null";
        return;
    case charge_field::paid_through_date: return append_quoted(out, format_date(c.paid_through_date));
    case charge_field::charge_status: return append_quoted(out, to_string(c.status));
    case charge_field::received_on: return append_quoted(out, format_timestamp(c.received_on));
    case charge_field::set_as_approved_on: return append_time_or_null(out, c.set_as_approved_on);
    case charge_field::set_as_declined_on: return append_time_or_null(out, c.set_as_declined_on);
    case charge_field::set_as_bad_request_on: return append_time_or_null(out, c.set_as_bad_request_on);
    case charge_field::set_as_rejected_request_on: return append_time_or_null(out, c.set_as_rejected_request_on);
    }
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
        auto quoted = boost::json::serialize(boost::json::string{text});  // Boost.JSON escapes the rare rest
        boost::json::error_code ec;
        boost::json::parse(quoted, ec);  // it copies bytes that are not UTF-8; the parser refuses them
        if (ec) {  // only text from a client (a parameter's name in an error) can be such: shown with '?'
            std::string ascii{text};
            for (auto& ch : ascii)
                if (static_cast<unsigned char>(ch) >= 0x80) ch = '?';
            quoted = boost::json::serialize(boost::json::string{ascii});
        }
        out += quoted;
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

const std::vector<charge_field>& charge_fields()
{
    static const std::vector<charge_field> all = [] {
        std::vector<charge_field> fields;
        for (std::size_t i = 0; i < std::size(field_names); ++i) fields.push_back(static_cast<charge_field>(i));
        return fields;
    }();
    return all;
}

std::string_view wire_name(charge_field f) { return field_names[static_cast<std::size_t>(f)]; }

std::optional<charge_field> parse_charge_field(std::string_view name)
{
    for (std::size_t i = 0; i < std::size(field_names); ++i)
        if (field_names[i] == name) return static_cast<charge_field>(i);
    return std::nullopt;
}

void append_charge_json(std::string& out, const charge& c, const std::vector<charge_field>& fields)
{
    out += '{';
    bool first = true;
    for (const auto field : fields) {
        if (!first) out += ',';
        first = false;
        out += '"';
        out += wire_name(field);  // wire names need no escaping
        out += "\":";
        append_field_value(out, c, field);
    }
    out += '}';
}

}  // namespace netflix_charges::http::detail
