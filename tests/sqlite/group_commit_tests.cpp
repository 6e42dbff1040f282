// Group commit (src/sqlite/commit_queue.hpp): writes that arrive while another transaction is
// under way are committed together, one COMMIT and one sync for all, with it when it has not
// yet finished its writes; a write refused by its
// rules is rolled back alone; a failed commit fails every write of its group and applies none.
//
// A write whose planner waits holds the transaction open while the others queue behind it; they
// join its transaction. The syncs are counted by the test VFS (faulty_vfs.hpp).
#include "faulty_vfs.hpp"
#include "sqlite_fixture.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

using namespace sqlite_tests;

namespace {

const operator_id op{"op"};

// A write that holds the store's transaction until released, writing nothing (or, when
// `acknowledges`, acknowledging charge 199).
class held_write {
public:
    explicit held_write(sqlite_store& store, std::function<void()> while_held = {}, bool acknowledges = false)
        : thread_{[this, &store, while_held = std::move(while_held), acknowledges] {
              try {
                  write(store, while_held, acknowledges);
              } catch (const netflix_charges::error& e) {
                  error_ = e.code_value();
              }
          }}
    {
        std::unique_lock lock{mutex_};
        changed_.wait(lock, [&] { return held_; });
    }
    ~held_write() { release(); }

    // Lets it finish, once the writes started meanwhile have had time to queue behind it.
    void release()
    {
        if (!thread_.joinable()) return;
        std::this_thread::sleep_for(std::chrono::milliseconds{300});
        {
            std::lock_guard lock{mutex_};
            released_ = true;
        }
        changed_.notify_all();
        thread_.join();
    }

    // What its write threw, once released.
    std::optional<errc> error() const { return error_; }

private:
    void write(sqlite_store& store, const std::function<void()>& while_held, bool acknowledges)
    {
        store.write(op, {{numbered(199)}, {}}, [&](const batch_snapshot&) {
            {
                std::unique_lock lock{mutex_};
                held_ = true;
                changed_.notify_all();
                changed_.wait(lock, [&] { return released_; });
            }
            if (while_held) while_held();
            batch_writes writes;
            if (acknowledges) {
                charge_update update;
                update.number = numbered(199);
                update.acknowledged = acknowledgement{timestamp{std::chrono::seconds{1}}, std::nullopt};
                writes.updates.push_back(update);
            }
            return writes;
        });
    }

    std::mutex mutex_;
    std::condition_variable changed_;
    bool held_ = false;
    bool released_ = false;
    std::optional<errc> error_;
    std::thread thread_;
};

std::vector<charge_item> items(int first, int count)
{
    std::vector<charge_item> batch;
    for (int i = first; i < first + count; ++i) batch.push_back({numbered(i), "customer-1", "R-" + numbered(i)});
    return batch;
}

// What one call did, seen from its thread.
struct outcome {
    std::optional<errc> error;
    std::size_t failed_items = 0;
};

template <typename Call>
std::thread run_into(outcome& out, Call call)
{
    return std::thread{[&out, call] {
        try {
            out.failed_items = call();
        } catch (const error& e) {
            out.error = e.code_value();
        }
    }};
}

bool acknowledged(charges_service& service, int first, int count)
{
    for (int i = first; i < first + count; ++i)
        if (!service.find(op, numbered(i))->acknowledged) return false;
    return true;
}

bool none_acknowledged(charges_service& service, int first, int count)
{
    for (int i = first; i < first + count; ++i)
        if (service.find(op, numbered(i))->acknowledged) return false;
    return true;
}

// A store of 200 charges, group commit on or off, whose syncs the test VFS counts.
struct counted_store {
    faulty_vfs vfs;
    test_support::temporary_directory folder;
    sqlite_store store;
    charges_service service{store};

    explicit counted_store(bool merge) : store{folder.file("group.db"), options(merge)} { issue_numbered(service, op, 200); }

    static sqlite_options options(bool merge)
    {
        sqlite_options o;
        o.group_commit = merge;
        return o;
    }

    // What a write alone costs in syncs (charges 100 to 109 acknowledged); the count starts again.
    std::size_t syncs_of_one_commit()
    {
        vfs.reset();
        REQUIRE(service.acknowledge(as_caller(op), items(100, 10)).failed.empty());
        const auto syncs = vfs.count(io_kind::sync);
        vfs.reset();
        return syncs;
    }
};

}  // namespace

TEST_CASE("writes queued behind a transaction commit together with one sync; a refused one is rolled back alone",
          "[sqlite][group_commit]")
{
    for (const bool merge : {true, false}) {
        counted_store counted{merge};
        auto& vfs = counted.vfs;
        auto& service = counted.service;
        const auto syncs_of_one_commit = counted.syncs_of_one_commit();

        outcome b, refused, c;
        std::thread tb, tr, tc;
        {
            held_write holder{counted.store};
            tb = run_into(b, [&] { return service.acknowledge(as_caller(op), items(0, 10)).failed.size(); });
            tr = run_into(refused, [&] {
                return service.issue_many(op, {a_charge("NEW"), a_charge(numbered(50)).for_customer("someone else")}).size();
            });
            tc = run_into(c, [&] { return service.acknowledge(as_caller(op), items(20, 10)).failed.size(); });
        }
        tb.join();
        tr.join();
        tc.join();
        INFO((merge ? "group commit on" : "group commit off"));
        CHECK(!b.error);
        CHECK(b.failed_items == 0);
        CHECK(refused.error == errc::charge_conflict);
        CHECK(!c.error);
        CHECK(acknowledged(service, 0, 10));
        CHECK(acknowledged(service, 20, 10));
        CHECK_FALSE(service.find(op, "NEW"));  // the refused write, rolled back alone
        CHECK(vfs.count(io_kind::sync) == (merge ? 1 : 2) * syncs_of_one_commit);

        // The journal in step: 200 issued, 10 + 20 acknowledged, numbered without a gap.
        const auto entries = service.journal(op, 0, 1000);
        REQUIRE(entries.size() == 230);
        for (std::size_t i = 0; i < entries.size(); ++i) CHECK(entries[i].sequence == static_cast<std::int64_t>(i + 1));
        CHECK(service.backlogs().at(0).not_processed == 200 - 30);
    }
}

TEST_CASE("a group runs its writes in the order they queued", "[sqlite][group_commit]")
{
    counted_store counted{true};
    auto& service = counted.service;
    std::vector<outcome> outcomes(4);
    std::vector<std::thread> writers;
    {
        held_write holder{counted.store};
        for (int k = 0; k < 4; ++k) {
            writers.push_back(run_into(outcomes[static_cast<std::size_t>(k)],
                                       [&, k] { return service.acknowledge(as_caller(op), items(k * 10, 10)).failed.size(); }));
            std::this_thread::sleep_for(std::chrono::milliseconds{30});  // queued before the next
        }
    }
    for (auto& t : writers) t.join();
    for (const auto& o : outcomes) CHECK(!o.error);
    // The journal after the 200 charges issued: the batches' entries, batch by batch as they queued.
    const auto entries = service.journal(op, 200, 1000);
    REQUIRE(entries.size() == 40);
    for (std::size_t i = 0; i < entries.size(); ++i) CHECK(entries[i].number == numbered(static_cast<int>(i)));
}

TEST_CASE("writes that arrive while a transaction runs its writes join it: one sync for all", "[sqlite][group_commit]")
{
    for (const bool merge : {true, false}) {
        counted_store counted{merge};
        auto& vfs = counted.vfs;
        auto& service = counted.service;
        const auto syncs_of_one_commit = counted.syncs_of_one_commit();

        outcome b, c;
        std::thread tb, tc;
        {
            held_write holder{counted.store, {}, true};  // a transaction with a write of its own, under way
            tb = run_into(b, [&] { return service.acknowledge(as_caller(op), items(0, 10)).failed.size(); });
            tc = run_into(c, [&] { return service.acknowledge(as_caller(op), items(20, 10)).failed.size(); });
        }
        tb.join();
        tc.join();
        INFO((merge ? "group commit on" : "group commit off"));
        CHECK(!b.error);
        CHECK(!c.error);
        CHECK(service.find(op, numbered(199))->acknowledged);
        CHECK(acknowledged(service, 0, 10));
        CHECK(acknowledged(service, 20, 10));
        CHECK(vfs.count(io_kind::sync) == (merge ? 1 : 3) * syncs_of_one_commit);
    }
}

TEST_CASE("a group's first write refused by its rules is rolled back alone, the others applied",
          "[sqlite][group_commit]")
{
    // The refused write and a good one queue, in that order, while a slow sync commits the
    // write before them; they are then one group, led by the first to queue: the refused one.
    faulty_vfs vfs;
    test_support::temporary_directory folder;
    sqlite_store store{folder.file("group.db")};
    charges_service service{store};
    issue_numbered(service, op, 200);
    for (int round = 0; round < 3; ++round) {
        vfs.delay_syncs(std::chrono::milliseconds{150});
        outcome first, refused, good;
        auto tf = run_into(first, [&] { return service.acknowledge(as_caller(op), items(round * 30, 10)).failed.size(); });
        std::this_thread::sleep_for(std::chrono::milliseconds{40});  // its commit under way
        auto tr = run_into(refused, [&] {
            return service.issue_many(op, {a_charge(numbered(50)).for_customer("someone else")}).size();
        });
        std::this_thread::sleep_for(std::chrono::milliseconds{20});
        auto tg = run_into(good, [&] { return service.acknowledge(as_caller(op), items(round * 30 + 10, 10)).failed.size(); });
        tf.join();
        tr.join();
        tg.join();
        vfs.reset();
        INFO("round " << round);
        CHECK(!first.error);
        CHECK(refused.error == errc::charge_conflict);
        CHECK(!good.error);
        CHECK(acknowledged(service, round * 30 + 10, 10));
    }
}

TEST_CASE("a failed commit fails every write of its group and applies none of them", "[sqlite][group_commit][faults]")
{
    faulty_vfs vfs;
    test_support::temporary_directory folder;
    sqlite_store store{folder.file("group.db")};
    charges_service service{store};
    issue_numbered(service, op, 200);

    outcome b, c;
    std::thread tb, tc;
    held_write holder{store, [&] { vfs.fail(io_kind::write, 1, false); }};  // its group's first write fails
    tb = run_into(b, [&] { return service.acknowledge(as_caller(op), items(0, 10)).failed.size(); });
    tc = run_into(c, [&] { return service.acknowledge(as_caller(op), items(20, 10)).failed.size(); });
    holder.release();
    tb.join();
    tc.join();
    CHECK(vfs.fired());
    CHECK(holder.error() == errc::storage_failure);  // it was in the group, though it wrote nothing
    vfs.reset();
    CHECK(b.error == errc::storage_failure);
    CHECK(c.error == errc::storage_failure);
    CHECK(none_acknowledged(service, 0, 10));
    CHECK(none_acknowledged(service, 20, 10));
    CHECK(service.journal(op, 200, 10).empty());

    // The same store, the fault gone: both apply.
    CHECK(service.acknowledge(as_caller(op), items(0, 10)).failed.empty());
    CHECK(service.acknowledge(as_caller(op), items(20, 10)).failed.empty());
    CHECK(acknowledged(service, 0, 10));
    CHECK(acknowledged(service, 20, 10));
}
