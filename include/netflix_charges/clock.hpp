#pragma once

#include <netflix_charges/export.hpp>
#include <netflix_charges/calendar.hpp>

namespace netflix_charges {

// Where the service reads "now" from. Tests substitute `testing::fixed_clock`.
class NETFLIX_CHARGES_EXPORT clock {
public:
    virtual ~clock() = default;
    virtual timestamp now() const = 0;
};

// The wall clock (std::chrono::system_clock), truncated to whole seconds.
class NETFLIX_CHARGES_EXPORT system_clock final : public clock {
public:
    timestamp now() const override;
};

}  // namespace netflix_charges
