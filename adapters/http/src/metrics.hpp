#pragma once

// The handler's counters, written in Prometheus' text format for GET /metrics.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace netflix_charges::http::detail {

class metrics {
public:
    // `route` is kept, not copied: a route's path from the handler's table, or a literal.
    void record_request(std::string_view route, int status, std::chrono::duration<double> elapsed);
    void record_items(std::string_view operation, std::size_t applied);  // "acknowledged", "accepted", "declined"
    std::string prometheus_text() const;

private:
    static constexpr std::array<double, 12> bucket_bounds{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                          0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

    mutable std::mutex mutex_;
    std::map<std::pair<std::string_view, int>, std::uint64_t> requests_;  // (route, status) -> count
    std::array<std::uint64_t, bucket_bounds.size() + 1> buckets_{};  // the last is +Inf
    double seconds_sum_ = 0;
    std::uint64_t count_ = 0;
    std::map<std::string, std::uint64_t> items_;
};

}  // namespace netflix_charges::http::detail
