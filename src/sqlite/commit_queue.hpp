#pragma once

// Group commit: the writes that arrive while a transaction is being written and committed go
// into the next transaction together, each in a savepoint of its own, so that one COMMIT (one
// fsync) makes all of them durable; and writes that arrive while that next transaction runs
// its writes join it too, so a group holds every writer that is waiting, not only those that
// came during the last commit. No write waits for company: one that finds no transaction
// under way starts one at once, and a transaction commits as soon as no write is waiting to
// join it. Internal to the SQLite library.
//
// The rule: a write returns only once the transaction holding it has committed, and throws
// when it is not in a committed transaction (what it threw itself, having been rolled back to
// its savepoint while the others went on; or, for all of them, the fault that failed the
// transaction). Every write therefore sees the writes before it in its group as committed
// ones, which is what a write after a commit would see.

#include "connection.hpp"

#include <SQLiteCpp/Exception.h>

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <vector>

namespace netflix_charges::sqlite_detail {

class commit_queue {
public:
    using write = std::function<void(connection&)>;

    // `merge` false: every write in a transaction of its own, one at a time (the benchmark's
    // baseline).
    explicit commit_queue(bool merge) : merge_(merge) {}

    // Runs `w` in a transaction made by `in_transaction(body)`, which must call `body(conn)`
    // inside one BEGIN IMMEDIATE ... COMMIT, and throw when the transaction fails.
    template <typename InTransaction>
    void run(const write& w, InTransaction in_transaction)
    {
        if (!merge_) {
            std::lock_guard one_at_a_time{alone_};  // wakes one waiting write, not every one
            in_transaction([&](connection& conn) { w(conn); });
            return;
        }
        queued me{&w};
        std::unique_lock lock{mutex_};
        queue_.push_back(&me);
        // The first write in the queue leads the next group: writes run in the order they came.
        changed_.wait(lock, [&] { return me.done || (!committing_ && queue_.front() == &me); });
        if (!me.done) {
            std::vector<queued*> group;
            group.reserve(max_group);  // before anything changes: what follows cannot throw
            committing_ = true;
            queue_.pop_front();
            group.push_back(&me);  // the writer that leads is always in its group
            take_waiting(group);
            lock.unlock();
            commit(group, in_transaction);
            lock.lock();
            for (auto* member : group) member->done = true;
            committing_ = false;
            changed_.notify_all();
        }
        if (me.failure) std::rethrow_exception(me.failure);
    }

private:
    struct queued {
        const write* work;
        std::exception_ptr failure = nullptr;
        bool done = false;
    };

    // A group's bound, so that a write waits for at most this many others before its commit.
    static constexpr std::size_t max_group = 64;

    // Moves the waiting writes into `group`, up to its bound. Under the mutex.
    void take_waiting(std::vector<queued*>& group)
    {
        while (!queue_.empty() && group.size() < max_group) {
            group.push_back(queue_.front());
            queue_.pop_front();
        }
    }

    // The group's writes in one transaction, taking in those that arrive meanwhile. A first
    // write that is alone when it runs is the transaction itself (its failure fails only it);
    // every other has a savepoint, and one that throws anything but SQLite's own fault is rolled
    // back to it alone.
    template <typename InTransaction>
    void commit(std::vector<queued*>& group, InTransaction in_transaction)
    {
        try {
            in_transaction([&](connection& conn) {
                const bool first_alone = group.size() == 1;
                if (first_alone) (*group.front()->work)(conn);
                for (std::size_t i = first_alone ? 1 : 0;; ++i) {
                    if (i == group.size()) {
                        std::lock_guard lock{mutex_};
                        take_waiting(group);
                        if (i == group.size()) return;
                    }
                    conn.database().exec("SAVEPOINT write");
                    try {
                        (*group[i]->work)(conn);
                    } catch (const SQLite::Exception&) {
                        throw;  // the transaction is at fault: every write of the group fails
                    } catch (...) {
                        group[i]->failure = std::current_exception();
                        conn.database().exec("ROLLBACK TO write");
                    }
                    conn.database().exec("RELEASE write");
                }
            });
        } catch (...) {
            for (auto* member : group)
                if (!member->failure) member->failure = std::current_exception();
        }
    }

    const bool merge_;
    std::mutex alone_;  // without merging
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<queued*> queue_;
    bool committing_ = false;
};

}  // namespace netflix_charges::sqlite_detail
