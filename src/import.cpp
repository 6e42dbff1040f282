// Imports: charges issued, or given their outcome, in one atomic write, part by part.
#include <netflix_charges/service.hpp>

#include "new_charges.hpp"
#include "validation.hpp"

#include <netflix_charges/limits.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <unordered_map>

namespace netflix_charges {

import_summary charges_service::import_charges(const operator_id& op, const std::vector<imported_charge>& charges)
{
    std::size_t given = 0;
    return import_in_parts(
        op,
        [&](std::vector<imported_charge>& part) {
            const std::size_t end = std::min(charges.size(), given + limits::max_import_part);
            part.assign(charges.begin() + static_cast<std::ptrdiff_t>(given),
                        charges.begin() + static_cast<std::ptrdiff_t>(end));
            given = end;
            return !part.empty();
        },
        [](std::size_t, const error& why) { throw why; });
}

import_summary charges_service::import_in_parts(const operator_id& op, const import_source& next,
                                                const import_problem& on_bad)
{
    validation::check_operator(op);
    const timestamp now = clock_.now();

    import_summary summary;
    std::size_t bad = 0;
    std::vector<imported_charge> part;
    std::size_t part_start = 0;                            // the position of the part's first charge
    std::vector<bool> refused;                             // of the part's charges
    std::unordered_map<std::string, std::size_t> place;    // number -> place in the part, of its keys
    const auto refuse = [&](std::size_t i, const error& why) {
        refused[i] = true;
        ++bad;
        on_bad(part_start + i, why);
    };

    const auto next_keys = [&]() -> std::optional<batch_keys> {
        part_start += part.size();
        part.clear();
        if (!next(part)) {
            if (bad > 0)
                throw error{errc::invalid_parameter, "",
                            fmt::format("{} of the import's charges are bad; nothing was imported", bad)};
            return std::nullopt;
        }
        if (part.size() > limits::max_import_part)
            throw error{errc::invalid_parameter, "",
                        fmt::format("a part of an import holds more than {} charges", limits::max_import_part)};
        refused.assign(part.size(), false);
        place.clear();
        batch_keys keys;
        for (std::size_t i = 0; i < part.size(); ++i) {
            const auto& number = part[i].details.number;
            try {
                validation::check_new_charge(part[i].details, part_start + i);
            } catch (const error& e) {
                refuse(i, e);
                continue;
            }
            if (!place.emplace(number, i).second) {
                refuse(i, detail::given_twice(number, part_start + i));
                continue;
            }
            keys.numbers.push_back(number);
        }
        return keys;
    };

    // Each charge is checked against the store as it was before the import (a number the import
    // names twice is refused), so once one is bad the rest is only checked, not written.
    const auto plan = [&](const batch_snapshot& snapshot) {
        for (const auto& number : snapshot.named_before) {
            const std::size_t i = place.at(number);
            refuse(i, detail::given_twice(number, part_start + i));
        }
        batch_writes writes;
        std::vector<bool> stored(part.size(), false);
        for (const auto& existing : snapshot.charges) {
            const std::size_t i = place.at(existing.number);
            stored[i] = true;
            if (refused[i]) continue;
            const auto& line = part[i];
            const error_subject subject{"number", part_start + i, existing.number};
            if (!detail::same_details(existing, line.details)) {
                refuse(i, error{errc::charge_conflict, subject});
            } else if (line.status == existing.status) {
                ++summary.unchanged;
            } else if (existing.status == charge_status::pending) {
                writes.updates.push_back({existing.number, line.status, line.status_on.value_or(now), {}, {}});
                writes.journal.push_back(detail::host_entry(journal_kind::processed, existing.number, line.status, now));
                ++summary.processed;
            } else {
                refuse(i, error{errc::invalid_transition, subject,
                                "is " + std::string{to_string(existing.status)} + " already"});
            }
        }
        for (std::size_t i = 0; i < part.size(); ++i) {
            if (stored[i] || refused[i]) continue;
            charge c = detail::pending_charge(part[i].details, now);
            if (part[i].status != charge_status::pending)
                apply_update(c, {c.number, part[i].status, part[i].status_on.value_or(now), {}, {}});
            writes.journal.push_back(detail::host_entry(journal_kind::issued, c.number, c.status, now));
            writes.inserts.push_back(std::move(c));
            ++summary.issued;
        }
        return bad > 0 ? batch_writes{} : writes;  // it all rolls back at the end
    };

    store_.write_parts(op, next_keys, plan);
    return summary;
}

}  // namespace netflix_charges
