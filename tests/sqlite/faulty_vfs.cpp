#include "faulty_vfs.hpp"

#include <sqlite3.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace sqlite_tests {

namespace {

// What a power cut takes back from one file: the bytes each write or truncation since the last
// sync replaced, and the size the file had then.
struct unsynced {
    std::optional<sqlite3_int64> synced_size;
    std::vector<std::pair<sqlite3_int64, std::string>> replaced;  // oldest first
};

struct armed_fault {
    io_kind kind;
    std::size_t nth;
    bool persistent;
};

struct state {
    std::mutex mutex;
    sqlite3_vfs* real = nullptr;
    std::array<std::size_t, 4> counts{};
    std::optional<armed_fault> fault;
    std::optional<std::size_t> writes_before_cut;
    bool power_off = false;
    bool fired = false;
    std::chrono::microseconds sync_delay{0};
    bool tracks_writes = true;
    std::map<std::string, unsynced> files;  // by path
};

state& shared()
{
    static state s;
    return s;
}

// Counts one operation of the kind; true when it must fail.
bool counts_and_fails(io_kind kind)
{
    auto& s = shared();
    std::lock_guard lock{s.mutex};
    if (s.power_off) return true;
    const std::size_t n = ++s.counts[static_cast<std::size_t>(kind)];
    if (!s.fault || s.fault->kind != kind) return false;
    if (n == s.fault->nth || (s.fault->persistent && n > s.fault->nth)) {
        s.fired = true;
        return true;
    }
    return false;
}

// Every tracked file back to its last sync. Called with the mutex held.
void drop_unsynced(state& s)
{
    for (auto& [path, file] : s.files) {
        const int fd = ::open(path.c_str(), O_RDWR);
        if (fd < 0) continue;  // deleted since
        for (auto it = file.replaced.rbegin(); it != file.replaced.rend(); ++it)
            if (::pwrite(fd, it->second.data(), it->second.size(), it->first) != static_cast<ssize_t>(it->second.size()))
                throw std::runtime_error("faulty_vfs: cannot restore " + path);
        if (file.synced_size && ::ftruncate(fd, *file.synced_size) != 0)
            throw std::runtime_error("faulty_vfs: cannot truncate " + path);
        ::close(fd);
    }
    s.files.clear();
}

// A write or sync done: the power goes off when it was the last one before the cut.
void after_write_or_sync()
{
    auto& s = shared();
    std::lock_guard lock{s.mutex};
    if (!s.writes_before_cut || s.power_off) return;
    if (--*s.writes_before_cut == 0) {
        drop_unsynced(s);
        s.power_off = true;
        s.fired = true;
    }
}

struct shim_file {
    sqlite3_file base;
    const char* path;  // SQLite keeps the name it opened the file with until xClose; null: a temporary file
    sqlite3_file* real() { return reinterpret_cast<sqlite3_file*>(this + 1); }
};

shim_file& shim(sqlite3_file* f) { return *reinterpret_cast<shim_file*>(f); }

// Before a write or truncation of [from, to): keeps the bytes it replaces, for a power cut.
int remember_replaced(shim_file& f, sqlite3_int64 from, sqlite3_int64 to)
{
    if (f.path == nullptr || !shared().tracks_writes) return SQLITE_OK;
    sqlite3_int64 size = 0;
    if (const int rc = f.real()->pMethods->xFileSize(f.real(), &size); rc != SQLITE_OK) return rc;
    auto& s = shared();
    std::lock_guard lock{s.mutex};
    auto& file = s.files[f.path];
    if (!file.synced_size) file.synced_size = size;
    if (from < size) {
        std::string old(static_cast<std::size_t>(std::min(to, size) - from), '\0');
        if (const int rc = f.real()->pMethods->xRead(f.real(), old.data(), static_cast<int>(old.size()), from);
            rc != SQLITE_OK)
            return rc;
        file.replaced.emplace_back(from, std::move(old));
    }
    return SQLITE_OK;
}

int shim_close(sqlite3_file* f)
{
    const int rc = shim(f).real()->pMethods->xClose(shim(f).real());
    return rc;
}

int shim_read(sqlite3_file* f, void* buffer, int amount, sqlite3_int64 offset)
{
    if (counts_and_fails(io_kind::read)) return SQLITE_IOERR_READ;
    return shim(f).real()->pMethods->xRead(shim(f).real(), buffer, amount, offset);
}

int shim_write(sqlite3_file* f, const void* buffer, int amount, sqlite3_int64 offset)
{
    if (counts_and_fails(io_kind::write)) return SQLITE_IOERR_WRITE;
    if (const int rc = remember_replaced(shim(f), offset, offset + amount); rc != SQLITE_OK) return rc;
    const int rc = shim(f).real()->pMethods->xWrite(shim(f).real(), buffer, amount, offset);
    after_write_or_sync();
    return rc;
}

int shim_truncate(sqlite3_file* f, sqlite3_int64 size)
{
    if (counts_and_fails(io_kind::write)) return SQLITE_IOERR_TRUNCATE;
    sqlite3_int64 current = 0;
    if (const int rc = shim(f).real()->pMethods->xFileSize(shim(f).real(), &current); rc != SQLITE_OK) return rc;
    if (const int rc = remember_replaced(shim(f), size, current); rc != SQLITE_OK) return rc;
    const int rc = shim(f).real()->pMethods->xTruncate(shim(f).real(), size);
    after_write_or_sync();
    return rc;
}

std::chrono::microseconds sync_delay()
{
    auto& s = shared();
    std::lock_guard lock{s.mutex};
    return s.sync_delay;
}

int shim_sync(sqlite3_file* f, int flags)
{
    if (counts_and_fails(io_kind::sync)) return SQLITE_IOERR_FSYNC;
    if (const auto delay = sync_delay(); delay.count() > 0) std::this_thread::sleep_for(delay);
    const int rc = shim(f).real()->pMethods->xSync(shim(f).real(), flags);
    if (rc == SQLITE_OK && shim(f).path != nullptr) {
        auto& s = shared();
        std::lock_guard lock{s.mutex};
        s.files.erase(shim(f).path);
    }
    after_write_or_sync();
    return rc;
}

int shim_file_size(sqlite3_file* f, sqlite3_int64* size)
{
    return shim(f).real()->pMethods->xFileSize(shim(f).real(), size);
}

int shim_lock(sqlite3_file* f, int level)
{
    if (counts_and_fails(io_kind::lock)) return SQLITE_IOERR_LOCK;
    return shim(f).real()->pMethods->xLock(shim(f).real(), level);
}

int shim_unlock(sqlite3_file* f, int level) { return shim(f).real()->pMethods->xUnlock(shim(f).real(), level); }

int shim_check_reserved_lock(sqlite3_file* f, int* out)
{
    return shim(f).real()->pMethods->xCheckReservedLock(shim(f).real(), out);
}

int shim_file_control(sqlite3_file* f, int op, void* arg)
{
    return shim(f).real()->pMethods->xFileControl(shim(f).real(), op, arg);
}

int shim_sector_size(sqlite3_file* f) { return shim(f).real()->pMethods->xSectorSize(shim(f).real()); }

int shim_device_characteristics(sqlite3_file* f)
{
    return shim(f).real()->pMethods->xDeviceCharacteristics(shim(f).real());
}

int shim_shm_map(sqlite3_file* f, int page, int page_size, int extend, void volatile** mapped)
{
    return shim(f).real()->pMethods->xShmMap(shim(f).real(), page, page_size, extend, mapped);
}

int shim_shm_lock(sqlite3_file* f, int offset, int n, int flags)
{
    if ((flags & SQLITE_SHM_LOCK) != 0 && counts_and_fails(io_kind::lock)) return SQLITE_IOERR_LOCK;
    return shim(f).real()->pMethods->xShmLock(shim(f).real(), offset, n, flags);
}

void shim_shm_barrier(sqlite3_file* f) { shim(f).real()->pMethods->xShmBarrier(shim(f).real()); }

int shim_shm_unmap(sqlite3_file* f, int delete_flag)
{
    return shim(f).real()->pMethods->xShmUnmap(shim(f).real(), delete_flag);
}

int shim_fetch(sqlite3_file* f, sqlite3_int64 offset, int amount, void** pp)
{
    return shim(f).real()->pMethods->xFetch(shim(f).real(), offset, amount, pp);
}

int shim_unfetch(sqlite3_file* f, sqlite3_int64 offset, void* p)
{
    return shim(f).real()->pMethods->xUnfetch(shim(f).real(), offset, p);
}

const sqlite3_io_methods shim_methods{3,
                                      shim_close,
                                      shim_read,
                                      shim_write,
                                      shim_truncate,
                                      shim_sync,
                                      shim_file_size,
                                      shim_lock,
                                      shim_unlock,
                                      shim_check_reserved_lock,
                                      shim_file_control,
                                      shim_sector_size,
                                      shim_device_characteristics,
                                      shim_shm_map,
                                      shim_shm_lock,
                                      shim_shm_barrier,
                                      shim_shm_unmap,
                                      shim_fetch,
                                      shim_unfetch};

int shim_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags)
{
    auto& file = shim(f);
    file.base.pMethods = nullptr;
    file.path = (flags & SQLITE_OPEN_DELETEONCLOSE) != 0 ? nullptr : name;
    sqlite3_vfs* real = shared().real;
    const int rc = real->xOpen(real, name, file.real(), flags, out_flags);
    if (file.real()->pMethods != nullptr) file.base.pMethods = &shim_methods;  // SQLite closes it even when rc fails
    return rc;
}

int shim_delete(sqlite3_vfs*, const char* name, int sync_dir)
{
    {
        auto& s = shared();
        std::lock_guard lock{s.mutex};
        if (s.power_off) return SQLITE_IOERR_DELETE;
        s.files.erase(name);
    }
    return shared().real->xDelete(shared().real, name, sync_dir);
}

int shim_access(sqlite3_vfs*, const char* name, int flags, int* out)
{
    return shared().real->xAccess(shared().real, name, flags, out);
}

int shim_full_pathname(sqlite3_vfs*, const char* name, int size, char* out)
{
    return shared().real->xFullPathname(shared().real, name, size, out);
}

void* shim_dl_open(sqlite3_vfs*, const char* name) { return shared().real->xDlOpen(shared().real, name); }
void shim_dl_error(sqlite3_vfs*, int size, char* out) { shared().real->xDlError(shared().real, size, out); }
void (*shim_dl_sym(sqlite3_vfs*, void* handle, const char* symbol))(void)
{
    return shared().real->xDlSym(shared().real, handle, symbol);
}
void shim_dl_close(sqlite3_vfs*, void* handle) { shared().real->xDlClose(shared().real, handle); }
int shim_randomness(sqlite3_vfs*, int size, char* out) { return shared().real->xRandomness(shared().real, size, out); }
int shim_sleep(sqlite3_vfs*, int microseconds) { return shared().real->xSleep(shared().real, microseconds); }
int shim_current_time(sqlite3_vfs*, double* out) { return shared().real->xCurrentTime(shared().real, out); }
int shim_get_last_error(sqlite3_vfs*, int size, char* out)
{
    return shared().real->xGetLastError(shared().real, size, out);
}
int shim_current_time_int64(sqlite3_vfs*, sqlite3_int64* out)
{
    return shared().real->xCurrentTimeInt64(shared().real, out);
}

sqlite3_vfs shim_vfs{};

}  // namespace

faulty_vfs::faulty_vfs(bool can_cut_power)
{
    shared().tracks_writes = can_cut_power;  // before any file is opened through it
    sqlite3_initialize();
    sqlite3_vfs* real = sqlite3_vfs_find(nullptr);
    if (real == nullptr || real->iVersion < 2) throw std::runtime_error("faulty_vfs: no default VFS to wrap");
    shared().real = real;
    shim_vfs = sqlite3_vfs{2,
                           static_cast<int>(sizeof(shim_file)) + real->szOsFile,
                           real->mxPathname,
                           nullptr,
                           "faulty",
                           nullptr,
                           shim_open,
                           shim_delete,
                           shim_access,
                           shim_full_pathname,
                           shim_dl_open,
                           shim_dl_error,
                           shim_dl_sym,
                           shim_dl_close,
                           shim_randomness,
                           shim_sleep,
                           shim_current_time,
                           shim_get_last_error,
                           shim_current_time_int64,
                           nullptr,
                           nullptr,
                           nullptr};
    if (sqlite3_vfs_register(&shim_vfs, 1) != SQLITE_OK) throw std::runtime_error("faulty_vfs: cannot register");
}

faulty_vfs::~faulty_vfs()
{
    sqlite3_vfs_unregister(&shim_vfs);
    sqlite3_vfs_register(shared().real, 1);
}

void faulty_vfs::reset()
{
    auto& s = shared();
    std::lock_guard lock{s.mutex};
    s.counts = {};
    s.fault.reset();
    s.writes_before_cut.reset();
    s.power_off = false;
    s.fired = false;
    s.sync_delay = std::chrono::microseconds{0};
    s.files.clear();
}

std::size_t faulty_vfs::count(io_kind kind) const
{
    auto& s = shared();
    std::lock_guard lock{s.mutex};
    return s.counts[static_cast<std::size_t>(kind)];
}

void faulty_vfs::fail(io_kind kind, std::size_t nth, bool persistent)
{
    auto& s = shared();
    std::lock_guard lock{s.mutex};
    s.counts[static_cast<std::size_t>(kind)] = 0;
    s.fault = armed_fault{kind, nth, persistent};
}

void faulty_vfs::cut_power_after(std::size_t nth)
{
    auto& s = shared();
    std::lock_guard lock{s.mutex};
    if (!s.tracks_writes) throw std::logic_error("faulty_vfs: made without power cuts");
    s.writes_before_cut = nth;
}

void faulty_vfs::delay_syncs(std::chrono::microseconds delay)
{
    auto& s = shared();
    std::lock_guard lock{s.mutex};
    s.sync_delay = delay;
}

bool faulty_vfs::fired() const
{
    auto& s = shared();
    std::lock_guard lock{s.mutex};
    return s.fired;
}

}  // namespace sqlite_tests
