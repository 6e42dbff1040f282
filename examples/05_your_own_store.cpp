// 05: implement your own store: the nine calls of the charge_store port over your own storage
// (here a map behind one mutex). The service keeps every rule; the store only has to read the
// keys it is given, ask the planner, and apply all of the plan or nothing, atomically.
#include <netflix_charges/netflix_charges.hpp>

#include <algorithm>
#include <iostream>
#include <map>
#include <mutex>
#include <set>

namespace nc = netflix_charges;

class map_store final : public nc::charge_store {
public:
    void write(const nc::operator_id& op, const nc::batch_keys& keys, const nc::write_planner& planner) override
    {
        std::lock_guard lock{mutex_};  // one write at a time: the whole batch is atomic
        auto& mine = operators_[op.value()];
        apply(mine, planner(snapshot_of(mine, keys)));  // the planner may throw: then nothing is written
    }

    // An import in parts: all of them or none. This store changes a copy and keeps it at the end
    // (a SQL store runs the parts in one transaction), and tells each part which of its numbers
    // an earlier part named (a SQL store keeps them in a temporary table).
    void write_parts(const nc::operator_id& op, const nc::next_part& next, const nc::write_planner& planner) override
    {
        std::lock_guard lock{mutex_};
        operator_data changed = operators_[op.value()];
        std::set<std::string> named;
        while (const auto keys = next()) {
            auto snapshot = snapshot_of(changed, *keys);
            for (const auto& number : keys->numbers)
                if (!named.insert(number).second) snapshot.named_before.push_back(number);
            apply(changed, planner(snapshot));
        }
        operators_[op.value()] = std::move(changed);
    }

    std::optional<nc::charge> find_by_number(const nc::operator_id& op, const std::string& number) override
    {
        std::lock_guard lock{mutex_};
        const auto& charges = operators_[op.value()].charges;
        const auto it = charges.find(number);
        return it == charges.end() ? std::nullopt : std::optional{it->second};
    }

    std::optional<nc::charge> find_by_reference(const nc::operator_id& op, const std::string& reference) override
    {
        std::lock_guard lock{mutex_};
        auto& mine = operators_[op.value()];
        const auto it = mine.references.find(reference);
        return it == mine.references.end() ? std::nullopt : std::optional{mine.charges.at(it->second)};
    }

    std::vector<nc::charge> list_unacknowledged(const nc::operator_id& op, nc::status_class cls, std::size_t offset,
                                                std::size_t limit) override
    {
        std::lock_guard lock{mutex_};
        std::vector<nc::charge> found;
        for (const auto& [number, c] : operators_[op.value()].charges)
            if (!c.acknowledged && nc::class_of(c.status) == cls) found.push_back(c);
        std::sort(found.begin(), found.end(), [](const nc::charge& a, const nc::charge& b) {
            return std::tie(a.received_on, a.number) < std::tie(b.received_on, b.number);
        });
        found.erase(found.begin(), found.begin() + static_cast<std::ptrdiff_t>(std::min(offset, found.size())));
        if (found.size() > limit) found.resize(limit);
        return found;
    }

    std::vector<nc::journal_entry> journal(const nc::operator_id& op, std::int64_t after, std::size_t limit) override
    {
        std::lock_guard lock{mutex_};
        std::vector<nc::journal_entry> found;
        for (const auto& e : operators_[op.value()].journal)
            if (e.sequence > after && found.size() < limit) found.push_back(e);
        return found;
    }

    std::size_t prune_journal(nc::timestamp before) override
    {
        std::lock_guard lock{mutex_};
        std::size_t removed = 0;
        for (auto& [name, mine] : operators_) {
            const auto old = std::remove_if(mine.journal.begin(), mine.journal.end(),
                                            [&](const nc::journal_entry& e) { return e.at < before; });
            removed += static_cast<std::size_t>(mine.journal.end() - old);
            mine.journal.erase(old, mine.journal.end());
        }
        return removed;
    }

    void for_each_received(const nc::operator_id& op, nc::timestamp from, nc::timestamp until,
                           const std::function<void(const nc::charge&)>& each) override
    {
        std::lock_guard lock{mutex_};
        std::vector<const nc::charge*> found;
        for (const auto& [number, c] : operators_[op.value()].charges)
            if (c.received_on >= from && c.received_on < until) found.push_back(&c);
        std::sort(found.begin(), found.end(), [](const nc::charge* a, const nc::charge* b) {
            return std::tie(a->received_on, a->number) < std::tie(b->received_on, b->number);
        });
        for (const auto* c : found) each(*c);
    }

    std::vector<nc::operator_backlog> backlogs() override  // a real store keeps counts as it writes
    {
        std::lock_guard lock{mutex_};
        std::vector<nc::operator_backlog> all;
        for (const auto& [name, mine] : operators_) {
            nc::operator_backlog b{nc::operator_id{name}};
            for (const auto& [number, c] : mine.charges)
                if (!c.acknowledged) ++(nc::class_of(c.status) == nc::status_class::processed ? b.processed : b.not_processed);
            all.push_back(b);
        }
        return all;
    }

private:
    struct operator_data {
        std::map<std::string, nc::charge> charges;      // by number
        std::map<std::string, std::string> references;  // reference number -> charge number
        std::vector<nc::journal_entry> journal;         // in sequence order
        std::int64_t last_sequence = 0;                 // never reused, even after a prune
    };

    static nc::batch_snapshot snapshot_of(const operator_data& mine, const nc::batch_keys& keys)
    {
        nc::batch_snapshot snapshot;
        for (const auto& number : keys.numbers)
            if (const auto it = mine.charges.find(number); it != mine.charges.end()) snapshot.charges.push_back(it->second);
        for (const auto& reference : keys.reference_numbers)
            if (const auto it = mine.references.find(reference); it != mine.references.end())
                snapshot.reference_owners.push_back({reference, it->second});
        return snapshot;
    }

    static void apply(operator_data& mine, const nc::batch_writes& plan)
    {
        for (const auto& c : plan.inserts) {
            mine.charges.emplace(c.number, c);
            for (const auto& reference : nc::references_of(c)) mine.references.emplace(reference, c.number);
        }
        for (const auto& update : plan.updates) {
            auto& c = mine.charges.at(update.number);
            nc::apply_update(c, update);
            for (const auto& reference : nc::references_of(update)) mine.references.emplace(reference, c.number);
        }
        for (auto entry : plan.journal) {  // in the same atomic write, numbered in order
            entry.sequence = ++mine.last_sequence;
            mine.journal.push_back(std::move(entry));
        }
    }

    std::mutex mutex_;
    std::map<std::string, operator_data> operators_;
};

int main()
{
    map_store store;
    nc::charges_service service{store};
    const nc::operator_id op{"ps_dev"};
    const nc::identity billing = nc::identity::vouched_for_by_host("billing", op, "");
    for (const auto& c : nc::sample_charges(0, 2, *nc::parse_timestamp("2026-11-01T08:00:00"))) service.issue(op, c);

    const auto pending = service.list(billing, {});
    const auto& first = pending.front();
    const auto ok = service.acknowledge(billing, {{first.number, first.billing_system_customer_identifier, "R-1"}});
    // The rules come from the service: the same reference number for another charge is refused.
    const auto& second = pending.back();
    const auto refused = service.acknowledge(billing, {{second.number, second.billing_system_customer_identifier, "R-1"}});
    std::cout << "acknowledged " << first.number << ": " << ok.failed.size() << " failures\n";
    for (const auto& f : refused.failed)
        std::cout << "refused " << f.number << " code " << static_cast<int>(f.code) << ": " << f.description << "\n";
    return ok.failed.empty() && refused.failed.size() == 1 ? 0 : 1;
}
