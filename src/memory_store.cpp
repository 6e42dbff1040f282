#include <netflix_charges/errors.hpp>
#include <netflix_charges/memory_store.hpp>

#include "list_paging.hpp"

#include <algorithm>
#include <map>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <unordered_map>
#include <unordered_set>

namespace netflix_charges {

namespace {

using detail::list_position;

struct operator_data {
    std::unordered_map<std::string, charge> charges;
    std::unordered_map<std::string, std::string> reference_owners;
    std::set<list_position> unacknowledged[2];  // in list order, indexed by status_class
    std::set<list_position> received;           // every charge, in list order
    std::vector<journal_entry> journal;         // in sequence order
    std::int64_t last_sequence = 0;             // the last given, kept when entries are pruned

    std::set<list_position>& list_of(const charge& c) { return unacknowledged[static_cast<int>(class_of(c.status))]; }
};

}  // namespace

struct memory_store::state {
    std::shared_mutex mutex;
    std::map<std::string, operator_data> operators;
    std::uint64_t writes = 0;  // the change stamp: written under the exclusive lock, read under either
    detail::stamped_cache<std::uint64_t> cache;

    std::map<std::pair<std::string, std::string>, user_record> users;  // by (operator, user name)
    std::map<std::string, api_key_record> api_keys;                     // by digest
    std::map<std::string, timestamp> revoked_tokens;                    // jti -> when it expires
    std::vector<signing_key_record> signing_keys;                       // newest first

    const operator_data* find(const operator_id& op) const
    {
        const auto it = operators.find(op.value());
        return it == operators.end() ? nullptr : &it->second;
    }
};

memory_store::memory_store() : state_(std::make_unique<state>()) {}
memory_store::~memory_store() = default;

namespace {

// The state of exactly `keys` in `data`.
batch_snapshot snapshot_of(const operator_data& data, const batch_keys& keys)
{
    batch_snapshot snapshot;
    for (const auto& number : keys.numbers)
        if (const auto it = data.charges.find(number); it != data.charges.end()) snapshot.charges.push_back(it->second);
    for (const auto& reference : keys.reference_numbers)
        if (const auto it = data.reference_owners.find(reference); it != data.reference_owners.end())
            snapshot.reference_owners.push_back({reference, it->second});
    return snapshot;
}

bool writes_nothing(const batch_writes& writes)
{
    return writes.inserts.empty() && writes.updates.empty() && writes.journal.empty();
}

// Checks `writes` against `data`, then applies them: a bad plan changes nothing.
void apply(operator_data& data, const batch_writes& writes)
{
    std::set<std::string> inserted;
    for (const auto& c : writes.inserts)
        if (data.charges.count(c.number) != 0 || !inserted.insert(c.number).second)
            throw error{errc::internal_error, "", "insert of an existing charge: " + c.number};
    for (const auto& update : writes.updates)
        if (data.charges.count(update.number) == 0)
            throw error{errc::internal_error, "", "update of a charge outside the batch: " + update.number};

    for (const auto& c : writes.inserts) {
        data.charges.emplace(c.number, c);
        data.received.insert(detail::position_of(c));
        if (!c.acknowledged) data.list_of(c).insert(detail::position_of(c));
        for (const auto& reference : references_of(c)) data.reference_owners.emplace(reference, c.number);
    }
    for (const auto& update : writes.updates) {
        charge& c = data.charges.at(update.number);
        if (!c.acknowledged) data.list_of(c).erase(detail::position_of(c));
        apply_update(c, update);
        if (!c.acknowledged) data.list_of(c).insert(detail::position_of(c));
        for (const auto& reference : references_of(update)) data.reference_owners.emplace(reference, c.number);
    }
    for (auto entry : writes.journal) {
        entry.sequence = ++data.last_sequence;
        data.journal.push_back(std::move(entry));
    }
}

}  // namespace

void memory_store::write(const operator_id& op, const batch_keys& keys, const write_planner& planner)
{
    std::unique_lock lock{state_->mutex};
    const operator_data no_charges;
    const auto* existing = state_->find(op);
    const auto writes = planner(snapshot_of(existing != nullptr ? *existing : no_charges, keys));
    if (writes_nothing(writes)) return;
    apply(state_->operators[op.value()], writes);
    ++state_->writes;
}

// The parts are applied to a copy of the operator's charges, which replaces them at the end.
void memory_store::write_parts(const operator_id& op, const next_part& next, const write_planner& planner)
{
    std::unique_lock lock{state_->mutex};
    const auto* existing = state_->find(op);
    operator_data changed = existing != nullptr ? *existing : operator_data{};
    std::unordered_set<std::string> named;
    bool wrote = false;
    while (const auto keys = next()) {
        auto snapshot = snapshot_of(changed, *keys);
        for (const auto& number : keys->numbers)
            if (!named.insert(number).second) snapshot.named_before.push_back(number);
        const auto writes = planner(snapshot);
        if (writes_nothing(writes)) continue;
        apply(changed, writes);
        wrote = true;
    }
    if (!wrote) return;
    state_->operators[op.value()] = std::move(changed);
    ++state_->writes;
}

std::optional<charge> memory_store::find_by_number(const operator_id& op, const std::string& number)
{
    std::shared_lock lock{state_->mutex};
    const auto* data = state_->find(op);
    if (data == nullptr) return std::nullopt;
    const auto it = data->charges.find(number);
    return it == data->charges.end() ? std::nullopt : std::optional<charge>{it->second};
}

std::optional<charge> memory_store::find_by_reference(const operator_id& op, const std::string& reference_number)
{
    std::shared_lock lock{state_->mutex};
    const auto* data = state_->find(op);
    if (data == nullptr) return std::nullopt;
    const auto owner = data->reference_owners.find(reference_number);
    if (owner == data->reference_owners.end()) return std::nullopt;
    return data->charges.at(owner->second);
}

std::vector<charge> memory_store::list_unacknowledged(const operator_id& op, status_class cls, std::size_t offset,
                                                      std::size_t limit)
{
    std::shared_lock lock{state_->mutex};  // no write, so the same stamp, until the page is read
    const auto* data = state_->find(op);
    if (data == nullptr) return {};
    const auto& list = data->unacknowledged[static_cast<int>(cls)];
    const auto read_rows = [&](const list_position* after, std::int64_t skip, std::int64_t count) {
        auto it = after ? list.upper_bound(*after) : list.begin();
        for (; skip > 0 && it != list.end(); --skip) ++it;
        std::vector<charge> rows;
        for (; it != list.end() && static_cast<std::int64_t>(rows.size()) < count; ++it)
            rows.push_back(data->charges.at(it->number));
        return rows;
    };
    return detail::read_list_page(state_->cache, detail::list_query::of(op, cls, offset, limit), read_rows,
                                  [&] { return state_->writes; });
}

std::vector<journal_entry> memory_store::journal(const operator_id& op, std::int64_t after, std::size_t limit)
{
    std::shared_lock lock{state_->mutex};
    const auto* data = state_->find(op);
    if (data == nullptr) return {};
    auto it = std::upper_bound(data->journal.begin(), data->journal.end(), after,
                               [](std::int64_t sequence, const journal_entry& e) { return sequence < e.sequence; });
    std::vector<journal_entry> entries;
    for (; it != data->journal.end() && entries.size() < limit; ++it) entries.push_back(*it);
    return entries;
}

std::size_t memory_store::prune_journal(timestamp before)
{
    std::unique_lock lock{state_->mutex};
    std::size_t removed = 0;
    for (auto& [name, data] : state_->operators) {
        const auto old = std::remove_if(data.journal.begin(), data.journal.end(),
                                        [&](const journal_entry& e) { return e.at < before; });
        removed += static_cast<std::size_t>(data.journal.end() - old);
        data.journal.erase(old, data.journal.end());
    }
    return removed;
}

void memory_store::for_each_received(const operator_id& op, timestamp from, timestamp until,
                                     const std::function<void(const charge&)>& each)
{
    std::shared_lock lock{state_->mutex};
    const auto* data = state_->find(op);
    if (data == nullptr) return;
    for (auto it = data->received.lower_bound({from, {}}); it != data->received.end() && it->received_on < until; ++it)
        each(data->charges.at(it->number));
}

std::vector<operator_backlog> memory_store::backlogs()
{
    std::shared_lock lock{state_->mutex};
    std::vector<operator_backlog> all;
    for (const auto& [name, data] : state_->operators)
        all.push_back({operator_id{name}, data.unacknowledged[static_cast<int>(status_class::not_processed)].size(),
                       data.unacknowledged[static_cast<int>(status_class::processed)].size()});
    return all;
}

bool memory_store::insert_user(const user_record& user)
{
    std::unique_lock lock{state_->mutex};
    return state_->users.emplace(std::pair{user.organisation.value(), user.username}, user).second;
}

std::optional<user_record> memory_store::find_user(const operator_id& op, const std::string& username)
{
    std::shared_lock lock{state_->mutex};
    const auto it = state_->users.find({op.value(), username});
    return it == state_->users.end() ? std::nullopt : std::optional<user_record>{it->second};
}

void memory_store::insert_api_key(const api_key_record& key)
{
    std::unique_lock lock{state_->mutex};
    state_->api_keys.emplace(key.digest, key);
}

std::optional<api_key_record> memory_store::find_api_key(const std::string& digest)
{
    std::shared_lock lock{state_->mutex};
    const auto it = state_->api_keys.find(digest);
    return it == state_->api_keys.end() ? std::nullopt : std::optional<api_key_record>{it->second};
}

std::vector<api_key_record> memory_store::api_keys(const operator_id& op)
{
    std::shared_lock lock{state_->mutex};
    std::vector<api_key_record> keys;
    for (const auto& [digest, key] : state_->api_keys)
        if (key.organisation == op) keys.push_back(key);
    std::sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) {
        return std::pair{a.created_on, a.key_id} < std::pair{b.created_on, b.key_id};
    });
    return keys;
}

bool memory_store::revoke_api_key(const operator_id& op, const std::string& key_id, timestamp on)
{
    std::unique_lock lock{state_->mutex};
    for (auto& [digest, key] : state_->api_keys)
        if (key.organisation == op && key.key_id == key_id) {
            if (!key.revoked_on) key.revoked_on = on;
            return true;
        }
    return false;
}

void memory_store::revoke_token(const std::string& jti, timestamp expires_on, timestamp now)
{
    std::unique_lock lock{state_->mutex};
    auto& revoked = state_->revoked_tokens;
    for (auto it = revoked.begin(); it != revoked.end();) it = it->second <= now ? revoked.erase(it) : std::next(it);
    revoked.emplace(jti, expires_on);
}

bool memory_store::is_token_revoked(const std::string& jti)
{
    std::shared_lock lock{state_->mutex};
    return state_->revoked_tokens.count(jti) != 0;
}

std::vector<signing_key_record> memory_store::signing_keys(const signing_key_record& first)
{
    std::unique_lock lock{state_->mutex};
    if (state_->signing_keys.empty()) state_->signing_keys.push_back(first);
    return state_->signing_keys;
}

void memory_store::add_signing_key(const signing_key_record& key)
{
    std::unique_lock lock{state_->mutex};
    state_->signing_keys.insert(state_->signing_keys.begin(), key);
}

}  // namespace netflix_charges
