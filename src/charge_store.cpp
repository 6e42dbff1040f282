#include <netflix_charges/charge_store.hpp>

namespace netflix_charges {

void apply_update(charge& c, const charge_update& update)
{
    if (update.status) {
        c.status = *update.status;
        if (auto* when = status_timestamp(c, *update.status)) *when = update.status_on;
    }
    if (update.acknowledged) c.acknowledged = update.acknowledged;
    if (update.decision) c.decision = update.decision;
}

namespace {

std::vector<std::string> distinct_references(const std::optional<acknowledgement>& acknowledged,
                                             const std::optional<operator_decision>& decision)
{
    std::vector<std::string> references;
    if (acknowledged && acknowledged->reference_number) references.push_back(*acknowledged->reference_number);
    if (decision && decision->reference_number &&
        (references.empty() || references.front() != *decision->reference_number))
        references.push_back(*decision->reference_number);
    return references;
}

}  // namespace

std::vector<std::string> references_of(const charge_update& update)
{
    return distinct_references(update.acknowledged, update.decision);
}

std::vector<std::string> references_of(const charge& c) { return distinct_references(c.acknowledged, c.decision); }

}  // namespace netflix_charges
