// Several processes on one database file, and processes killed mid-write.
#include "sqlite_fixture.hpp"

#include "child_process.hpp"

#include <SQLiteCpp/Database.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

using namespace sqlite_tests;

namespace {

const operator_id op{"op"};

std::vector<std::string> lines_of(const std::string& text)
{
    std::vector<std::string> lines;
    std::istringstream in{text};
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

}  // namespace

TEST_CASE("two processes acknowledging overlapping batches on one file acknowledge every charge exactly once",
          "[sqlite][processes]")
{
    constexpr int charge_count = 600;
    test_support::temporary_directory folder;
    const auto path = folder.file("shared.db");
    {
        sqlite_store store{path};
        charges_service service{store};
        issue_numbered(service, op, charge_count);
    }

    // Process p walks all charges from its own starting point, in batches of 50, each item with
    // the reference "P<p>-<number>", and reports every number it was told was applied.
    auto acknowledger = [&](int p) {
        return [&, p](int report_fd) {
            sqlite_store store{path};
            charges_service service{store};
            for (int done = 0; done < charge_count; done += 50) {
                std::vector<charge_item> batch;
                for (int k = 0; k < 50; ++k) {
                    const auto number = numbered((p * 275 + done + k) % charge_count);
                    batch.push_back({number, "customer-1", "P" + std::to_string(p) + "-" + number});
                }
                const auto result = service.acknowledge(as_caller(op), batch);
                std::set<std::string> failed;
                for (const auto& f : result.failed) {
                    if (f.code != errc::acknowledged_with_other_reference) return 3;
                    failed.insert(f.number);
                }
                std::string report;
                for (const auto& item : batch)
                    if (failed.count(item.number) == 0) report += item.number + "\n";
                if (!test_support::write_report(report_fd, report)) return 4;
            }
            return 0;
        };
    };
    test_support::child_process first{acknowledger(0)};
    test_support::child_process second{acknowledger(1)};
    const int first_status = first.wait();
    const int second_status = second.wait();
    REQUIRE(WIFEXITED(first_status));
    REQUIRE(WEXITSTATUS(first_status) == 0);
    REQUIRE(WIFEXITED(second_status));
    REQUIRE(WEXITSTATUS(second_status) == 0);

    std::map<std::string, std::string> winner;  // number -> reference told "applied"
    int applied = 0;
    for (auto* child : {&first, &second}) {
        const std::string prefix = child == &first ? "P0-" : "P1-";
        for (const auto& number : lines_of(child->reports())) {
            ++applied;
            CHECK(winner.emplace(number, prefix + number).second);  // never told twice
        }
    }
    CHECK(applied == charge_count);

    sqlite_store store{path};
    charges_service service{store};
    for (int i = 0; i < charge_count; ++i) {
        const auto c = service.find(op, numbered(i));
        REQUIRE(c->acknowledged);
        CHECK(c->acknowledged->reference_number == winner[numbered(i)]);
    }
}

TEST_CASE("a process killed at random moments while acknowledging never loses a reported batch nor leaves half of one",
          "[sqlite][crash]")
{
    constexpr int batch_size = 50;
    constexpr int batch_count = 2000;
    constexpr int kills = 25;
    test_support::temporary_directory folder;
    const auto path = folder.file("crash.db");
    {
        sqlite_store store{path};
        charges_service service{store};
        issue_numbered(service, op, batch_size * batch_count);
    }

    std::mt19937 random{20261123};
    int next_batch = 0;  // the first batch not yet reported
    int kills_survived = 0;
    for (int round = 0; round < kills && next_batch < batch_count; ++round) {
        // The child acknowledges batch after batch, reporting each after its commit returned.
        const int first_batch = next_batch;
        test_support::child_process child{[&](int report_fd) {
            sqlite_store store{path};
            charges_service service{store};
            for (int b = first_batch; b < batch_count; ++b) {
                std::vector<charge_item> batch;
                for (int k = 0; k < batch_size; ++k) {
                    const auto number = numbered(b * batch_size + k);
                    batch.push_back({number, "customer-1", "R-" + number});
                }
                if (!service.acknowledge(as_caller(op), batch).failed.empty()) return 3;  // replays succeed too
                if (!test_support::write_report(report_fd, std::to_string(b) + "\n")) return 4;
            }
            return 0;
        }};
        std::this_thread::sleep_for(std::chrono::microseconds{std::uniform_int_distribution<int>{2000, 60000}(random)});
        child.kill_now();
        const int status = child.wait();
        if (WIFSIGNALED(status)) ++kills_survived;
        else REQUIRE(WEXITSTATUS(status) == 0);
        for (const auto& line : lines_of(child.reports())) {
            REQUIRE(std::stoi(line) == next_batch);  // in order, none skipped
            ++next_batch;
        }

        SQLite::Database db{path, SQLite::OPEN_READWRITE};
        CHECK(db.execAndGet("PRAGMA integrity_check").getString() == "ok");
        // Every reported batch is there; at most one more batch (committed, not yet reported) is
        // there too, whole; nothing else; and no acknowledgement has a reference not its own.
        const auto acknowledged = [&](int from_batch, int to_batch) {
            SQLite::Statement count{db, "SELECT count(*) FROM charges WHERE acknowledged_on IS NOT NULL "
                                        "AND number >= ?1 AND number < ?2"};
            count.bind(1, numbered(from_batch * batch_size));
            count.bind(2, numbered(to_batch * batch_size));
            count.executeStep();
            return count.getColumn(0).getInt();
        };
        CHECK(acknowledged(0, next_batch) == next_batch * batch_size);
        const int following = acknowledged(next_batch, next_batch + 1);
        CHECK((following == 0 || following == batch_size));
        CHECK(acknowledged(next_batch + 1, batch_count + 1) == 0);
        CHECK(db.execAndGet("SELECT count(*) FROM charges WHERE acknowledged_on IS NOT NULL AND "
                            "acknowledgement_reference <> 'R-' || number").getInt() == 0);
    }
    WARN("batches reported: " << next_batch << ", kills survived: " << kills_survived);
    CHECK(kills_survived >= 20);
    CHECK(next_batch > 0);
}
