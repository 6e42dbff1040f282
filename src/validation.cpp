#include "validation.hpp"

#include <netflix_charges/errors.hpp>
#include <netflix_charges/limits.hpp>

#include <fmt/format.h>

namespace netflix_charges::validation {

namespace {

// Well-formed UTF-8 (no overlong forms, no surrogates, at most U+10FFFF) and no control
// characters.
bool is_clean_utf8(std::string_view text)
{
    std::size_t i = 0;
    while (i < text.size()) {
        const auto lead = static_cast<unsigned char>(text[i]);
        if (lead < 0x80) {
            if (lead < 0x20 || lead == 0x7F) return false;
            ++i;
            continue;
        }
        std::size_t length = 0;
        unsigned char low = 0x80;
        unsigned char high = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) length = 2;
        else if (lead >= 0xE0 && lead <= 0xEF) {
            length = 3;
            if (lead == 0xE0) low = 0xA0;
            if (lead == 0xED) high = 0x9F;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            length = 4;
            if (lead == 0xF0) low = 0x90;
            if (lead == 0xF4) high = 0x8F;
        } else
            return false;
        if (i + length > text.size()) return false;
        for (std::size_t k = 1; k < length; ++k) {
            const auto byte = static_cast<unsigned char>(text[i + k]);
            if (byte < (k == 1 ? low : 0x80) || byte > (k == 1 ? high : 0xBF)) return false;
        }
        i += length;
    }
    return true;
}

void check_currency(const error_subject& field, std::string_view code)
{
    if (code.empty()) throw error{errc::missing_parameter, field};
    bool valid = code.size() == limits::currency_length;
    for (char c : code) valid = valid && c >= 'A' && c <= 'Z';
    if (!valid) throw error{errc::invalid_parameter, field, "must be an ISO 4217 code of three upper-case letters"};
}

void check_amount(const error_subject& field, const decimal& amount)
{
    if (amount.is_negative()) throw error{errc::invalid_parameter, field, "must not be negative"};
}

void check_subject_text(const error_subject& subject, std::string_view value, std::size_t max_length)
{
    if (value.empty()) throw error{errc::missing_parameter, subject};
    if (value.size() > max_length)
        throw error{errc::invalid_parameter, subject, fmt::format("is longer than {} bytes", max_length)};
    if (!is_clean_utf8(value))
        throw error{errc::invalid_parameter, subject, "is not valid UTF-8, or contains control characters"};
}

}  // namespace

void check_text(const std::string& field, std::string_view value, std::size_t max_length)
{
    check_subject_text({field, std::nullopt, {}}, value, max_length);
}

void check_operator(const operator_id& op) { check_text("organisation", op.value(), limits::max_operator_length); }

void check_new_charge(const new_charge& c, std::optional<std::size_t> item)
{
    const auto at = [&](const char* field) { return error_subject{field, item, {}}; };
    check_subject_text(at("number"), c.number, limits::max_number_length);
    check_subject_text(at("billing_system_customer_identifier"), c.billing_system_customer_identifier,
                       limits::max_customer_length);
    check_amount(at("amount"), c.amount);
    check_currency(at("currency"), c.currency);
    if (c.local_currency_amount.has_value() != c.local_currency.has_value())
        throw error{errc::invalid_parameter, at(c.local_currency ? "local_currency_amount" : "local_currency"),
                    "is missing: local_currency_amount and local_currency go together"};
    if (c.local_currency_amount) check_amount(at("local_currency_amount"), *c.local_currency_amount);
    if (c.local_currency) check_currency(at("local_currency"), *c.local_currency);
}

void check_items(const std::vector<charge_item>& items)
{
    if (items.empty()) throw error{errc::missing_parameter, "items", "is empty: at least one item is required"};
    if (items.size() > limits::max_batch_items)
        throw error{errc::too_many_items, "items",
                    fmt::format("has {} items: at most {} are allowed in one request", items.size(),
                                limits::max_batch_items)};
    for (std::size_t i = 0; i < items.size(); ++i) {
        check_subject_text({"number", i, {}}, items[i].number, limits::max_number_length);
        check_subject_text({"billing_system_customer_identifier", i, {}}, items[i].billing_system_customer_identifier,
                           limits::max_customer_length);
        if (items[i].reference_number)
            check_subject_text({"reference_number", i, {}}, *items[i].reference_number, limits::max_reference_length);
    }
}

void check_list(const operator_id& op, const list_request& request)
{
    check_operator(op);
    if (request.number_of_results < 1 || request.number_of_results > limits::max_list_results)
        throw error{errc::invalid_parameter, "number_of_results",
                    fmt::format("must be between 1 and {}", limits::max_list_results)};
}

}  // namespace netflix_charges::validation
