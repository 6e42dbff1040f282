#pragma once

// The handler's metrics for GET /metrics, in a prometheus-cpp registry: requests by route and
// status and their durations; per operator, the items applied and failed (by code) of each
// batch operation, and the backlog (read from the store's counts at each scrape).

#include <netflix_charges/charge_store.hpp>
#include <netflix_charges/operations.hpp>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace netflix_charges::http::detail {

class metrics {
public:
    metrics();

    // `route` is kept, not copied: a route's path from the handler's table, or a literal.
    void record_request(std::string_view route, int status, std::chrono::duration<double> elapsed);
    // `applied`: the items that did not fail ("acknowledged", "accepted" or "declined"; replays
    // included).
    void record_batch(const operator_id& op, std::string_view applied, std::size_t applied_count,
                      const std::vector<item_failure>& failed);
    std::string prometheus_text(const std::vector<operator_backlog>& backlogs);

private:
    prometheus::Registry registry_;
    prometheus::Family<prometheus::Counter>& requests_;
    prometheus::Histogram& durations_;
    std::map<std::string_view, prometheus::Family<prometheus::Counter>*> applied_;  // by operation
    prometheus::Family<prometheus::Counter>& failed_;
    prometheus::Family<prometheus::Gauge>& backlog_;

    // A metric that Family::Add returns stays valid as long as its registry: these are kept so
    // that a request does not build a label map.
    std::mutex requests_mutex_;
    std::map<std::pair<std::string_view, int>, prometheus::Counter*> request_counters_;
};

}  // namespace netflix_charges::http::detail
