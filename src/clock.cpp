#include <netflix_charges/clock.hpp>

namespace netflix_charges {

timestamp system_clock::now() const
{
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

}  // namespace netflix_charges
