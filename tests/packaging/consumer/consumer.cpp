// A user's program: uses each component it was built with, through the public headers only,
// and prints what it saw. Exits non-zero when anything is not as the library promises.
#include <netflix_charges/netflix_charges.hpp>
#ifdef CONSUMER_WITH_SQLITE
#include <netflix_charges/sqlite_store.hpp>
#endif
#ifdef CONSUMER_WITH_POSTGRES
#include <netflix_charges/postgres_store.hpp>
#endif
#ifdef CONSUMER_WITH_HTTP
#include <netflix_charges/http/handler.hpp>
#include <netflix_charges/http/server.hpp>
#include <netflix_charges/jwt_authenticator.hpp>
#include <thread>
#endif

#include <cstdio>
#include <filesystem>
#include <string>

namespace nc = netflix_charges;

namespace {

int failures = 0;

void expect(bool ok, const char* what)
{
    std::printf("%s: %s\n", ok ? "ok" : "FAILED", what);
    if (!ok) ++failures;
}

// Issues one charge and acknowledges it, as the operator would; true when all went as promised.
bool round_trip(nc::charge_store& store)
{
    nc::charges_service service{store};
    const nc::operator_id op{"consumer"};
    nc::new_charge c;
    c.number = "I1";
    c.billing_system_customer_identifier = "cust-1";
    c.amount = *nc::decimal::parse("9.99");
    c.currency = "EUR";
    c.paid_through_date = *nc::parse_date("2026-12-31");
    service.issue(op, c);
    const nc::identity billing = nc::identity::vouched_for_by_host("billing", op, "");
    const bool listed = service.list(billing, {}).size() == 1;
    const auto result = service.acknowledge(billing, {{"I1", "cust-1", "REF-1"}});
    return listed && result.failed.empty() && service.list(billing, {}).empty();
}

}  // namespace

int main()
{
    std::printf("netflix_charges %s\n", NETFLIX_CHARGES_VERSION);
    expect(NETFLIX_CHARGES_VERSION_MAJOR == 0 && NETFLIX_CHARGES_VERSION_MINOR >= 1, "version macros");

    nc::memory_store memory;
    expect(round_trip(memory), "core: in-memory store round trip");
    try {
        nc::charges_service{memory}.issue(nc::operator_id{""}, nc::new_charge{});
        expect(false, "core: a bad charge throws netflix_charges::error");
    } catch (const nc::error& e) {  // the exception's type crosses the library boundary
        expect(e.code_value() == nc::errc::missing_parameter, "core: a bad charge throws netflix_charges::error");
    }

#ifdef CONSUMER_WITH_SQLITE
    const auto path = std::filesystem::temp_directory_path() / "netflix_charges_consumer.db";
    std::filesystem::remove(path);
    {
        nc::sqlite_store store{path.string()};
        expect(round_trip(store), "sqlite: SQLite store round trip");
    }
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
#endif

#ifdef CONSUMER_WITH_POSTGRES
    try {  // no server here: the store reports it as a storage failure, through the library boundary
        nc::postgres_store store{"postgresql:///none?host=/nonexistent&connect_timeout=1"};
        expect(false, "postgres: an unreachable server is a storage failure");
    } catch (const nc::error& e) {
        expect(e.code_value() == nc::errc::storage_failure, "postgres: an unreachable server is a storage failure");
    }
#endif

#ifdef CONSUMER_WITH_HTTP
    nc::charges_service service{memory};
    nc::jwt_options options;
    options.password_iterations = 1000;
    nc::jwt_authenticator auth{memory, options};
    nc::http::handler api{service, auth};
    expect(api({"GET", "/healthz", {}, {}}).status == 200, "http: handler answers /healthz");
    nc::http::server_options server_options;
    server_options.port = 0;
    nc::http::server server{api, server_options};
    std::thread runner{[&] { server.run(); }};
    expect(server.port() != 0, "http: server listens on a free port");
    server.stop();
    runner.join();
    expect(true, "http: server stops");
#endif
    return failures == 0 ? 0 : 1;
}
