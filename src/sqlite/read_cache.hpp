#pragma once

// What one connection has read and may answer again without asking SQLite, for as long as the
// database has not changed since. A billing system polls the same list page and presents the
// same token over and over; between two changes, the answers are the same. And it pages
// through a backlog: where each page it was given ended is remembered (an anchor: the key of
// the row at that position), so that the next page starts there instead of stepping over every
// row before it.
//
// Validity: before every cached read the connection reads the database's state: the header of
// its WAL index (wal_index_watch.hpp), or else `PRAGMA data_version`. Either changes whenever
// another connection — of this store, of another store on the file, of another process — has
// committed; the cache forgets everything then. The connection's own commits do not change its
// data_version, so every write transaction clears its cache first.

#include <netflix_charges/charge.hpp>
#include <netflix_charges/charge_store.hpp>

#include "wal_index_watch.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <variant>
#include <vector>

namespace netflix_charges::sqlite_detail {

// The parameters of one list query.
struct list_page_key {
    std::int64_t operator_row = 0;
    bool processed = false;
    std::int64_t offset = 0;
    std::int64_t limit = 0;

    bool operator==(const list_page_key& other) const
    {
        return operator_row == other.operator_row && processed == other.processed && offset == other.offset &&
               limit == other.limit;
    }
};

struct list_page_key_hash {
    std::size_t operator()(const list_page_key& key) const
    {
        std::size_t h = std::hash<std::int64_t>{}(key.operator_row);
        for (const std::int64_t part : {std::int64_t{key.processed}, key.offset, key.limit})
            h = h * 1000003u ^ std::hash<std::int64_t>{}(part);
        return h;
    }
};

// A row's place in the list order: (received_on, number).
struct list_position {
    std::int64_t received_on = 0;
    std::string number;
};

// A list's anchor: the row at `offset` (0-based) of the list has `key`.
struct list_anchor {
    std::int64_t offset = 0;
    list_position key;
};

class read_cache {
public:
    // Bounds on what one connection keeps (a page holds at most max_batch_items charges).
    static constexpr std::size_t max_pages = 64;
    static constexpr std::size_t max_unrevoked_tokens = 4096;
    static constexpr std::size_t max_anchors = 1024;

    // What a connection reads of the database's state: a WAL index header or a data_version.
    using database_state = std::variant<wal_index_header, std::int64_t>;

    // Forgets everything unless `state` is the one the cache was filled under.
    void validate(const database_state& state)
    {
        if (state_ != state) clear();
        state_ = state;
    }

    void clear()
    {
        pages_.clear();
        unrevoked_tokens_.clear();
        anchors_.clear();
    }

    // The page as cached (the same object each time), or null.
    shared_charge_page page(const list_page_key& key) const
    {
        const auto it = pages_.find(key);
        return it == pages_.end() ? nullptr : it->second;
    }

    void remember_page(const list_page_key& key, shared_charge_page page)
    {
        if (pages_.size() >= max_pages) pages_.clear();
        pages_.insert_or_assign(key, std::move(page));
    }

    // The anchor of the list (`operator_row`, `processed`) nearest before `offset`, if any.
    std::optional<list_anchor> anchor_before(std::int64_t operator_row, bool processed, std::int64_t offset) const
    {
        const auto list = anchors_.find({operator_row, processed});
        if (list == anchors_.end() || offset == 0) return std::nullopt;
        auto it = list->second.upper_bound(offset - 1);
        if (it == list->second.begin()) return std::nullopt;
        --it;
        return list_anchor{it->first, it->second};
    }

    void remember_anchor(std::int64_t operator_row, bool processed, list_anchor anchor)
    {
        if (anchor_count_ >= max_anchors) {
            anchors_.clear();
            anchor_count_ = 0;
        }
        if (anchors_[{operator_row, processed}].insert_or_assign(anchor.offset, std::move(anchor.key)).second)
            ++anchor_count_;
    }

    bool known_unrevoked(const std::string& jti) const { return unrevoked_tokens_.count(jti) != 0; }

    void remember_unrevoked(const std::string& jti)
    {
        if (unrevoked_tokens_.size() >= max_unrevoked_tokens) unrevoked_tokens_.clear();
        unrevoked_tokens_.insert(jti);
    }

private:
    std::optional<database_state> state_;
    std::unordered_map<list_page_key, shared_charge_page, list_page_key_hash> pages_;
    std::unordered_set<std::string> unrevoked_tokens_;
    std::map<std::pair<std::int64_t, bool>, std::map<std::int64_t, list_position>> anchors_;  // by list, by offset
    std::size_t anchor_count_ = 0;
};

}  // namespace netflix_charges::sqlite_detail
