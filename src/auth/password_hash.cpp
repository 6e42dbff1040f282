#include "password_hash.hpp"

#include "crypto.hpp"

#include <fmt/format.h>

#include <charconv>
#include <vector>

namespace netflix_charges::password_hash {

namespace {

constexpr std::string_view scheme = "pbkdf2-sha256";
constexpr std::size_t salt_length = 16;
constexpr std::size_t hash_length = 32;
constexpr int max_iterations = 10'000'000;  // a stored hash cannot make a login spin forever

std::vector<std::string_view> split(std::string_view text, char separator)
{
    std::vector<std::string_view> parts;
    for (std::size_t start = 0;;) {
        const auto end = text.find(separator, start);
        parts.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        if (end == std::string_view::npos) return parts;
        start = end + 1;
    }
}

}  // namespace

std::string make(std::string_view password, int iterations)
{
    const auto salt = crypto::random_bytes(salt_length);
    const auto hash = crypto::pbkdf2_sha256(password, salt, iterations, hash_length);
    return fmt::format("{}${}${}${}", scheme, iterations, crypto::base64url_encode(salt), crypto::base64url_encode(hash));
}

bool verify(std::string_view password, std::string_view stored)
{
    const auto parts = split(stored, '$');
    if (parts.size() != 4 || parts[0] != scheme) return false;
    int iterations = 0;
    const auto [end, ec] = std::from_chars(parts[1].data(), parts[1].data() + parts[1].size(), iterations);
    if (ec != std::errc{} || end != parts[1].data() + parts[1].size() || iterations < 1 || iterations > max_iterations)
        return false;
    const auto salt = crypto::base64url_decode(parts[2]);
    const auto expected = crypto::base64url_decode(parts[3]);
    if (!salt || !expected || expected->empty()) return false;
    return crypto::equal_constant_time(crypto::pbkdf2_sha256(password, *salt, iterations, expected->size()), *expected);
}

void waste_time_like(int iterations)
{
    const auto hash = crypto::pbkdf2_sha256("", std::string(salt_length, '\0'), iterations, hash_length);
    (void)crypto::equal_constant_time(hash, hash);
}

}  // namespace netflix_charges::password_hash
