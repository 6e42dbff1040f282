#pragma once

// The few cryptographic primitives authentication needs, from OpenSSL.

#include <netflix_charges/export.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace netflix_charges::crypto {

// `count` bytes from OpenSSL's CSPRNG.
std::string random_bytes(std::size_t count);

std::string sha256(std::string_view data);
NETFLIX_CHARGES_EXPORT std::string hmac_sha256(std::string_view key, std::string_view data);  // exported for the white-box tests
std::string pbkdf2_sha256(std::string_view password, std::string_view salt, int iterations, std::size_t length);

// Compares in time that depends only on the lengths.
bool equal_constant_time(std::string_view a, std::string_view b);

std::string to_hex(std::string_view bytes);

// RFC 4648 section 5, without padding (as in JWTs). Decoding accepts only the canonical
// encoding: no padding, no other characters, no stray bits.
NETFLIX_CHARGES_EXPORT std::string base64url_encode(std::string_view bytes);  // exported for the white-box tests
NETFLIX_CHARGES_EXPORT std::optional<std::string> base64url_decode(std::string_view text);  // exported for the white-box tests

}  // namespace netflix_charges::crypto
