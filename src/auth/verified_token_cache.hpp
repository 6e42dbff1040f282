#pragma once

// Tokens whose signature and claims have been checked, so that a client presenting the same
// token on every call costs a lookup instead of an HMAC and two JSON parses. What changes
// between two calls is still checked each time by the authenticator: expiry against the clock,
// and revocation in the store. A signature, once valid, stays valid: signing keys are only
// ever added, never withdrawn, while an authenticator lives.

#include "jwt.hpp"

#include <cstddef>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace netflix_charges {

class verified_token_cache {
public:
    // Bounded: when full, it starts again empty (tokens live two hours; a server sees few).
    static constexpr std::size_t max_tokens = 10000;

    std::optional<jwt::claims> find(std::string_view token) const
    {
        std::shared_lock lock{mutex_};
        const auto it = tokens_.find(std::string{token});
        if (it == tokens_.end()) return std::nullopt;
        return it->second;
    }

    void remember(std::string_view token, const jwt::claims& claims)
    {
        std::unique_lock lock{mutex_};
        if (tokens_.size() >= max_tokens) tokens_.clear();
        tokens_.insert_or_assign(std::string{token}, claims);
    }

private:
    mutable std::shared_mutex mutex_;
    std::unordered_map<std::string, jwt::claims> tokens_;
};

}  // namespace netflix_charges
