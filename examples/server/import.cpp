// import: stream the file into one transaction, part by part, checking every line; any bad line
// and nothing is imported. Memory does not grow with the file.
#include "commands.hpp"
#include "store_choice.hpp"
#include "import_line.hpp"

#include <netflix_charges/errors.hpp>
#include <netflix_charges/limits.hpp>
#include <netflix_charges/service.hpp>

#include <fstream>
#include <iostream>
#include <stdexcept>

namespace sample_server {

namespace nc = netflix_charges;

namespace {

constexpr std::size_t listed_at_most = 100;  // bad lines printed; the rest are counted

// The bad lines: the first ones printed with their line numbers, all of them counted.
class bad_lines {
public:
    explicit bad_lines(const std::string& file) : file_(file) {}

    void add(std::size_t line, const std::string& why)
    {
        if (++count_ <= listed_at_most) std::cerr << file_ << ':' << line << ": " << why << '\n';
    }
    std::size_t count() const { return count_; }

    // The last words of a failed import.
    int refuse() const
    {
        if (count_ > listed_at_most) std::cerr << "... and " << count_ - listed_at_most << " more\n";
        std::cerr << "netflix-charges: " << count_ << " bad line(s); nothing was imported\n";
        return 1;
    }

private:
    const std::string& file_;
    std::size_t count_ = 0;
};

// Thrown at the end of the file when a line did not parse: the import rolls back.
struct lines_did_not_parse : std::exception {};

}  // namespace

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

    bad_lines bad{file};
    std::size_t unparsed = 0;
    std::size_t line_number = 0;
    std::size_t part_start = 0;                // the position of the part's first charge
    std::vector<std::size_t> lines_of_part;    // the line of each of the part's charges
    const auto next_part = [&](std::vector<nc::imported_charge>& part) {
        part_start += lines_of_part.size();
        lines_of_part.clear();
        std::string line;
        while (part.size() < nc::limits::max_import_part && std::getline(in, line)) {
            ++line_number;
            if (line_number % 1000000 == 0) std::cerr << "... " << line_number << " lines read\n";
            if (line.find_first_not_of(" \t\r") == std::string::npos) continue;  // blank lines are allowed
            try {
                part.push_back(nc::import::parse_line(line));
                lines_of_part.push_back(line_number);
            } catch (const std::exception& e) {
                bad.add(line_number, e.what());
                ++unparsed;
            }
        }
        if (part.empty() && unparsed > 0) throw lines_did_not_parse{};
        return !part.empty();
    };
    const auto on_bad = [&](std::size_t position, const nc::error& why) {
        bad.add(lines_of_part.at(position - part_start), why.what());
    };

    opened_store store{db};
    nc::charges_service service{store.charges()};
    try {
        const auto summary = service.import_in_parts(nc::operator_id{org}, next_part, on_bad);
        std::cout << "imported " << part_start + lines_of_part.size() << " line(s): " << summary.issued << " issued, "
                  << summary.processed << " processed, " << summary.unchanged << " unchanged\n";
        return 0;
    } catch (const lines_did_not_parse&) {
        return bad.refuse();
    } catch (const nc::error& e) {
        if (e.code_value() == nc::errc::storage_failure || bad.count() == 0) throw;
        return bad.refuse();
    }
}

}  // namespace sample_server
