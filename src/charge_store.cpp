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

std::vector<std::string> references_of(const charge_update& update)
{
    std::vector<std::string> references;
    if (update.acknowledged && update.acknowledged->reference_number)
        references.push_back(*update.acknowledged->reference_number);
    if (update.decision && update.decision->reference_number &&
        (references.empty() || references.front() != *update.decision->reference_number))
        references.push_back(*update.decision->reference_number);
    return references;
}

}  // namespace netflix_charges
