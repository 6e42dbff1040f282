// import: validate every line first, then apply all of it in one transaction.
#include "commands.hpp"
#include "store_choice.hpp"
#include "import_line.hpp"

#include <netflix_charges/errors.hpp>
#include <netflix_charges/service.hpp>

#include <fstream>
#include <iostream>
#include <map>

namespace sample_server {

namespace nc = netflix_charges;

int import_file(const std::string& db, const std::string& org, const std::string& file)
{
    std::ifstream opened;
    if (file != "-") {
        opened.open(file);
        if (!opened) {
            std::cerr << "netflix-charges: cannot read " << file << '\n';
            return 1;
        }
    }
    std::istream& in = file == "-" ? std::cin : opened;

    std::vector<nc::imported_charge> charges;
    std::map<std::string, std::size_t> line_of;  // number -> line
    std::size_t bad = 0;
    std::size_t line_number = 0;
    for (std::string line; std::getline(in, line);) {
        ++line_number;
        if (line_number % 100000 == 0) std::cerr << "... " << line_number << " lines read\n";
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;  // blank lines are allowed
        try {
            auto c = nc::import::parse_line(line);
            if (const auto [it, fresh] = line_of.emplace(c.details.number, line_number); !fresh)
                throw nc::import::line_error{"charge " + c.details.number + " is also on line " + std::to_string(it->second)};
            charges.push_back(std::move(c));
        } catch (const std::exception& e) {
            std::cerr << file << ':' << line_number << ": " << e.what() << '\n';
            ++bad;
        }
    }
    if (bad > 0) {
        std::cerr << "netflix-charges: " << bad << " bad line(s); nothing was imported\n";
        return 1;
    }

    opened_store store{db};
    nc::charges_service service{store.charges()};
    try {
        const auto summary = service.import_charges(nc::operator_id{org}, charges);
        std::cout << "imported " << charges.size() << " line(s): " << summary.issued << " issued, " << summary.processed
                  << " processed, " << summary.unchanged << " unchanged\n";
        return 0;
    } catch (const nc::error& e) {
        if (e.code_value() == nc::errc::storage_failure) throw;
        // The error names the charge, or its place in the file; say which line it was on.
        const auto number = !e.charge_number().empty() ? e.charge_number()
                            : e.item() && *e.item() < charges.size() ? charges[*e.item()].details.number
                                                                       : std::string{};
        const auto at = line_of.find(number);
        std::cerr << file << ':' << (at == line_of.end() ? std::string{"?"} : std::to_string(at->second)) << ": " << e.what()
                  << '\n'
                  << "netflix-charges: nothing was imported\n";
        return 1;
    }
}

}  // namespace sample_server
