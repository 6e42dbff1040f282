#include <netflix_charges/errors.hpp>

#include <fmt/format.h>

namespace netflix_charges {

namespace {

struct error_text {
    std::string_view wire_code;
    std::string_view description;
};

error_text text_of(errc e) noexcept
{
    switch (e) {
    case errc::not_issued_for_customer: return {"1", "The specified charge was not issued for the specified customer"};
    case errc::charge_not_found: return {"2", "No charge with the specified number exists"};
    case errc::acknowledged_with_other_reference:
        return {"3", "The specified charge was already acknowledged with a different reference number"};
    case errc::reference_number_in_use:
        return {"4", "The specified reference number is already used by another charge"};
    case errc::charge_not_pending: return {"5", "The specified charge is no longer pending"};
    case errc::decided_with_other_reference:
        return {"6", "The specified charge was already accepted or declined with a different reference number"};
    case errc::duplicate_in_request: return {"7", "The specified charge appears more than once in the request"};
    case errc::missing_parameter: return {"MISSING_PARAMETER", "A mandatory parameter is missing or empty"};
    case errc::invalid_parameter: return {"INVALID_PARAMETER", "A parameter has an invalid type or value"};
    case errc::too_many_items: return {"TOO_MANY_ITEMS", "Too many items in one request"};
    case errc::malformed_request: return {"MALFORMED_REQUEST", "The request could not be read"};
    case errc::unauthenticated: return {"UNAUTHENTICATED", "The token is missing, invalid, expired or released"};
    case errc::invalid_credentials: return {"INVALID_CREDENTIALS", "The credentials are not valid"};
    case errc::charge_conflict:
        return {"CHARGE_CONFLICT", "A charge with this number already exists with different details"};
    case errc::unknown_charge: return {"UNKNOWN_CHARGE", "No charge with the specified number exists"};
    case errc::invalid_transition: return {"INVALID_TRANSITION", "The charge was already processed"};
    case errc::storage_failure: return {"STORAGE_FAILURE", "The store failed; nothing was changed"};
    case errc::internal_error: return {"INTERNAL_ERROR", "An internal error occurred; nothing was changed"};
    case errc::server_busy: return {"SERVER_BUSY", "The server cannot take more requests now"};
    case errc::too_many_failed_logins: return {"TOO_MANY_FAILED_LOGINS", "Too many failed logins: try again later"};
    }
    return {"INTERNAL_ERROR", "Unknown error"};
}

class category final : public std::error_category {
public:
    const char* name() const noexcept override { return "netflix_charges"; }
    std::string message(int value) const override { return std::string{description(static_cast<errc>(value))}; }
};

// The detail given, or else the words that follow a subject; without a subject, the code's
// description is the whole sentence.
std::string full_detail(errc code, const error_subject& subject, std::string detail)
{
    if (!detail.empty()) return detail;
    if (subject_words(subject, "items").empty()) return std::string{description(code)};
    switch (code) {
    case errc::missing_parameter: return "is missing";
    case errc::too_many_items: return "has too many items";
    case errc::charge_conflict: return "exists with different details";
    case errc::unknown_charge: return "is not a charge of this operator";
    case errc::invalid_transition: return "was already processed";
    default: return "is not valid";
    }
}

std::string sentence(std::string_view subject, std::string_view detail)
{
    if (subject.empty()) return std::string{detail};
    std::string text{subject};
    text += ' ';
    text += detail;
    return text;
}

}  // namespace

const std::error_category& error_category() noexcept
{
    static const category instance;
    return instance;
}

bool is_item_error(errc e) noexcept
{
    const auto value = static_cast<int>(e);
    return value >= 1 && value <= 7;
}

std::string_view wire_code(errc e) noexcept { return text_of(e).wire_code; }
std::string_view description(errc e) noexcept { return text_of(e).description; }

error::error(errc code, error_subject subject, std::string detail)
    : std::system_error(make_error_code(code), sentence(subject_words(subject, "items"), full_detail(code, subject, detail))),
      subject_(std::move(subject)), detail_(full_detail(code, subject_, std::move(detail)))
{
}

error::error(errc code, std::string field, std::string detail)
    : error(code, error_subject{std::move(field), std::nullopt, {}}, std::move(detail))
{
}

std::string subject_words(const error_subject& s, std::string_view items)
{
    if (!s.charge_number.empty()) return "charge " + s.charge_number;
    if (!s.item) return s.field == "items" ? std::string{items} : s.field;
    std::string path = fmt::format("{}[{}]", items, *s.item);
    return s.field.empty() || s.field == "items" ? path : path + "." + s.field;
}

std::string error_sentence(std::string_view subject, const error& e) { return sentence(subject, e.detail()); }

}  // namespace netflix_charges
