#include "metrics.hpp"

#include <cstdio>

namespace netflix_charges::http::detail {

void metrics::record_request(std::string_view route, int status, std::chrono::duration<double> elapsed)
{
    const double seconds = elapsed.count();
    std::size_t bucket = 0;
    while (bucket < bucket_bounds.size() && seconds > bucket_bounds[bucket]) ++bucket;
    std::lock_guard lock{mutex_};
    ++requests_[{route, status}];
    ++buckets_[bucket];
    seconds_sum_ += seconds;
    ++count_;
}

void metrics::record_items(std::string_view operation, std::size_t applied)
{
    std::lock_guard lock{mutex_};
    items_[std::string{operation}] += applied;
}

std::string metrics::prometheus_text() const
{
    std::lock_guard lock{mutex_};
    std::string out;
    out += "# HELP netflix_charges_http_requests_total HTTP requests answered, by route and status.\n";
    out += "# TYPE netflix_charges_http_requests_total counter\n";
    for (const auto& [key, count] : requests_)
        out += "netflix_charges_http_requests_total{route=\"" + std::string{key.first} + "\",status=\"" + std::to_string(key.second) +
               "\"} " + std::to_string(count) + "\n";

    out += "# HELP netflix_charges_http_request_duration_seconds Time to answer a request.\n";
    out += "# TYPE netflix_charges_http_request_duration_seconds histogram\n";
    std::uint64_t cumulative = 0;
    char bound[32];
    for (std::size_t i = 0; i < buckets_.size(); ++i) {
        cumulative += buckets_[i];
        if (i < bucket_bounds.size()) std::snprintf(bound, sizeof bound, "%g", bucket_bounds[i]);
        out += "netflix_charges_http_request_duration_seconds_bucket{le=\"" +
               std::string{i < bucket_bounds.size() ? bound : "+Inf"} + "\"} " + std::to_string(cumulative) + "\n";
    }
    char sum[64];
    std::snprintf(sum, sizeof sum, "%.6f", seconds_sum_);
    out += "netflix_charges_http_request_duration_seconds_sum " + std::string{sum} + "\n";
    out += "netflix_charges_http_request_duration_seconds_count " + std::to_string(count_) + "\n";

    for (const char* operation : {"acknowledged", "accepted", "declined"}) {
        const auto it = items_.find(operation);
        const std::string name = std::string{"netflix_charges_charges_"} + operation + "_total";
        out += "# HELP " + name + " Charges answered as " + operation + " (replays included).\n";
        out += "# TYPE " + name + " counter\n";
        out += name + " " + std::to_string(it == items_.end() ? 0 : it->second) + "\n";
    }
    return out;
}

}  // namespace netflix_charges::http::detail
