#include <netflix_charges/netflix_charges.hpp>

#include <cstdio>

int main()
{
    netflix_charges::memory_store store;
    netflix_charges::charges_service service{store};
    const auto billing = netflix_charges::identity::vouched_for_by_host("billing", netflix_charges::operator_id{"test_package"});
    const auto pending = service.list(billing, {});
    std::printf("netflix_charges %s: %zu pending charges\n", NETFLIX_CHARGES_VERSION, pending.size());
    return pending.empty() ? 0 : 1;
}
