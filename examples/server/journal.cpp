// journal: an operator's journal as JSON Lines, one entry per line, after a cursor; and pruning.
#include "commands.hpp"
#include "store_choice.hpp"

#include <netflix_charges/calendar.hpp>
#include <netflix_charges/errors.hpp>
#include <netflix_charges/limits.hpp>
#include <netflix_charges/service.hpp>

#include <boost/json.hpp>

#include <algorithm>
#include <iostream>

namespace sample_server {

namespace nc = netflix_charges;
namespace json = boost::json;

namespace {

json::value optional_text(const std::optional<std::string>& text)
{
    return text ? json::value(*text) : json::value(nullptr);
}

std::string json_line(const nc::journal_entry& e)
{
    return json::serialize(json::object{
        {"sequence", e.sequence},
        {"at", nc::format_timestamp(e.at)},
        {"kind", nc::to_string(e.kind)},
        {"number", e.number},
        {"charge_status", nc::to_string(e.status)},
        {"reference_number", optional_text(e.reference_number)},
        {"user", optional_text(e.user)},
        {"unit", e.unit},
    });
}

}  // namespace

int journal_print(const std::string& db, const std::string& org, std::int64_t after, std::optional<std::size_t> limit)
{
    opened_store store{db};
    nc::charges_service service{store.charges()};
    const nc::operator_id op{org};
    std::size_t left = limit.value_or(SIZE_MAX);
    if (left == 0) throw nc::error{nc::errc::invalid_parameter, "--limit", "must be at least 1"};
    while (left > 0) {
        const auto page = service.journal(op, after, std::min(left, nc::limits::max_journal_entries));
        for (const auto& e : page) std::cout << json_line(e) << '\n';
        if (page.empty()) break;
        after = page.back().sequence;
        left -= page.size();
    }
    std::cout.flush();
    return std::cout ? 0 : 1;
}

int journal_prune(const std::string& db, const std::string& before)
{
    const auto start = nc::parse_timestamp(before + "T00:00:00");  // not a date, or before 1970: nothing
    if (!start) throw nc::error{nc::errc::invalid_parameter, "--prune-before", "must be a date, YYYY-MM-DD, from 1970"};
    opened_store store{db};
    nc::charges_service service{store.charges()};
    std::cout << "removed " << service.prune_journal(*start) << " journal entries made before " << before << '\n';
    return 0;
}

}  // namespace sample_server
