#pragma once

// A bounded pool of database connections, shared by the SQLite and PostgreSQL stores: up to
// `size` are open; a caller waits for one to be released when all are in use. A connection
// after a fault that may have broken it is discarded, and a new one opened on next use.

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace netflix_charges::detail {

template <typename Connection>
class connection_pool {
public:
    // `open` makes a new connection, or throws (then no slot is taken).
    connection_pool(std::size_t size, std::function<std::unique_ptr<Connection>()> open)
        : size_(size == 0 ? 1 : size), open_(std::move(open))
    {
    }

    std::unique_ptr<Connection> acquire()
    {
        std::unique_lock lock{mutex_};
        released_.wait(lock, [&] { return !idle_.empty() || open_count_ < size_; });
        if (!idle_.empty()) {
            auto conn = std::move(idle_.back());
            idle_.pop_back();
            return conn;
        }
        ++open_count_;
        lock.unlock();
        try {
            return open_();
        } catch (...) {
            discard();
            throw;
        }
    }

    void release(std::unique_ptr<Connection> conn)
    {
        {
            std::lock_guard lock{mutex_};
            idle_.push_back(std::move(conn));
        }
        released_.notify_one();
    }

    // For a connection that is gone (already destroyed by its owner): frees its slot.
    void discard()
    {
        {
            std::lock_guard lock{mutex_};
            --open_count_;
        }
        released_.notify_one();
    }

private:
    const std::size_t size_;
    std::function<std::unique_ptr<Connection>()> open_;
    std::mutex mutex_;
    std::condition_variable released_;
    std::vector<std::unique_ptr<Connection>> idle_;
    std::size_t open_count_ = 0;
};

}  // namespace netflix_charges::detail
