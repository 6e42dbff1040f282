#pragma once

// A test VFS: a shim over SQLite's default one ("unix") that counts the I/O operations SQLite
// asks of it, and fails the Nth read, write, sync or lock on request; or cuts the power, which
// drops everything written since each file's last sync and fails all I/O until cleared; or
// makes every sync slower, as a network disk's is (the group commit benchmark).
//
// Modelled on SQLite's own fault tests (test_vfs.c's "ioerr" and test6.c's crash simulation,
// https://www.sqlite.org/testing.html, "I/O Error Testing" and "Crash Testing"). While one
// lives, it is the process's default VFS, so a store opened meanwhile does all its I/O through
// it without knowing. One at a time; every test case runs in its own process.

#include <chrono>
#include <cstddef>

namespace sqlite_tests {

enum class io_kind { read, write, sync, lock };

class faulty_vfs {
public:
    // Registered as the default VFS. `can_cut_power` false: writes are not tracked (each one
    // otherwise first reads the bytes it replaces, for a power cut to restore), as the benchmark
    // needs, and cut_power_after throws.
    explicit faulty_vfs(bool can_cut_power = true);
    ~faulty_vfs();  // the previous default again
    faulty_vfs(const faulty_vfs&) = delete;
    faulty_vfs& operator=(const faulty_vfs&) = delete;

    // Counting starts again from zero, every fault is cleared and the power is back on; what
    // was written so far counts as synced.
    void reset();

    // Operations of the kind since the last reset.
    std::size_t count(io_kind kind) const;

    // The `nth` operation of the kind from now fails with an I/O error (SQLITE_IOERR_*), and
    // when `persistent`, every one of the kind after it too.
    void fail(io_kind kind, std::size_t nth, bool persistent);

    // The power goes off after `nth` more writes or syncs (a write counts when it is done, so
    // the nth is done and the one after it is lost): each file loses what was written since its
    // last sync, and every read, write, sync and lock fails until `reset`.
    void cut_power_after(std::size_t nth);

    // Whether an armed fault or power cut has happened since the last reset.
    bool fired() const;

    // Every sync takes this much longer (a disk whose flush is slow, as network block storage's
    // 1-10 ms are), until `reset`.
    void delay_syncs(std::chrono::microseconds delay);
};

}  // namespace sqlite_tests
