#include "store_choice.hpp"

#include <netflix_charges/errors.hpp>
#include <netflix_charges/sqlite_store.hpp>
#ifdef NETFLIX_CHARGES_SAMPLE_WITH_POSTGRES
#include <netflix_charges/postgres_store.hpp>
#endif

namespace sample_server {

bool is_postgres_url(const std::string& db)
{
    return db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0;
}

namespace {

template <typename Store>
void keep(std::shared_ptr<void>& owner, netflix_charges::charge_store*& charges,
          netflix_charges::credential_store*& credentials, std::shared_ptr<Store> store)
{
    charges = store.get();
    credentials = store.get();
    owner = std::move(store);
}

}  // namespace

opened_store::opened_store(const std::string& db)
{
    if (!is_postgres_url(db)) {
        keep(owner_, charges_, credentials_, std::make_shared<netflix_charges::sqlite_store>(db));
        return;
    }
#ifdef NETFLIX_CHARGES_SAMPLE_WITH_POSTGRES
    keep(owner_, charges_, credentials_, std::make_shared<netflix_charges::postgres_store>(db));
#else
    throw netflix_charges::error{netflix_charges::errc::invalid_parameter, "--db",
                                 "this build has no PostgreSQL store (NETFLIX_CHARGES_WITH_POSTGRES was OFF)"};
#endif
}

opened_store::~opened_store() = default;

}  // namespace sample_server
