// 06: pass the operator's accepts and declines on to Netflix, from the journal, at least once.
// The host keeps a cursor (the last sequence number it has acted on) in its own storage, here a
// file: it reads the entries after the cursor, acts on each, and only then moves the cursor. A
// crash between acting and saving means acting again on restart, so the action must tolerate a
// repeat (Netflix's side is keyed by the charge number; so is ours below).
// Usage: example_06_forward_decisions [folder]   (default: a new folder in the temp folder)
#include <netflix_charges/netflix_charges.hpp>
#include <netflix_charges/sqlite_store.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

namespace nc = netflix_charges;
namespace fs = std::filesystem;

namespace {

// The cursor, kept durably: written to a new file, then renamed over the old one.
std::int64_t load_cursor(const fs::path& file)
{
    std::int64_t sequence = 0;
    std::ifstream{file} >> sequence;
    return sequence;
}

void save_cursor(const fs::path& file, std::int64_t sequence)
{
    const auto next = fs::path{file}.concat(".new");
    std::ofstream{next} << sequence << '\n';
    fs::rename(next, file);
}

// Stands for the call to Netflix. Idempotent: a decision told twice is told once.
struct netflix_partner_api {
    std::set<std::string> told;
    bool tell(const nc::journal_entry& e)
    {
        const bool fresh = told.insert(e.number).second;
        if (fresh) std::cout << "  tell Netflix: " << e.number << ' ' << nc::to_string(e.kind) << '\n';
        return fresh;
    }
};

// One run of the forwarder: every decision after the cursor, a page at a time.
std::size_t forward_decisions(nc::charges_service& service, const nc::operator_id& op, const fs::path& cursor_file,
                              netflix_partner_api& netflix)
{
    std::size_t forwarded = 0;
    for (std::int64_t cursor = load_cursor(cursor_file);;) {
        const auto page = service.journal(op, cursor, 100);
        if (page.empty()) return forwarded;
        for (const auto& e : page)
            if (e.kind == nc::journal_kind::accepted || e.kind == nc::journal_kind::declined)
                forwarded += netflix.tell(e) ? 1 : 0;
        cursor = page.back().sequence;
        save_cursor(cursor_file, cursor);  // after acting: at least once, never "at most once"
    }
}

}  // namespace

int main(int argc, char** argv)
{
    const fs::path folder = argc > 1 ? fs::path{argv[1]} : fs::temp_directory_path() / "netflix_charges_example_06";
    fs::remove_all(folder);
    fs::create_directories(folder);
    nc::sqlite_store store{(folder / "charges.db").string()};
    nc::charges_service service{store};
    const nc::operator_id op{"ps_dev"};
    const auto billing = nc::identity::vouched_for_by_host("billing", op, "1");  // the operator's billing system
    const auto cursor_file = folder / "forwarded.cursor";
    netflix_partner_api netflix;

    const auto charges = nc::sample_charges(0, 3, *nc::parse_timestamp("2026-11-01T08:00:00"));
    for (const auto& c : charges) service.issue(op, c);
    const auto item = [&](std::size_t i, const char* reference) {
        return nc::charge_item{charges[i].number, charges[i].billing_system_customer_identifier, std::string{reference}};
    };
    service.accept(billing, {item(0, "ACC-1")});
    service.decline(billing, {item(1, "DEC-1")});

    for (const char* run : {"first run", "second run"}) {
        std::cout << run << ":\n";
        const auto forwarded = forward_decisions(service, op, cursor_file, netflix);
        std::cout << "forwarded " << forwarded << " new decisions\n";
    }

    service.accept(billing, {item(2, "ACC-2")});
    save_cursor(cursor_file, 0);  // as if the cursor had been lost: every decision is read again
    std::cout << "after a lost cursor:\n";
    const auto again = forward_decisions(service, op, cursor_file, netflix);
    std::cout << "forwarded " << again << " new decisions\n";
    return again == 1 ? 0 : 1;
}
