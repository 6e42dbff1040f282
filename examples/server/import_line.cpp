#include "import_line.hpp"

#include <boost/json/basic_parser_impl.hpp>

#include <map>
#include <optional>

namespace netflix_charges::import {

namespace json = boost::json;

namespace {

// A flat object's members, as text: strings unescaped, numbers exactly as written.
struct flat_value {
    enum class kind { string, number, null } type;
    std::string text;
};

// Boost.JSON's SAX interface, keeping every number's text (its DOM would keep only a double).
struct flat_object_handler {
    static constexpr std::size_t max_object_size = 64;
    static constexpr std::size_t max_array_size = 0;
    static constexpr std::size_t max_key_size = 64;
    static constexpr std::size_t max_string_size = 1024;

    std::map<std::string, flat_value> members;
    std::string key;       // of the member being read
    std::string key_part;  // a key split across buffers
    std::string text;      // a string or number split across buffers
    int depth = 0;
    std::string problem;

    bool fail(json::error_code& ec, std::string why)
    {
        problem = std::move(why);
        ec = json::error::syntax;
        return false;
    }
    bool store(json::error_code& ec, flat_value value)
    {
        if (!members.emplace(key, std::move(value)).second) return fail(ec, "field " + key + " given twice");
        return true;
    }

    bool on_document_begin(json::error_code&) { return true; }
    bool on_document_end(json::error_code&) { return true; }
    bool on_array_begin(json::error_code& ec) { return fail(ec, "field " + key + ": arrays are not allowed"); }
    bool on_array_end(std::size_t, json::error_code&) { return true; }
    bool on_object_begin(json::error_code& ec)
    {
        return ++depth == 1 ? true : fail(ec, "field " + key + ": nested objects are not allowed");
    }
    bool on_object_end(std::size_t, json::error_code&) { return true; }
    bool on_string_part(json::string_view s, std::size_t, json::error_code&)
    {
        text.append(s.data(), s.size());
        return true;
    }
    bool on_string(json::string_view s, std::size_t, json::error_code& ec)
    {
        text.append(s.data(), s.size());
        return store(ec, {flat_value::kind::string, std::exchange(text, {})});
    }
    bool on_key_part(json::string_view s, std::size_t, json::error_code&)
    {
        key_part.append(s.data(), s.size());
        return true;
    }
    bool on_key(json::string_view s, std::size_t, json::error_code&)
    {
        key = std::exchange(key_part, {}) + std::string{s.data(), s.size()};
        return true;
    }
    bool on_number_part(json::string_view s, json::error_code&)
    {
        text.append(s.data(), s.size());
        return true;
    }
    bool number(json::string_view s, json::error_code& ec)
    {
        text.append(s.data(), s.size());
        return store(ec, {flat_value::kind::number, std::exchange(text, {})});
    }
    bool on_int64(std::int64_t, json::string_view s, json::error_code& ec) { return number(s, ec); }
    bool on_uint64(std::uint64_t, json::string_view s, json::error_code& ec) { return number(s, ec); }
    bool on_double(double, json::string_view s, json::error_code& ec) { return number(s, ec); }
    bool on_bool(bool, json::error_code& ec) { return fail(ec, "field " + key + ": true/false is not allowed"); }
    bool on_null(json::error_code& ec) { return store(ec, {flat_value::kind::null, {}}); }
    bool on_comment_part(json::string_view, json::error_code&) { return true; }
    bool on_comment(json::string_view, json::error_code&) { return true; }
};

class line_fields {
public:
    explicit line_fields(std::map<std::string, flat_value> members) : members_(std::move(members))
    {
        for (const auto& [name, value] : members_)
            if (known().count(name) == 0) throw line_error{"unknown field " + name};
    }

    std::optional<std::string> text(const std::string& name) const
    {
        const auto it = members_.find(name);
        if (it == members_.end() || it->second.type == flat_value::kind::null) return std::nullopt;
        if (it->second.type != flat_value::kind::string) throw line_error{"field " + name + ": expected a string"};
        return it->second.text;
    }
    std::string required_text(const std::string& name) const
    {
        auto value = text(name);
        if (!value || value->empty()) throw line_error{"field " + name + " is missing"};
        return *value;
    }
    std::optional<decimal> amount(const std::string& name) const
    {
        const auto it = members_.find(name);
        if (it == members_.end() || it->second.type == flat_value::kind::null) return std::nullopt;
        if (it->second.type != flat_value::kind::number) throw line_error{"field " + name + ": expected a number"};
        auto value = decimal::parse(it->second.text);
        if (!value) throw line_error{"field " + name + ": " + it->second.text + " is not a plain decimal amount"};
        return value;
    }
    std::optional<timestamp> time(const std::string& name) const
    {
        const auto value = text(name);
        if (!value) return std::nullopt;
        auto parsed = parse_timestamp(*value);
        if (!parsed) throw line_error{"field " + name + ": expected YYYY-MM-DDTHH:MM:SS"};
        return parsed;
    }

private:
    static const std::map<std::string, int>& known()
    {
        static const std::map<std::string, int> names{
            {"number", 0}, {"billing_system_customer_identifier", 0}, {"amount", 0}, {"currency", 0},
            {"local_currency_amount", 0}, {"local_currency", 0}, {"paid_through_date", 0}, {"received_on", 0},
            {"charge_status", 0}, {"set_as_approved_on", 0}, {"set_as_declined_on", 0}, {"set_as_bad_request_on", 0},
            {"set_as_rejected_request_on", 0}};
        return names;
    }

    std::map<std::string, flat_value> members_;
};

}  // namespace

imported_charge parse_line(std::string_view line)
{
    json::basic_parser<flat_object_handler> parser{json::parse_options{}};
    json::error_code ec;
    const auto used = parser.write_some(false, line.data(), line.size(), ec);
    if (!ec && line.find_first_not_of(" \t\r", used) != std::string_view::npos) throw line_error{"not a JSON object: text after it"};
    if (ec) {
        const auto& problem = parser.handler().problem;
        throw line_error{problem.empty() ? "not a JSON object: " + ec.message() : problem};
    }
    if (parser.handler().depth != 1) throw line_error{"not a JSON object"};
    const line_fields fields{std::move(parser.handler().members)};

    imported_charge c;
    c.details.number = fields.required_text("number");
    c.details.billing_system_customer_identifier = fields.required_text("billing_system_customer_identifier");
    const auto amount = fields.amount("amount");
    if (!amount) throw line_error{"field amount is missing"};
    c.details.amount = *amount;
    c.details.currency = fields.required_text("currency");
    c.details.local_currency_amount = fields.amount("local_currency_amount");
    c.details.local_currency = fields.text("local_currency");
    const auto paid_through = parse_date(fields.required_text("paid_through_date"));
    if (!paid_through) throw line_error{"field paid_through_date: expected YYYY-MM-DD"};
    c.details.paid_through_date = *paid_through;
    c.details.received_on = fields.time("received_on");
    if (const auto status = fields.text("charge_status")) {
        const auto parsed = parse_charge_status(*status);
        if (!parsed) throw line_error{"field charge_status: " + *status + " is not a status"};
        c.status = *parsed;
    }
    const std::pair<charge_status, const char*> status_times[] = {
        {charge_status::approved, "set_as_approved_on"},
        {charge_status::declined, "set_as_declined_on"},
        {charge_status::bad_request, "set_as_bad_request_on"},
        {charge_status::rejected, "set_as_rejected_request_on"},
    };
    for (const auto& [status, field] : status_times) {
        const auto when = fields.time(field);
        if (when && status != c.status) throw line_error{std::string{"field "} + field + " does not go with status " +
                                                         std::string{to_string(c.status)}};
        if (when) c.status_on = when;
    }
    return c;
}

}  // namespace netflix_charges::import
