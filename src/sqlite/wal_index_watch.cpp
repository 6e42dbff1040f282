#include "wal_index_watch.hpp"

#include <atomic>
#include <cstdint>
#include <cstring>

namespace netflix_charges::sqlite_detail {

#if (defined(__GNUC__) || defined(__clang__)) && (defined(__unix__) || defined(__APPLE__))

namespace {

// The WAL index is mapped in pages of 32 KiB (WALINDEX_PGSZ); its header opens the first one,
// as two copies of 48 bytes. Their first field is the format's version (WALINDEX_MAX_VERSION)
// and the byte at offset 12 says whether the index is initialised.
constexpr int wal_index_page_size = 32768;
constexpr std::uint32_t wal_index_version = 3007000;
constexpr std::size_t is_init_offset = 12;
constexpr std::size_t header_words = sizeof(wal_index_header) / sizeof(std::uint32_t);

// One copy, word by word: the memory is written by other connections and processes meanwhile.
wal_index_header read_copy(const volatile void* shared, std::size_t copy)
{
    auto* words = static_cast<const std::uint32_t*>(const_cast<const void*>(shared)) + copy * header_words;
    std::array<std::uint32_t, header_words> copied{};
    for (std::size_t i = 0; i < header_words; ++i) copied[i] = __atomic_load_n(&words[i], __ATOMIC_RELAXED);
    wal_index_header bytes{};
    std::memcpy(bytes.data(), copied.data(), bytes.size());
    return bytes;
}

}  // namespace

std::optional<wal_index_watch> wal_index_watch::of(sqlite3* db)
{
    sqlite3_file* file = nullptr;
    if (sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK || file == nullptr ||
        file->pMethods == nullptr || file->pMethods->iVersion < 2 || file->pMethods->xShmMap == nullptr)
        return std::nullopt;
    // Only a database in WAL mode has a WAL index; asking another to map one would make one.
    sqlite3_stmt* mode = nullptr;
    bool wal = false;
    if (sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &mode, nullptr) == SQLITE_OK && sqlite3_step(mode) == SQLITE_ROW)
        wal = sqlite3_stricmp(reinterpret_cast<const char*>(sqlite3_column_text(mode, 0)), "wal") == 0;
    sqlite3_finalize(mode);
    if (!wal) return std::nullopt;
    // Not extending: the page exists once the connection has read in WAL mode, and is then the
    // same mapping SQLite reads.
    volatile void* first_page = nullptr;
    if (file->pMethods->xShmMap(file, 0, wal_index_page_size, 0, &first_page) != SQLITE_OK || first_page == nullptr)
        return std::nullopt;
    return wal_index_watch{first_page};
}

std::optional<wal_index_header> wal_index_watch::read() const
{
    // As SQLite's readers do: the first copy, then the second, which a writer updates first.
    const auto first = read_copy(shared_, 0);
    std::atomic_thread_fence(std::memory_order_acquire);
    const auto second = read_copy(shared_, 1);
    if (first != second || first[is_init_offset] == 0) return std::nullopt;
    std::uint32_t version = 0;
    std::memcpy(&version, first.data(), sizeof version);
    if (version != wal_index_version) return std::nullopt;
    return first;
}

#else

std::optional<wal_index_watch> wal_index_watch::of(sqlite3*) { return std::nullopt; }
std::optional<wal_index_header> wal_index_watch::read() const { return std::nullopt; }

#endif

}  // namespace netflix_charges::sqlite_detail
