#include "change_watch.hpp"

#include <netflix_charges/errors.hpp>

namespace netflix_charges::sqlite_detail {

change_watch::change_watch(const std::string& path, const sqlite_options& options)
    : db_(path, SQLite::OPEN_READWRITE | SQLite::OPEN_NOMUTEX, static_cast<int>(options.busy_timeout.count())),
      data_version_(db_, "PRAGMA data_version")
{
    read_data_version();  // the connection's first read maps its WAL index, when the database has one
    wal_index_ = wal_index_watch::of(db_.getHandle());
}

change_stamp change_watch::stamp()
{
    if (wal_index_)
        if (auto header = wal_index_->read()) return *header;
    std::lock_guard lock{mutex_};
    try {
        return read_data_version();
    } catch (const SQLite::Exception& e) {
        throw error{errc::storage_failure, "", std::string{"SQLite: "} + e.what()};
    }
}

std::int64_t change_watch::read_data_version()
{
    data_version_.tryReset();  // after a read that failed
    data_version_.executeStep();
    const auto version = data_version_.getColumn(0).getInt64();
    data_version_.tryReset();
    return version;
}

}  // namespace netflix_charges::sqlite_detail
