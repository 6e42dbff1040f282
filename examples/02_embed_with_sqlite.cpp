// 02: embed the library with the SQLite store, so charges and acknowledgements survive a restart.
// Usage: example_02_embed_with_sqlite [database file]   (default: a new file in the temp folder)
#include <netflix_charges/netflix_charges.hpp>
#include <netflix_charges/sqlite_store.hpp>

#include <filesystem>
#include <iostream>

namespace nc = netflix_charges;

int main(int argc, char** argv)
{
    const std::string path = argc > 1 ? argv[1]
                                      : (std::filesystem::temp_directory_path() / "netflix_charges_example_02.db").string();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    const nc::operator_id op{"ps_dev"};
    const nc::identity billing = nc::identity::vouched_for_by_host("billing", op, "1");

    {
        // The file is created with the schema on first open; sqlite_options tunes durability,
        // the busy timeout and the connection pool (docs/sqlite.md).
        nc::sqlite_store store{path};
        nc::charges_service service{store};
        for (const auto& c : nc::sample_charges(0, 3, *nc::parse_timestamp("2026-11-01T08:00:00")))
            service.issue(op, c);
        const auto pending = service.list(billing, {});
        const auto result = service.acknowledge(billing, {{pending[0].number, pending[0].billing_system_customer_identifier,
                                                           "ACK-1"}});
        std::cout << "acknowledged " << pending[0].number << ", failures: " << result.failed.size() << "\n";
    }

    // A restart: the same file, a new store. The acknowledgement is there; a replay is harmless.
    nc::sqlite_store store{path};
    nc::charges_service service{store};
    const auto still_pending = service.list(billing, {});
    std::cout << "after reopening: " << still_pending.size() << " charges still to acknowledge\n";
    const auto first = nc::sample_charge_number(0);
    std::cout << first << " acknowledged with " << *service.find(op, first)->acknowledged->reference_number << "\n";
    return still_pending.size() == 2 ? 0 : 1;
}
