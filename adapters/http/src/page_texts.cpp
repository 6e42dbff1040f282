#include "page_texts.hpp"

#include <functional>
#include <optional>
#include <tuple>

namespace netflix_charges::http::detail {

namespace {

// An amount is written as it was given: 1.5 and 1.50 are equal amounts but two texts.
bool written_alike(const decimal& a, const decimal& b) { return a.units() == b.units() && a.scale() == b.scale(); }

bool written_alike(const std::optional<decimal>& a, const std::optional<decimal>& b)
{
    return a.has_value() == b.has_value() && (!a || written_alike(*a, *b));
}

// Equal in every field a text may show (an acknowledgement or decision it never shows).
bool shown_alike(const charge& a, const charge& b)
{
    return a.received_on == b.received_on && a.status == b.status && a.number == b.number &&
           written_alike(a.amount, b.amount) && written_alike(a.local_currency_amount, b.local_currency_amount) &&
           a.billing_system_customer_identifier == b.billing_system_customer_identifier && a.currency == b.currency &&
           a.local_currency == b.local_currency && a.paid_through_date == b.paid_through_date &&
           a.set_as_approved_on == b.set_as_approved_on && a.set_as_declined_on == b.set_as_declined_on &&
           a.set_as_bad_request_on == b.set_as_bad_request_on &&
           a.set_as_rejected_request_on == b.set_as_rejected_request_on;
}

bool shown_alike(const std::vector<charge>& a, const std::vector<charge>& b)
{
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (!shown_alike(a[i], b[i])) return false;
    return true;
}

std::string render(const std::vector<charge>& page, const std::vector<charge_field>& fields)
{
    std::string data;
    data.reserve(64 + page.size() * 64 * fields.size());
    data += R"({"charges_set":[)";
    for (std::size_t i = 0; i < page.size(); ++i) {
        if (i > 0) data += ',';
        append_charge_json(data, page[i], fields);
    }
    data += "]}";
    return envelope(data);
}

}  // namespace

bool operator==(const page_request& a, const page_request& b)
{
    return std::tie(a.operator_name, a.cls, a.offset, a.limit, a.fields) ==
           std::tie(b.operator_name, b.cls, b.offset, b.limit, b.fields);
}

std::size_t page_request_hash::operator()(const page_request& r) const
{
    std::size_t h = std::hash<std::string>{}(r.operator_name);
    for (const std::size_t part : {static_cast<std::size_t>(r.cls), r.offset, r.limit, r.fields.size()})
        h = h * 1000003u ^ part;
    return h;
}

std::string page_texts::text(page_request request, std::vector<charge> page)
{
    std::shared_ptr<const rendered> last;
    {
        std::lock_guard lock{mutex_};
        if (const auto it = texts_.find(request); it != texts_.end()) last = it->second;
    }
    if (last && shown_alike(last->page, page)) return last->text;
    auto text = render(page, request.fields);
    auto entry = std::make_shared<const rendered>(rendered{std::move(page), text});
    std::lock_guard lock{mutex_};
    if (texts_.size() >= max_texts) texts_.clear();
    texts_.insert_or_assign(std::move(request), std::move(entry));
    return text;
}

}  // namespace netflix_charges::http::detail
