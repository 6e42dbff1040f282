#pragma once

#include <netflix_charges/export.hpp>
#include <netflix_charges/calendar.hpp>
#include <netflix_charges/decimal.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace netflix_charges {

// Where a charge is in its lifecycle. It enters PENDING and moves once to one terminal status.
enum class charge_status {
    pending,      // received, not processed yet: the operator must not bill it
    approved,     // processed: the operator bills it
    declined,     // processed: not billed (by the host, or by the operator's decline call)
    bad_request,  // processed: not billed
    rejected,     // processed: not billed
};

// The two classes the list call selects by (`charge_status` on the wire).
enum class status_class {
    not_processed,  // PENDING
    processed,      // APPROVED, DECLINED, BAD_REQUEST, REJECTED
};

// Wire names: "PENDING", "APPROVED", ...; "NOT_PROCESSED", "PROCESSED".
NETFLIX_CHARGES_EXPORT std::string_view to_string(charge_status s);
NETFLIX_CHARGES_EXPORT std::optional<charge_status> parse_charge_status(std::string_view text);
NETFLIX_CHARGES_EXPORT std::string_view to_string(status_class c);
NETFLIX_CHARGES_EXPORT std::optional<status_class> parse_status_class(std::string_view text);
NETFLIX_CHARGES_EXPORT status_class class_of(charge_status s);

// What the host CRM hands over when a charge arrives (`charges_service::issue`).
struct new_charge {
    std::string number;
    std::string billing_system_customer_identifier;
    decimal amount;
    std::string currency;  // ISO 4217, three upper-case letters
    std::optional<decimal> local_currency_amount;
    std::optional<std::string> local_currency;
    date paid_through_date;
    std::optional<timestamp> received_on;  // the service's clock when not given
};

// The operator's acknowledgement that its billing system has taken the charge.
struct acknowledgement {
    timestamp on;
    std::optional<std::string> reference_number;

    friend bool operator==(const acknowledgement& a, const acknowledgement& b)
    {
        return a.on == b.on && a.reference_number == b.reference_number;
    }
};

// The operator's own accept or decline of a PENDING charge.
enum class decision_kind { accept, decline };

struct operator_decision {
    decision_kind kind = decision_kind::decline;
    timestamp on;
    std::optional<std::string> reference_number;

    friend bool operator==(const operator_decision& a, const operator_decision& b)
    {
        return a.kind == b.kind && a.on == b.on && a.reference_number == b.reference_number;
    }
};

// A charge as stored, with everything that happened to it.
struct charge {
    std::string number;
    std::string billing_system_customer_identifier;
    decimal amount;
    std::string currency;
    std::optional<decimal> local_currency_amount;
    std::optional<std::string> local_currency;
    date paid_through_date;
    charge_status status = charge_status::pending;
    timestamp received_on;
    std::optional<timestamp> set_as_approved_on;
    std::optional<timestamp> set_as_declined_on;
    std::optional<timestamp> set_as_bad_request_on;
    std::optional<timestamp> set_as_rejected_request_on;  // CRM.COM's spelling
    std::optional<acknowledgement> acknowledged;
    std::optional<operator_decision> decision;
};

// Every field equal; amounts by value, as decimal's == (9.9 == 9.90).
NETFLIX_CHARGES_EXPORT bool operator==(const charge& a, const charge& b);
inline bool operator!=(const charge& a, const charge& b) { return !(a == b); }

// The `set_as_..._on` field that belongs to a terminal status (nothing for PENDING).
NETFLIX_CHARGES_EXPORT std::optional<timestamp>* status_timestamp(charge& c, charge_status s);

}  // namespace netflix_charges
