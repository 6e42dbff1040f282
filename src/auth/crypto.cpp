#include "crypto.hpp"

#include <netflix_charges/errors.hpp>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>

namespace netflix_charges::crypto {

namespace {

const unsigned char* bytes_of(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }

[[noreturn]] void fail(const char* what) { throw error{errc::internal_error, "", std::string{"OpenSSL: "} + what}; }

}  // namespace

std::string random_bytes(std::size_t count)
{
    std::string out(count, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(count)) != 1) fail("RAND_bytes");
    return out;
}

std::string sha256(std::string_view data)
{
    std::string out(SHA256_DIGEST_LENGTH, '\0');
    SHA256(bytes_of(data), data.size(), reinterpret_cast<unsigned char*>(out.data()));
    return out;
}

std::string hmac_sha256(std::string_view key, std::string_view data)
{
    std::string out(EVP_MAX_MD_SIZE, '\0');
    unsigned int length = 0;
    if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), bytes_of(data), data.size(),
             reinterpret_cast<unsigned char*>(out.data()), &length) == nullptr)
        fail("HMAC");
    out.resize(length);
    return out;
}

std::string pbkdf2_sha256(std::string_view password, std::string_view salt, int iterations, std::size_t length)
{
    std::string out(length, '\0');
    if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()), bytes_of(salt),
                          static_cast<int>(salt.size()), iterations, EVP_sha256(), static_cast<int>(length),
                          reinterpret_cast<unsigned char*>(out.data())) != 1)
        fail("PKCS5_PBKDF2_HMAC");
    return out;
}

bool equal_constant_time(std::string_view a, std::string_view b)
{
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string to_hex(std::string_view bytes)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (unsigned char c : bytes) {
        out += digits[c >> 4];
        out += digits[c & 0x0F];
    }
    return out;
}

std::string base64url_encode(std::string_view bytes)
{
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes_of(bytes),
                                       static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(length));
    while (!out.empty() && out.back() == '=') out.pop_back();
    std::replace(out.begin(), out.end(), '+', '-');
    std::replace(out.begin(), out.end(), '/', '_');
    return out;
}

std::optional<std::string> base64url_decode(std::string_view text)
{
    if (text.size() % 4 == 1) return std::nullopt;
    std::string standard{text};
    for (char& c : standard) {
        if (c == '-') c = '+';
        else if (c == '_') c = '/';
        else if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return std::nullopt;
    }
    const std::size_t padding = (4 - standard.size() % 4) % 4;
    standard.append(padding, '=');
    std::string out(standard.size() / 4 * 3, '\0');
    const int length = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes_of(standard),
                                       static_cast<int>(standard.size()));
    if (length < 0) return std::nullopt;
    out.resize(static_cast<std::size_t>(length) - padding);
    // Canonical only: a different text for the same bytes (stray low bits) is refused.
    if (base64url_encode(out) != text) return std::nullopt;
    return out;
}

}  // namespace netflix_charges::crypto
