#include <netflix_charges/charge.hpp>
#include <netflix_charges/journal.hpp>

#include <array>
#include <utility>

namespace netflix_charges {

namespace {

constexpr std::array<std::pair<charge_status, std::string_view>, 5> status_names{{
    {charge_status::pending, "PENDING"},
    {charge_status::approved, "APPROVED"},
    {charge_status::declined, "DECLINED"},
    {charge_status::bad_request, "BAD_REQUEST"},
    {charge_status::rejected, "REJECTED"},
}};

constexpr std::array<std::pair<journal_kind, std::string_view>, 5> journal_kind_names{{
    {journal_kind::issued, "issued"},
    {journal_kind::processed, "processed"},
    {journal_kind::acknowledged, "acknowledged"},
    {journal_kind::accepted, "accepted"},
    {journal_kind::declined, "declined"},
}};

constexpr std::array<std::pair<status_class, std::string_view>, 2> class_names{{
    {status_class::not_processed, "NOT_PROCESSED"},
    {status_class::processed, "PROCESSED"},
}};

template <typename Enum, std::size_t N>
std::string_view name_of(const std::array<std::pair<Enum, std::string_view>, N>& names, Enum value)
{
    for (const auto& [candidate, name] : names)
        if (candidate == value) return name;
    return {};
}

template <typename Enum, std::size_t N>
std::optional<Enum> value_of(const std::array<std::pair<Enum, std::string_view>, N>& names, std::string_view text)
{
    for (const auto& [value, name] : names)
        if (name == text) return value;
    return std::nullopt;
}

}  // namespace

std::string_view to_string(charge_status s) { return name_of(status_names, s); }
std::optional<charge_status> parse_charge_status(std::string_view text) { return value_of(status_names, text); }
std::string_view to_string(status_class c) { return name_of(class_names, c); }
std::optional<status_class> parse_status_class(std::string_view text) { return value_of(class_names, text); }
std::string_view to_string(journal_kind k) { return name_of(journal_kind_names, k); }
std::optional<journal_kind> parse_journal_kind(std::string_view text) { return value_of(journal_kind_names, text); }

status_class class_of(charge_status s)
{
    return s == charge_status::pending ? status_class::not_processed : status_class::processed;
}

bool operator==(const charge& a, const charge& b)
{
    return a.number == b.number && a.billing_system_customer_identifier == b.billing_system_customer_identifier &&
           a.amount == b.amount && a.currency == b.currency && a.local_currency_amount == b.local_currency_amount &&
           a.local_currency == b.local_currency &&
           a.paid_through_date == b.paid_through_date && a.status == b.status && a.received_on == b.received_on &&
           a.set_as_approved_on == b.set_as_approved_on && a.set_as_declined_on == b.set_as_declined_on &&
           a.set_as_bad_request_on == b.set_as_bad_request_on &&
           a.set_as_rejected_request_on == b.set_as_rejected_request_on && a.acknowledged == b.acknowledged &&
           a.decision == b.decision;
}

std::optional<timestamp>* status_timestamp(charge& c, charge_status s)
{
    switch (s) {
    case charge_status::approved: return &c.set_as_approved_on;
    case charge_status::declined: return &c.set_as_declined_on;
    case charge_status::bad_request: return &c.set_as_bad_request_on;
    case charge_status::rejected: return &c.set_as_rejected_request_on;
    case charge_status::pending: break;
    }
    return nullptr;
}

}  // namespace netflix_charges
