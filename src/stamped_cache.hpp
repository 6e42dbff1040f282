#pragma once

// What a store may answer again without reading it again: list pages, list anchors (the key of
// the row at one position of a list, where a page may start) and tokens known not to be revoked.
//
// The rule: an entry is the store's state at one change stamp (it was computed while the
// store's stamp stayed that value) and is given only to a caller that has just read that same
// stamp.
//
// A store's change stamp is a value that differs after every commit to it (the memory store's
// count of writes; the SQLite store's WAL index header or data_version, see change_watch.hpp).
// A caller reads it before asking the cache and again after computing what it files, and files
// nothing when the two differ (list_paging.hpp does it for pages). So an entry is never given to
// a caller that could have seen a commit the entry does not hold.

#include <netflix_charges/calendar.hpp>
#include <netflix_charges/charge.hpp>
#include <netflix_charges/operator_id.hpp>

#include <algorithm>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

namespace netflix_charges::detail {

// One list query of one operator.
struct list_query {
    std::string operator_name;
    status_class cls = status_class::not_processed;
    std::int64_t offset = 0;
    std::int64_t limit = 0;

    // The port's query, its counts capped so that one more row can always be asked for.
    static list_query of(const operator_id& op, status_class cls, std::size_t offset, std::size_t limit)
    {
        const auto capped = [](std::size_t n) {
            return static_cast<std::int64_t>(std::min<std::size_t>(n, std::numeric_limits<std::int64_t>::max() - 1));
        };
        return {op.value(), cls, capped(offset), capped(limit)};
    }

    friend bool operator==(const list_query& a, const list_query& b)
    {
        return std::tie(a.operator_name, a.cls, a.offset, a.limit) == std::tie(b.operator_name, b.cls, b.offset, b.limit);
    }
};

struct list_query_hash {
    std::size_t operator()(const list_query& q) const
    {
        std::size_t h = std::hash<std::string>{}(q.operator_name);
        for (const std::int64_t part : {static_cast<std::int64_t>(q.cls), q.offset, q.limit})
            h = h * 1000003u ^ std::hash<std::int64_t>{}(part);
        return h;
    }
};

// A row's place in the list order: (received_on, number).
struct list_position {
    timestamp received_on;
    std::string number;

    friend bool operator<(const list_position& a, const list_position& b)
    {
        return std::tie(a.received_on, a.number) < std::tie(b.received_on, b.number);
    }
};

// The row at `offset` (0-based) of a list is at `key`.
struct list_anchor {
    std::int64_t offset = 0;
    list_position key;
};

using cached_page = std::shared_ptr<const std::vector<charge>>;

template <typename Stamp>
class stamped_cache {
public:
    // Bounds on what a store keeps; past one, that kind of entry is forgotten all at once.
    static constexpr std::size_t max_pages = 256;  // of at most max_batch_items charges each
    static constexpr std::size_t max_anchors = 4096;
    static constexpr std::size_t max_unrevoked_tokens = 4096;

    cached_page page(const Stamp& stamp, const list_query& query)
    {
        std::lock_guard lock{mutex_};
        adopt(stamp);
        const auto it = pages_.find(query);
        return it == pages_.end() ? nullptr : it->second;
    }

    void remember_page(const Stamp& stamp, const list_query& query, cached_page page)
    {
        std::lock_guard lock{mutex_};
        adopt(stamp);
        if (pages_.size() >= max_pages) pages_.clear();
        pages_.insert_or_assign(query, std::move(page));
    }

    // The anchor of the query's list nearest before its offset, if any.
    std::optional<list_anchor> anchor_before(const Stamp& stamp, const list_query& query)
    {
        std::lock_guard lock{mutex_};
        adopt(stamp);
        const auto list = anchors_.find({query.operator_name, query.cls});
        if (list == anchors_.end() || query.offset == 0) return std::nullopt;
        auto it = list->second.upper_bound(query.offset - 1);
        if (it == list->second.begin()) return std::nullopt;
        --it;
        return list_anchor{it->first, it->second};
    }

    // An anchor of the query's list (its offset and limit do not matter).
    void remember_anchor(const Stamp& stamp, const list_query& query, list_anchor anchor)
    {
        std::lock_guard lock{mutex_};
        adopt(stamp);
        if (anchor_count_ >= max_anchors) {
            anchors_.clear();
            anchor_count_ = 0;
        }
        if (anchors_[{query.operator_name, query.cls}].insert_or_assign(anchor.offset, std::move(anchor.key)).second)
            ++anchor_count_;
    }

    bool known_unrevoked(const Stamp& stamp, const std::string& jti)
    {
        std::lock_guard lock{mutex_};
        adopt(stamp);
        return unrevoked_tokens_.count(jti) != 0;
    }

    void remember_unrevoked(const Stamp& stamp, const std::string& jti)
    {
        std::lock_guard lock{mutex_};
        adopt(stamp);
        if (unrevoked_tokens_.size() >= max_unrevoked_tokens) unrevoked_tokens_.clear();
        unrevoked_tokens_.insert(jti);
    }

private:
    // Entries are kept for the last stamp a caller brought; those of any other are forgotten.
    void adopt(const Stamp& stamp)
    {
        if (stamp_ && *stamp_ == stamp) return;
        pages_.clear();
        anchors_.clear();
        anchor_count_ = 0;
        unrevoked_tokens_.clear();
        stamp_ = stamp;
    }

    std::mutex mutex_;
    std::optional<Stamp> stamp_;
    std::unordered_map<list_query, cached_page, list_query_hash> pages_;
    std::map<std::pair<std::string, status_class>, std::map<std::int64_t, list_position>> anchors_;  // by list, offset
    std::size_t anchor_count_ = 0;
    std::unordered_set<std::string> unrevoked_tokens_;
};

}  // namespace netflix_charges::detail
