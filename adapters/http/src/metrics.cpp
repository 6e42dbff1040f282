#include "metrics.hpp"

#include <prometheus/text_serializer.h>

namespace netflix_charges::http::detail {

namespace {

const prometheus::Histogram::BucketBoundaries duration_bounds{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                              0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

}  // namespace

metrics::metrics()
    : requests_(prometheus::BuildCounter()
                    .Name("netflix_charges_http_requests_total")
                    .Help("HTTP requests answered, by route and status.")
                    .Register(registry_)),
      durations_(prometheus::BuildHistogram()
                     .Name("netflix_charges_http_request_duration_seconds")
                     .Help("Time to answer a request.")
                     .Register(registry_)
                     .Add({}, duration_bounds)),
      failed_(prometheus::BuildCounter()
                  .Name("netflix_charges_items_failed_total")
                  .Help("Batch items that failed, by operator, operation and error code (1 to 7).")
                  .Register(registry_)),
      backlog_(prometheus::BuildGauge()
                   .Name("netflix_charges_backlog_charges")
                   .Help("Charges not acknowledged yet, by operator and status class.")
                   .Register(registry_))
{
    for (const char* operation : {"acknowledged", "accepted", "declined"})
        applied_[operation] = &prometheus::BuildCounter()
                                   .Name(std::string{"netflix_charges_charges_"} + operation + "_total")
                                   .Help(std::string{"Charges answered as "} + operation +
                                         " (replays included), by operator.")
                                   .Register(registry_);
}

void metrics::record_request(std::string_view route, int status, std::chrono::duration<double> elapsed)
{
    durations_.Observe(elapsed.count());
    prometheus::Counter* counter = nullptr;
    {
        std::lock_guard lock{requests_mutex_};
        auto& kept = request_counters_[{route, status}];
        if (kept == nullptr) kept = &requests_.Add({{"route", std::string{route}}, {"status", std::to_string(status)}});
        counter = kept;
    }
    counter->Increment();
}

void metrics::record_batch(const operator_id& op, std::string_view applied, std::size_t applied_count,
                           const std::vector<item_failure>& failed)
{
    applied_.at(applied)->Add({{"operator", op.value()}}).Increment(static_cast<double>(applied_count));
    const std::string operation = applied == "acknowledged" ? "acknowledge" : applied == "accepted" ? "accept" : "decline";
    for (const auto& f : failed)
        failed_.Add({{"operator", op.value()}, {"operation", operation}, {"code", std::string{wire_code(f.code)}}})
            .Increment();
}

std::string metrics::prometheus_text(const std::vector<operator_backlog>& backlogs)
{
    for (const auto& b : backlogs) {
        backlog_.Add({{"operator", b.op.value()}, {"charge_status", "NOT_PROCESSED"}}).Set(static_cast<double>(b.not_processed));
        backlog_.Add({{"operator", b.op.value()}, {"charge_status", "PROCESSED"}}).Set(static_cast<double>(b.processed));
    }
    return prometheus::TextSerializer{}.Serialize(registry_.Collect());
}

}  // namespace netflix_charges::http::detail
