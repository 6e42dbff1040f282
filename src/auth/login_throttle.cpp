#include <netflix_charges/login_throttle.hpp>

#include <algorithm>
#include <mutex>
#include <unordered_map>

namespace netflix_charges {

namespace {

struct failures {
    std::size_t count = 0;
    timestamp last;
};

}  // namespace

struct login_throttle::impl {
    login_throttle_options options;
    const clock& time;
    std::mutex mutex;
    // By "a:" + address, and by "u:" + address + '\n' + user (an address has no newline).
    std::unordered_map<std::string, failures> counts;

    impl(login_throttle_options o, const clock& c) : options(o), time(c) {}

    static std::string address_key(const std::string& address) { return "a:" + address; }
    static std::string pair_key(const std::string& user, const std::string& address)
    {
        return "u:" + address + '\n' + user;
    }

    // When the key's next login may be tried, or nothing when it may now (and its count, if
    // stale, is forgotten).
    std::optional<timestamp> allowed_from(const std::string& key, std::size_t free, timestamp now)
    {
        const auto it = counts.find(key);
        if (it == counts.end()) return std::nullopt;
        if (now - it->second.last >= options.forget_after) {
            counts.erase(it);
            return std::nullopt;
        }
        if (it->second.count < free) return std::nullopt;
        const std::size_t doublings = std::min<std::size_t>(it->second.count - free, 30);
        const auto delay = std::min<std::chrono::seconds>(options.first_delay * (std::int64_t{1} << doublings),
                                                          options.longest_delay);
        const timestamp from = it->second.last + delay;
        if (now >= from) return std::nullopt;
        return from;
    }

    void count_failure(const std::string& key, timestamp now)
    {
        auto it = counts.find(key);
        if (it == counts.end()) {
            make_room(now);
            it = counts.emplace(key, failures{}).first;
        } else if (now - it->second.last >= options.forget_after) {
            it->second.count = 0;
        }
        ++it->second.count;
        it->second.last = now;
    }

    // Below `most_counts`: the stale counts go, then the stalest one (a scan, only when full).
    void make_room(timestamp now)
    {
        if (counts.size() < options.most_counts) return;
        for (auto it = counts.begin(); it != counts.end();)
            it = now - it->second.last >= options.forget_after ? counts.erase(it) : std::next(it);
        if (counts.size() < options.most_counts || counts.empty()) return;
        counts.erase(std::min_element(counts.begin(), counts.end(), [](const auto& a, const auto& b) {
            return a.second.last < b.second.last;
        }));
    }
};

login_throttle::login_throttle(login_throttle_options options, const clock& time_source)
    : impl_(std::make_unique<impl>(options, time_source))
{
}

login_throttle::~login_throttle() = default;

const clock& login_throttle::default_clock()
{
    static const system_clock instance;
    return instance;
}

std::optional<std::chrono::seconds> login_throttle::wait_before(const std::string& user, const std::string& address)
{
    const timestamp now = impl_->time.now();
    std::lock_guard lock{impl_->mutex};
    const auto by_pair = impl_->allowed_from(impl::pair_key(user, address), impl_->options.free_failures_per_user, now);
    const auto by_address = impl_->allowed_from(impl::address_key(address), impl_->options.free_failures_per_address, now);
    if (!by_pair && !by_address) return std::nullopt;
    const timestamp from = std::max(by_pair.value_or(now), by_address.value_or(now));
    return std::max(std::chrono::seconds{1}, from - now);
}

void login_throttle::failed(const std::string& user, const std::string& address)
{
    const timestamp now = impl_->time.now();
    std::lock_guard lock{impl_->mutex};
    impl_->count_failure(impl::pair_key(user, address), now);
    impl_->count_failure(impl::address_key(address), now);
}

void login_throttle::succeeded(const std::string& user, const std::string& address)
{
    std::lock_guard lock{impl_->mutex};
    impl_->counts.erase(impl::pair_key(user, address));
}

}  // namespace netflix_charges
